"""The workspace's sign-in session: a signed cookie that stands for the credentials once
checked.

The browser signs in once with an API key or a JWT (checked by the app's
:class:`~graph_service.auth.Authenticator`); the session then holds who that is — the
principal's kind, id, role, how it proved it, the API key's id — and until when, never the key
or token itself. The cookie (:data:`COOKIE`) is signed with ``ABMGRAPH_SESSION_SECRET``
(starlette's ``SessionMiddleware``, itsdangerous), ``HttpOnly``, ``SameSite=Lax``, ``Secure``
on an https request, and lasts :data:`MAX_AGE` seconds at most (a JWT's session ends with the
token's ``exp``). A session of an API key ends when the key is revoked: every request checks
the key file (:func:`principal_of`).

>>> from graph_service.auth import AuthMethod, Principal, PrincipalKind, Role
>>> rep = Principal(PrincipalKind.MEMBER, "tm-2", Role.REP, AuthMethod.JWT)
>>> session: dict[str, object] = {}
>>> sign_in(session, rep, until=2_000.0, now=1_000.0)
>>> principal_of(session, None, now=1_500.0) == rep
True
>>> principal_of(session, None, now=2_001.0) is None  # past its end
True
>>> sign_out(session); principal_of(session, None, now=1_500.0) is None
True
"""

from __future__ import annotations

import secrets
import time
from collections.abc import MutableMapping
from typing import Any

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from graph_service.auth import Authenticator, AuthMethod, Principal, PrincipalKind, parse_role
from graph_service.errors import AuthError, ConfigError
from graph_service.settings import MIN_SESSION_SECRET

#: The session cookie's name.
COOKIE = "abmgraph_session"
#: The longest a session lasts, in seconds (8 hours: a working day).
MAX_AGE = 8 * 3600
#: The session key of the signed-in principal.
PRINCIPAL_KEY = "principal"


def session_secret(configured: str | None, *, production: bool) -> str:
    """The key that signs session cookies: ``configured`` (``ABMGRAPH_SESSION_SECRET``), else
    in development a random one for this process (sessions end at a restart); production
    refuses to run without one (:class:`ConfigError`).

    >>> len(session_secret(None, production=False)) >= 32
    True
    >>> session_secret(None, production=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph_service.errors.ConfigError: production mode needs ABMGRAPH_SESSION_SECRET ...
    """
    if configured:
        if len(configured) < MIN_SESSION_SECRET:
            raise ConfigError(
                f"ABMGRAPH_SESSION_SECRET must be at least {MIN_SESSION_SECRET} characters"
            )
        return configured
    if production:
        raise ConfigError(
            f"production mode needs ABMGRAPH_SESSION_SECRET (at least {MIN_SESSION_SECRET} "
            "characters) to sign the workspace's session cookies"
        )
    return secrets.token_urlsafe(32)


class SessionCookies:
    """Starlette's ``SessionMiddleware`` with the ``Secure`` flag on https requests only (a
    plain-http development service would otherwise never get its cookie back)."""

    def __init__(self, app: ASGIApp, secret: str) -> None:
        options: dict[str, Any] = {
            "secret_key": secret,
            "session_cookie": COOKIE,
            "max_age": MAX_AGE,
            "same_site": "lax",
        }
        self._plain = SessionMiddleware(app, https_only=False, **options)
        self._secure = SessionMiddleware(app, https_only=True, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope.get("scheme") in ("https", "wss"):
            await self._secure(scope, receive, send)
        else:
            await self._plain(scope, receive, send)


def sign_in(
    session: MutableMapping[str, Any],
    principal: Principal,
    *,
    until: float | None = None,
    now: float | None = None,
) -> None:
    """Start a session for ``principal``, ending at ``until`` (epoch seconds) or after
    :data:`MAX_AGE`, whichever is sooner. The session starts afresh (a new CSRF token too), so
    a session planted before sign-in is worth nothing after it."""
    start = time.time() if now is None else now
    end = start + MAX_AGE if until is None else min(until, start + MAX_AGE)
    session.clear()
    session[PRINCIPAL_KEY] = {
        "kind": principal.kind.value,
        "id": principal.id,
        "role": principal.role.value,
        "method": principal.method.value,
        "key_id": principal.key_id,
        "until": end,
    }


def sign_out(session: MutableMapping[str, Any]) -> None:
    """End the session (its CSRF token too)."""
    session.clear()


def principal_of(
    session: MutableMapping[str, Any] | None,
    authenticator: Authenticator | None,
    *,
    now: float | None = None,
) -> Principal | None:
    """Who the session is signed in as, or None: no session, a damaged one, one past its end,
    or one whose API key was revoked since (checked in ``authenticator``'s key file)."""
    data = (session or {}).get(PRINCIPAL_KEY)
    if not isinstance(data, dict):
        return None
    try:
        principal = Principal(
            kind=PrincipalKind(data["kind"]),
            id=str(data["id"]),
            role=parse_role(data["role"]),
            method=AuthMethod(data["method"]),
            key_id=data.get("key_id"),
        )
        until = float(data["until"])
    except (KeyError, TypeError, ValueError, AuthError):
        return None
    if (time.time() if now is None else now) >= until:
        return None
    if principal.method is AuthMethod.API_KEY:
        if authenticator is None:
            return None
        record = next((r for r in authenticator.keys.list() if r.id == principal.key_id), None)
        if record is None or record.revoked or record.principal != principal.id:
            return None
    return principal
