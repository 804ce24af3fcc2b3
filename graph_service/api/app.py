"""The ASGI application: the account workspace at ``/`` (:mod:`graph_service.api.workspace`),
GraphQL at ``/graphql`` (GraphiQL in development, served by the app itself:
:mod:`graph_service.api.graphiql`), ``/healthz`` (liveness), ``/readyz`` (the store answers),
and the drawings under ``/viz`` (:mod:`graph_service.api.viz_routes`). Production mode:
:mod:`graph_service.api.production`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from graph_service.analytics.params import AnalyticsParams
from graph_service.analytics.path_cache import DEFAULT_SIZE, PathGraphCache
from graph_service.api.auth_middleware import AuthMiddleware, check_auth, runs_open
from graph_service.api.body_limit import BodyLimitMiddleware
from graph_service.api.context import Context
from graph_service.api.execution import StoreCalls, bounded, store_worker
from graph_service.api.export_routes import export_routes
from graph_service.api.graphiql import STATIC_DIR as GRAPHIQL_STATIC
from graph_service.api.graphiql import GraphiQLPage, asset_routes, opens_without_key
from graph_service.api.limits import configured_limits
from graph_service.api.logs import ObserveMiddleware
from graph_service.api.metrics import instrumented, metrics_endpoint
from graph_service.api.production import HttpPolicy
from graph_service.api.request_id import RequestIdMiddleware
from graph_service.api.schema import build_schema
from graph_service.api.store_health import guarded
from graph_service.api.viz_routes import viz_routes
from graph_service.api.workspace.data import Executor
from graph_service.api.workspace.routes import Workspace, workspace_routes
from graph_service.api.workspace.session import SessionCookies, session_secret
from graph_service.auth import Authenticator
from graph_service.errors import ConfigError, StoreUnavailableError
from graph_service.settings import AuthMode, Limits, Settings
from graph_service.store.base import Store
from graph_service.store.view_cache import DEFAULT_SIZE as DEFAULT_VIEWS
from graph_service.store.view_cache import cached_views

log = logging.getLogger("graph_service.api")


class _GraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        store: Store,
        *,
        graphiql: GraphiQLPage | None,
        path_cache: PathGraphCache,
        params: AnalyticsParams,
        limits: Limits,
        production: bool = False,
        store_threads: int = 1,
    ) -> None:
        super().__init__(
            build_schema(limits, production=production),
            graphql_ide="graphiql" if graphiql is not None and not production else None,
        )
        self._graphiql = graphiql
        self._store = store
        self._path_cache = path_cache
        self._params = params
        self._limits = limits
        self.worker = store_worker(store_threads)

    def encode_json(self, data: object) -> str | bytes:
        """Answers serialized with orjson (several times faster than the standard library);
        what it cannot write (an integer beyond 64 bits, as a refusal may quote) by the
        standard library."""
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().encode_json(data)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the service's own assets (strawberry's page loads them from a CDN)."""
        assert self._graphiql is not None  # strawberry renders the IDE only when it is on
        return self._graphiql.response()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> Context:
        """A fresh context per request (resolvers cache per-request lookups in it), with the
        caller the authentication middleware put on the request."""
        return Context.for_request(
            request,
            store=self._store,
            params=self._params,
            path_cache=self._path_cache,
            store_calls=StoreCalls(self.worker),
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
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
            context.store_calls,
            timeout=self._limits.request_timeout,
            stopped=lambda error: ExecutionResult(data=None, errors=[error]),
        )


