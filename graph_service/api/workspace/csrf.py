"""Cross-site request forgery protection for the workspace's pages.

Every session carries one random token (:func:`token`). A state-changing request from a page
sends it back, in the form field :data:`FIELD` or the header :data:`HEADER`; a request without
it, or with another, is refused with 403 (:func:`matches`). A forged request from another site
can make the browser send the session cookie (only for top-level navigations: the cookie is
``SameSite=Lax``) but cannot read the page, so it cannot know the token.

>>> session: dict[str, object] = {}
>>> sent = token(session)
>>> matches(session, sent), matches(session, "guess"), matches(session, None)
(True, False, False)
>>> token(session) == sent  # one token per session
True
>>> matches({}, sent)  # a session that never had a token accepts nothing
False
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import MutableMapping
from typing import Any

#: The session key of the token.
SESSION_KEY = "csrf"
#: The form field and the header that send it back.
FIELD = "csrf_token"
HEADER = "x-csrf-token"
#: What a refused request is told.
REFUSED = "missing or wrong CSRF token: reload the page and try again"


def token(session: MutableMapping[str, Any]) -> str:
    """The session's token, made on first use."""
    found = session.get(SESSION_KEY)
    if not isinstance(found, str) or not found:
        found = secrets.token_urlsafe(32)
        session[SESSION_KEY] = found
    return found


def matches(session: MutableMapping[str, Any], sent: str | None) -> bool:
    """Whether ``sent`` is the session's token (compared in constant time)."""
    expected = session.get(SESSION_KEY)
    if not isinstance(expected, str) or not expected or not sent:
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())
