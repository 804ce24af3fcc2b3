"""Prometheus metrics, served at ``/metrics`` (behind the API token, like every other route
but the probes).

=====================================================  =======================================
``abmgraph_request_duration_seconds{operation}``       histogram: requests by GraphQL operation
                                                       name (``anonymous`` when unnamed), or by
                                                       route (``GET /viz/portfolio/sow``)
``abmgraph_requests_in_flight``                        gauge: requests being answered
``abmgraph_store_call_duration_seconds{method}``       histogram: calls to the store, by method
``abmgraph_graphql_errors_total{code}``                counter: GraphQL errors by
                                                       ``extensions.code``
``abmgraph_refused_queries_total{limit}``              counter: queries refused by a limit
                                                       (:data:`REFUSED`)
=====================================================  =======================================

Operation names come from clients: a name that is not a GraphQL name, or one beyond the first
:data:`MAX_OPERATIONS` distinct names, is counted as ``other``, so that clients cannot grow
the metrics without bound.

A limit that refuses a query counts it with ``REFUSED.labels(limit="depth").inc()`` (one
label value per limit: ``depth``, ``aliases``, ``tokens``, ``cost``, ``body_size``,
``timeout``, ...).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from typing import Any, cast

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from graph_service.api import request_id
from graph_service.store.base import Store

REQUEST_LATENCY = Histogram(
    "abmgraph_request_duration_seconds",
    "Time to answer a request, by GraphQL operation name or route.",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
IN_FLIGHT = Gauge("abmgraph_requests_in_flight", "Requests being answered.")
STORE_LATENCY = Histogram(
    "abmgraph_store_call_duration_seconds",
    "Time of one call to the store, by store method.",
    ["method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ERRORS = Counter("abmgraph_graphql_errors_total", "GraphQL errors, by extensions.code.", ["code"])
#: Queries refused by a limit before they ran; label ``limit`` names the limit.
REFUSED = Counter(
    "abmgraph_refused_queries_total", "Queries refused by a limit, by limit.", ["limit"]
)

#: Distinct operation names given their own label value; the rest count as ``other``.
MAX_OPERATIONS = 200
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_seen: set[str] = set()
_seen_lock = threading.Lock()


def operation_label(name: str | None) -> str:
    """The ``operation`` label of a GraphQL operation called ``name``.

    >>> operation_label(None), operation_label("TargetList"), operation_label("not a name!")
    ('anonymous', 'TargetList', 'other')
    """
    if name is None:
        return "anonymous"
    if not _NAME.fullmatch(name):
        return "other"
    with _seen_lock:
        if name in _seen:
            return name
        if len(_seen) >= MAX_OPERATIONS:
            return "other"
        _seen.add(name)
    return name


async def metrics_endpoint(_: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class OperationName(SchemaExtension):
    """Notes the GraphQL operation's name on the request (:class:`request_id.RequestInfo`)."""

    def on_operation(self) -> Iterator[None]:
        yield
        info = request_id.current()
        if info is not None:
            try:
                name = self.execution_context.operation_name
            except Exception:  # an unparsable document has no operation
                name = None
            info.operation = operation_label(name)


class _InstrumentedStore:
    """Times every method call of a store and counts it on the current request."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name.startswith("_") or not callable(attr):
            return attr
        histogram = STORE_LATENCY.labels(name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                histogram.observe(elapsed)
                info = request_id.current()
                if info is not None:
                    info.store_calls += 1
                    info.store_seconds += elapsed

        return timed


def instrumented(store: Store) -> Store:
    """``store`` with every call timed (``abmgraph_store_call_duration_seconds``) and counted
    on the request that made it (its log line's ``store_calls``)."""
    return cast(Store, _InstrumentedStore(store))


def observe_request(operation: str, seconds: float, error_codes: list[str]) -> None:
    """Record one answered request."""
    REQUEST_LATENCY.labels(operation).observe(seconds)
    for code in error_codes:
        ERRORS.labels(code).inc()
