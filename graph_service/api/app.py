"""The ASGI application: GraphQL at ``/graphql`` (GraphiQL in development), ``/healthz``,
and the drawings under ``/viz`` (:mod:`graph_service.api.viz_routes`)."""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from graph_service.analytics.params import AnalyticsParams
from graph_service.analytics.path_cache import DEFAULT_SIZE, PathGraphCache
from graph_service.api.body_limit import BodyLimitMiddleware
from graph_service.api.execution import STORE_CALLS, StoreCalls, bounded, store_worker
from graph_service.api.limits import configured_limits
from graph_service.api.schema import build_schema
from graph_service.api.viz_routes import viz_routes
from graph_service.errors import ConfigError, StoreUnavailableError
from graph_service.settings import Limits
from graph_service.store.base import Store


class _GraphQL(GraphQL[dict[str, Any], None]):
    def __init__(
        self,
        store: Store,
        *,
        graphiql: bool,
        path_cache: PathGraphCache,
        params: AnalyticsParams,
        limits: Limits,
    ) -> None:
        super().__init__(build_schema(limits), graphql_ide="graphiql" if graphiql else None)
        self._store = store
        self._path_cache = path_cache
        self._params = params
        self._limits = limits
        self.worker = store_worker()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> dict[str, Any]:
        """A fresh dict per request (resolvers cache per-request lookups in it)."""
        return {
            "store": self._store,
            "path_cache": self._path_cache,
            "params": self._params,
            "request": request,
            STORE_CALLS: StoreCalls(self.worker),
        }

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: dict[str, Any],
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """The execution, stopped at the request timeout or when the client disconnects."""
        execution = super().execute_single(
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=request_data,
        )
        return await bounded(
            execution,
            request,
            context.get(STORE_CALLS),
            timeout=self._limits.request_timeout,
            stopped=lambda error: ExecutionResult(data=None, errors=[error]),
        )


def configured_params() -> AnalyticsParams:
    """The analytics definitions the settings make: the documented ones, with the reporting
    currency of ``ABMGRAPH_REPORTING_CURRENCY``. A bad setting is a :class:`ConfigError`."""
    from pydantic import ValidationError

    from graph_service.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None
    return AnalyticsParams(reporting_currency=settings.reporting_currency)


class BearerTokenMiddleware:
    """Refuses requests without ``Authorization: Bearer <token>`` (``/healthz`` stays open).

    The same check guards GraphQL and every other route, so embedded views (iframes) and API
    calls share one access control.
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope.get("path") != "/healthz":
            headers = dict(scope.get("headers") or [])
            given = headers.get(b"authorization", b"")
            if not hmac.compare_digest(given, self._expected):
                response = JSONResponse(
                    {"error": "unauthorized"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(
    store: Store,
    *,
    store_name: str,
    graphiql: bool = True,
    api_token: str | None = None,
    path_cache_size: int = DEFAULT_SIZE,
    params: AnalyticsParams | None = None,
    limits: Limits | None = None,
) -> Starlette:
    """The service over an open ``store``; the app closes it on shutdown.

    ``path_cache_size`` accounts' path graphs are kept for influence paths and next best
    touches (see :mod:`graph_service.analytics.path_cache`; 0 turns the cache off). The
    analytics answer with ``params`` (default: :func:`configured_params`, read from the
    environment once, here). Requests are held to ``limits`` (default: read from the
    environment, ``ABMGRAPH_*``; docs/limits.md).
    """
    path_cache = PathGraphCache(path_cache_size)
    params = params or configured_params()
    limits = limits or configured_limits()

    async def healthz(_: Request) -> JSONResponse:
        try:
            store.ping()
        except StoreUnavailableError as exc:
            return JSONResponse(
                {"status": "unavailable", "store": store_name, "error": str(exc)}, status_code=503
            )
        return JSONResponse({"status": "ok", "store": store_name})

    async def index(_: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    graphql = _GraphQL(
        store, graphiql=graphiql, path_cache=path_cache, params=params, limits=limits
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            graphql.worker.shutdown(wait=False, cancel_futures=True)
            store.close()

    middleware = [
        # First: a body over the limit is refused before anything reads it.
        Middleware(
            BodyLimitMiddleware, max_bytes=limits.max_body_bytes, timeout=limits.body_timeout
        )
    ]
    if api_token:
        middleware.append(Middleware(BearerTokenMiddleware, token=api_token))
    return Starlette(
        routes=[
            Route("/", index),
            Route("/healthz", healthz),
            Route("/graphql", graphql),
            *viz_routes(store),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
