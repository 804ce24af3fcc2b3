"""The ASGI application: GraphQL at ``/graphql`` (GraphiQL in development) and ``/healthz``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from graph_service.api.schema import schema
from graph_service.errors import StoreUnavailableError
from graph_service.store.base import Store


class _GraphQL(GraphQL[dict[str, Any], None]):
    def __init__(self, store: Store, *, graphiql: bool) -> None:
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None)
        self._store = store

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> dict[str, Any]:
        return {"store": self._store, "request": request}


def create_app(store: Store, *, store_name: str, graphiql: bool = True) -> Starlette:
    """The service over an open ``store``; the app closes it on shutdown."""

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

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    return Starlette(
        routes=[
            Route("/", index),
            Route("/healthz", healthz),
            Route("/graphql", _GraphQL(store, graphiql=graphiql)),
        ],
        lifespan=lifespan,
    )
