"""Who sent a request: the :class:`~graph_service.auth.Principal` the authentication
middleware put on it (:mod:`graph_service.api.auth_middleware`).

The middleware authenticates every request but the probes and stores the principal in the
ASGI scope's ``state``; a service that runs open (no credentials configured, never in
production) stores :data:`~graph_service.auth.OPEN`. Anything reading it through
:func:`caller` gets that principal, and :data:`OPEN` for a request that never passed the
middleware (an app built without it in a test).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection

from graph_service.auth import OPEN, Principal

STATE_KEY = "principal"


def set_caller(scope: dict[str, Any] | Any, principal: Principal) -> None:
    """Record ``principal`` as the sender of the request of ASGI ``scope``."""
    scope.setdefault("state", {})[STATE_KEY] = principal


def caller(connection: HTTPConnection) -> Principal:
    """The principal that sent ``connection``'s request."""
    found = connection.scope.get("state", {}).get(STATE_KEY)
    return found if isinstance(found, Principal) else OPEN
