"""Authentication of every request but the probes: the ``Authorization`` header in, a
:class:`~graph_service.auth.Principal` on the request (:mod:`graph_service.api.caller`).

One middleware guards GraphQL, the drawings and the exports alike, so an embedded view (an
iframe) and an API call share one access control. Three modes (``ABMGRAPH_AUTH``):

- ``auto`` (the default): credentials are required as soon as any are configured (an API key
  was ever created in the data directory, or a JWT key is set); until then the service runs
  open, every request made by :data:`~graph_service.auth.OPEN` (an administrator), which is
  how ``abmgraph demo`` works on a fresh machine;
- ``required``: every request needs a valid key or token;
- ``open``: nobody is asked (development only; production refuses it).

A service may also let some requests through without credentials (``opens_without_key``): the
GraphiQL page and its assets (:func:`graph_service.api.graphiql.opens_without_key`), which a
browser opens before it has a key to send; such a request carries no caller.

A refused request is ``401`` with ``WWW-Authenticate: Bearer`` and ``{"error": ...}`` naming
what was wrong with the credentials sent (never whether a key id exists).

A request without an ``Authorization`` header may instead come with the account workspace's
signed session cookie (:mod:`graph_service.api.workspace.session`), where
:func:`~graph_service.api.workspace.paths.session_may` allows it: the workspace's pages and
export downloads, and ``POST /graphql`` with the session's CSRF token in ``X-CSRF-Token``
(403 without it). A workspace page asked for with no credentials redirects to the sign-in
form; the sign-in form, the language switch and the workspace's assets need no caller.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import anyio.to_thread
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from graph_service.api.caller import set_caller
from graph_service.api.workspace import csrf, paths, session
from graph_service.auth import OPEN, Authenticator
from graph_service.errors import AuthError, ConfigError
from graph_service.settings import AuthMode

#: Routes open without credentials: the probes.
OPEN_PATHS = frozenset({"/healthz", "/readyz"})


def check_auth(mode: AuthMode, authenticator: Authenticator | None, *, production: bool) -> None:
    """Refuse a configuration that would run open where it must not (:class:`ConfigError`)."""
    if mode is AuthMode.OPEN:
        if production:
            raise ConfigError("production mode cannot run open: ABMGRAPH_AUTH=open is refused")
        return
    required = production or mode is AuthMode.REQUIRED
    if required and (authenticator is None or not authenticator.configured()):
        raise ConfigError(
            "credentials are required but none are configured: create an API key "
            "(abmgraph keys create --member ID --role ROLE, or --service NAME) or set "
            "ABMGRAPH_JWT_SECRET / ABMGRAPH_JWT_PUBLIC_KEY_FILE / ABMGRAPH_JWT_JWKS_FILE "
            "(docs/authentication.md)"
        )


def runs_open(mode: AuthMode, authenticator: Authenticator | None) -> bool:
    """Whether a service asks nobody for credentials right now (see the module docstring)."""
    if mode is AuthMode.OPEN or authenticator is None:
        return True
    return mode is AuthMode.AUTO and not authenticator.configured()


class AuthMiddleware:
    """Puts the caller on every request, or answers 401."""

    def __init__(
        self,
        app: ASGIApp,
        authenticator: Authenticator | None,
        mode: AuthMode = AuthMode.AUTO,
        opens_without_key: Callable[[Scope], bool] | None = None,
    ) -> None:
        self.app = app
        self._authenticator = authenticator if mode is not AuthMode.OPEN else None
        self._mode = mode
        self._opens_without_key = opens_without_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope.get("path") in OPEN_PATHS or runs_open(self._mode, self._authenticator):
            set_caller(scope, OPEN)
            await self.app(scope, receive, send)
            return
        if self._opens_without_key is not None and self._opens_without_key(scope):
            await self.app(scope, receive, send)
            return
        assert self._authenticator is not None
        path = str(scope.get("path") or "")
        if paths.is_public(path):
            await self.app(scope, receive, send)  # no caller: these read no account data
            return
        headers = dict(scope.get("headers") or [])
        header = headers.get(b"authorization")
        value = header.decode("latin-1") if header is not None else None
        if value is None and "session" in scope:
            signed_in = await anyio.to_thread.run_sync(
                session.principal_of, scope["session"], self._authenticator
            )
            method = str(scope.get("method") or "GET")
            if signed_in is not None and paths.session_may(method, path):
                if method == "POST":
                    sent = headers.get(csrf.HEADER.encode())
                    token = sent.decode("latin-1") if sent is not None else None
                    if not csrf.matches(scope["session"], token):
                        forbidden = JSONResponse({"error": csrf.REFUSED}, status_code=403)
                        await forbidden(scope, receive, send)
                        return
                set_caller(scope, signed_in)
                await self.app(scope, receive, send)
                return
            if paths.is_page(path) and method in ("GET", "HEAD"):
                query = bytes(scope.get("query_string") or b"").decode("latin-1")
                target = quote(path + (f"?{query}" if query else ""), safe="/")
                await RedirectResponse(f"{paths.SIGN_IN}?next={target}", 303)(scope, receive, send)
                return
        try:
            # Off the event loop: a key's first check is a deliberately slow hash.
            principal = await anyio.to_thread.run_sync(self._authenticator.authenticate, value)
        except AuthError as exc:
            response = JSONResponse(
                {"error": str(exc)},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer", "Cache-Control": "no-store"},
            )
            await response(scope, receive, send)
            return
        set_caller(scope, principal)
        await self.app(scope, receive, send)
