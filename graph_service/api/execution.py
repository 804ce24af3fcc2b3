"""Running a GraphQL request so that it cannot hold the service: a deadline, and a stop when
its client goes away (docs/limits.md).

The resolvers read the store synchronously. :func:`run_resolvers_off_loop` runs every
resolver of our own (the fields with a Python resolver; plain attributes stay inline) on the
app's store threads (``ABMGRAPH_STORE_THREADS``: one for the embedded store, eight for Neo4j,
so that requests overlap while Neo4j works), so the event loop stays free to answer other
requests, ``/healthz``, refusals, and to notice a deadline or a disconnect while a query works.
:func:`bounded` runs an execution until it ends, its deadline passes
(``ABMGRAPH_REQUEST_TIMEOUT``) or its client disconnects; then the execution is cancelled,
and its store calls not yet started are never run. A store call already running finishes
(the Neo4j store bounds it with ``ABMGRAPH_STORE_TIMEOUT``).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError, GraphQLObjectType, GraphQLResolveInfo
from starlette.requests import Request
from strawberry.schema.schema_converter import GraphQLCoreConverter

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The context attribute holding the request's :class:`StoreCalls`.
STORE_CALLS = "store_calls"
#: The ``extensions.code`` of a request stopped at its deadline.
TIMED_OUT = "REQUEST_TIMEOUT"
DISCONNECTED = "CLIENT_DISCONNECTED"


class RequestStoppedError(Exception):
    """The request was stopped (deadline or disconnect); no more store calls for it."""


class StoreCalls:
    """One request's way to the store worker: calls run there, one at a time, until the
    request is stopped."""

    def __init__(self, worker: ThreadPoolExecutor) -> None:
        self.worker = worker
        self.stopped: str | None = None

    async def call(self, fn: Callable[[], T]) -> T:
        if self.stopped:
            raise RequestStoppedError(self.stopped)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.worker, contextvars.copy_context().run, fn)


def store_worker(threads: int = 1) -> ThreadPoolExecutor:
    """The threads resolvers run on."""
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="abmgraph-store")


def run_resolvers_off_loop(schema: strawberry.Schema) -> None:
    """Makes every field of ``schema`` with a Python resolver run it through the request's
    :class:`StoreCalls` (when the context has one: the CLI and tests executing the schema
    directly run them inline). Plain attributes are left alone: they read no store, and
    wrapping them (as a schema-wide ``resolve`` hook did) cost every field of every
    answer a call."""
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field in graphql_type.fields.values():
            definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            resolve = field.resolve
            if resolve is None or getattr(definition, "base_resolver", None) is None:
                continue
            field.resolve = _off_loop(resolve)


def _off_loop(resolve: Callable[..., Any]) -> Callable[..., Any]:
    def off_loop(root: Any, info: GraphQLResolveInfo[Any], **kwargs: Any) -> Any:
        calls: StoreCalls | None = getattr(info.context, STORE_CALLS, None)
        if calls is None:
            return resolve(root, info, **kwargs)
        return calls.call(functools.partial(resolve, root, info, **kwargs))

    return off_loop


async def _disconnect(request: Request) -> None:
    """Returns when the client has gone (the body is read by then: only the disconnect
    message is left to receive)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


async def bounded(
    execution: Awaitable[T],
    request: Request,
    calls: StoreCalls | None,
    *,
    timeout: float,
    stopped: Callable[[GraphQLError], T],
) -> T:
    """The result of ``execution``, unless ``timeout`` seconds pass first or the client
    disconnects: then the execution is cancelled, ``calls`` stopped, and the answer is
    ``stopped(error)`` (read by nobody after a disconnect)."""
    work = asyncio.ensure_future(execution)
    gone = asyncio.ensure_future(_disconnect(request))
    try:
        done, _ = await asyncio.wait(
            {work, gone}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        gone.cancel()
    if work in done:
        return work.result()
    work.cancel()
    if gone in done:
        reason, code = "the client disconnected", DISCONNECTED
    else:
        reason, code = f"it ran over {timeout:g} s (ABMGRAPH_REQUEST_TIMEOUT)", TIMED_OUT
    if calls is not None:
        calls.stopped = reason
    log.info("GraphQL request stopped: %s", reason)
    return stopped(GraphQLError(f"the request was stopped: {reason}", extensions={"code": code}))