def _configured_settings() -> Settings:
    """The settings the environment makes; a bad setting is a :class:`ConfigError` naming
    each problem."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None


def configured_params() -> AnalyticsParams:
    """The analytics definitions the settings make: the documented ones, with the reporting
    currency of ``ABMGRAPH_REPORTING_CURRENCY``. A bad setting is a :class:`ConfigError`."""
    return AnalyticsParams(reporting_currency=_configured_settings().reporting_currency)


def configured_session_secret() -> str | None:
    """``ABMGRAPH_SESSION_SECRET``, if set (a bad setting is a :class:`ConfigError`)."""
    secret = _configured_settings().session_secret
    return secret.get_secret_value() if secret is not None else None


def create_app(
    store: Store,
    *,
    store_name: str,
    graphiql: bool = True,
    authenticator: Authenticator | None = None,
    auth: AuthMode = AuthMode.AUTO,
    path_cache_size: int = DEFAULT_SIZE,
    view_cache_size: int = DEFAULT_VIEWS,
    params: AnalyticsParams | None = None,
    limits: Limits | None = None,
    production: bool = False,
    allowed_hosts: Sequence[str] | None = None,
    cors_origins: Sequence[str] = (),
    graphiql_dir: Path = GRAPHIQL_STATIC,
    session_secret_key: str | None = None,
    store_threads: int = 1,
) -> Starlette:
    """The service over an open ``store``; the app closes it on shutdown.

    ``path_cache_size`` accounts' path graphs are kept for influence paths and next best
    touches (see :mod:`graph_service.analytics.path_cache`; 0 turns the cache off), and
    ``view_cache_size`` single-account views (:mod:`graph_service.store.view_cache`). The
    analytics answer with ``params`` (default: :func:`configured_params`, read from the
    environment once, here). Requests are held to ``limits`` (default: read from the
    environment, ``ABMGRAPH_*``; docs/limits.md).

    Callers authenticate with ``authenticator`` (API keys, JWTs) as ``auth`` says
    (:mod:`graph_service.api.auth_middleware`; without an authenticator the service runs
    open). ``production`` turns GraphiQL, introspection and field suggestions off and needs
    credentials configured (a :class:`ConfigError` without); ``allowed_hosts`` and
    ``cors_origins`` are the ``Host`` and CORS allow-lists
    (:class:`~graph_service.api.production.HttpPolicy`). GraphiQL's page loads its assets from
    ``graphiql_dir`` (:mod:`graph_service.api.graphiql`). Resolvers read the store on
    ``store_threads`` threads (:mod:`graph_service.api.execution`).

    The workspace's session cookies are signed with ``session_secret_key`` (default:
    ``ABMGRAPH_SESSION_SECRET``; in development without one, a random key per process;
    production refuses to start without one).
    """
    check_auth(auth, authenticator, production=production)
    ide_on = graphiql and not production
    secret = session_secret(
        session_secret_key or configured_session_secret(), production=production
    )
    policy = HttpPolicy(
        production=production, allowed_hosts=allowed_hosts, cors_origins=cors_origins
    )
    owned = guarded(store)  # fails fast while the store is away; closes it on shutdown
    # Views kept while the data is unchanged; what the cache reads is timed and counted.
    store = cached_views(instrumented(owned), view_cache_size)
    path_cache = PathGraphCache(path_cache_size)
    params = params or configured_params()
    limits = limits or configured_limits()
    ide = GraphiQLPage(lambda: not runs_open(auth, authenticator), graphiql_dir) if ide_on else None
    graphql = _GraphQL(
        store,
        graphiql=ide,
        path_cache=path_cache,
        params=params,
        limits=limits,
        production=production,
        store_threads=store_threads,
    )

    async def healthz(_: Request) -> JSONResponse:
        """Liveness: the process answers (whatever the store does)."""
        return JSONResponse({"status": "ok", "store": store_name})

    async def readyz(_: Request) -> JSONResponse:
        """Readiness: the store answers (503 when not; the detail goes to the log only)."""
        try:
            await run_in_threadpool(store.ping)
        except StoreUnavailableError as exc:
            log.warning("not ready: %s", exc)
            return JSONResponse({"status": "unavailable", "store": store_name}, status_code=503)
        return JSONResponse({"status": "ready", "store": store_name})

    workspace = Workspace(
        executor=Executor(
            schema=graphql.schema,
            store=store,
            params=params,
            path_cache=path_cache,
            calls=lambda: StoreCalls(graphql.worker),
        ),
        authenticator=authenticator,
        runs_open=lambda: runs_open(auth, authenticator),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            graphql.worker.shutdown(wait=False, cancel_futures=True)
            owned.close()

    middleware = [
        # Every response carries a request id and is logged, refusals included; then a body
        # over the limit is refused before anything reads it.
        Middleware(RequestIdMiddleware),
        Middleware(ObserveMiddleware),
        Middleware(
            BodyLimitMiddleware, max_bytes=limits.max_body_bytes, timeout=limits.body_timeout
        ),
        *policy.middleware(),
        # The workspace's signed session, read by the authentication that follows.
        Middleware(SessionCookies, secret=secret),
        Middleware(
            AuthMiddleware,
            authenticator=authenticator,
            mode=auth,
            opens_without_key=opens_without_key if ide_on else None,
        ),
    ]
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route("/graphql", graphql),
            *(asset_routes(graphiql_dir) if ide_on else ()),
            *viz_routes(store, production=production),
            *export_routes(store, params, production=production),
            *workspace_routes(workspace),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
