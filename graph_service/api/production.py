"""Production mode (``ABMGRAPH_ENV=production``) and the HTTP guards it switches on.

In production the service serves no GraphiQL, answers no introspection and suggests no field
names (:func:`graph_service.api.schema.build_schema`), masks unexpected errors and the store's
address, needs credentials on every route but ``/healthz`` and ``/readyz``
(:mod:`graph_service.api.auth_middleware`), and answers only
the ``Host`` names of the allow-list (``ABMGRAPH_ALLOWED_HOSTS``, default
:data:`DEFAULT_ALLOWED_HOSTS`), the precondition of DNS rebinding against a service on
localhost. Browsers may call it from the origins of ``ABMGRAPH_CORS_ORIGINS`` (none by
default), in either mode. See docs/security.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from graph_service.api.request_id import HEADER as REQUEST_ID_HEADER

#: The ``Host`` names production answers when ``ABMGRAPH_ALLOWED_HOSTS`` is not set.
DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1")


@dataclass(frozen=True)
class HttpPolicy:
    """Who may call the service over HTTP, and from where."""

    production: bool = False
    #: None: any ``Host`` in development, :data:`DEFAULT_ALLOWED_HOSTS` in production.
    allowed_hosts: Sequence[str] | None = None
    cors_origins: Sequence[str] = ()

    def hosts(self) -> list[str] | None:
        """The ``Host`` names answered; None: any."""
        if self.allowed_hosts is not None:
            return list(self.allowed_hosts)
        return list(DEFAULT_ALLOWED_HOSTS) if self.production else None

    def middleware(self) -> list[Middleware]:
        """The Host allow-list and CORS, outermost first (authentication comes after them,
        so that a browser's preflight, which carries no credential, is answered)."""
        stack = []
        hosts = self.hosts()
        if hosts is not None:
            stack.append(Middleware(TrustedHostMiddleware, allowed_hosts=hosts))
        if self.cors_origins:
            stack.append(
                Middleware(
                    CORSMiddleware,
                    allow_origins=list(self.cors_origins),
                    allow_methods=["GET", "POST"],
                    allow_headers=["Authorization", "Content-Type", REQUEST_ID_HEADER],
                    expose_headers=[REQUEST_ID_HEADER],
                    max_age=600,
                )
            )
        return stack
