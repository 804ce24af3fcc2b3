"""Where the workspace lives in the app, and which requests its session cookie may make.

The session stands in for credentials only where a page needs it: the pages themselves and
the export downloads they link to (``GET``), and the pages' own GraphQL calls (``POST
/graphql`` with the CSRF token in the ``X-CSRF-Token`` header). Every other request, and
every API client, sends ``Authorization: Bearer ...`` as before.

>>> is_page("/"), is_page("/accounts/c-01"), is_page("/graphql")
(True, True, False)
>>> session_may("GET", "/export/targets.csv"), session_may("POST", "/export/targets.csv")
(True, False)
>>> session_may("POST", "/graphql"), session_may("GET", "/graphql")
(True, False)
>>> is_public("/workspace/static/workspace.js"), is_public("/signin"), is_public("/")
(True, True, False)
"""

from __future__ import annotations

SIGN_IN = "/signin"
SIGN_OUT = "/signout"
LANGUAGE = "/lang"
STATIC = "/workspace/static"
ACCOUNTS = "/accounts/"
GRAPHQL = "/graphql"
EXPORTS = "/export/"

#: Open to anyone: signing in (and out), the language switch, the assets.
_PUBLIC = frozenset({SIGN_IN, SIGN_OUT, LANGUAGE})


def is_page(path: str) -> bool:
    """A workspace page (the portfolio at ``/``, an account at ``/accounts/{id}``)."""
    return path == "/" or (path.startswith(ACCOUNTS) and len(path) > len(ACCOUNTS))


def is_public(path: str) -> bool:
    """A workspace route that needs no caller (it reads no account data)."""
    return path in _PUBLIC or path.startswith(STATIC + "/")


def session_may(method: str, path: str) -> bool:
    """Whether a signed-in session may make this request (``POST /graphql`` still needs the
    CSRF header; :mod:`graph_service.api.auth_middleware` checks it)."""
    if method in ("GET", "HEAD"):
        return is_page(path) or path.startswith(EXPORTS)
    return method == "POST" and path == GRAPHQL
