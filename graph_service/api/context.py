"""What every resolver reads from the request: one typed :class:`Context` per request.

It carries the store, the analytics definitions the service answers with, the path-graph
cache, the request and its caller (:func:`~graph_service.api.caller.caller`; the open
principal when nobody authenticated), the caller's scope, the way to the store worker
(:class:`~graph_service.api.execution.StoreCalls`, so the request deadline holds), and a
per-request cache: the data's base currency and the caller's visible company ids are each
looked up once per request.

Resolvers (and any module that adds fields) read it through the accessor functions here:
:func:`store`, :func:`params`, :func:`principal`, :func:`scope`, :func:`visible`,
:func:`base_currency`. Code that executes the schema directly (the CLI, tests) builds one with
:meth:`Context.for_store`.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.types import Info

from graph_service.analytics.currency import data_base_currency
from graph_service.analytics.params import AnalyticsParams
from graph_service.analytics.path_cache import PathGraphCache
from graph_service.analytics.queries import visible_ids
from graph_service.api.caller import caller
from graph_service.api.execution import StoreCalls
from graph_service.auth import OPEN, Principal
from graph_service.domain import Scope
from graph_service.errors import InvalidArgumentError
from graph_service.money import parse_currency
from graph_service.store.base import Store

#: The analytics definitions when the context names none: the documented defaults.
DEFAULT_PARAMS = AnalyticsParams()

CURRENCY = (
    "The currency (ISO 4217) of the answer's amounts (default: the reporting currency, "
    "ABMGRAPH_REPORTING_CURRENCY, else the data's base currency)."
)


@dataclass(eq=False)
class Context:
    """One request's context (a fresh one per request: it caches per-request lookups)."""

    store: Store
    params: AnalyticsParams = DEFAULT_PARAMS
    path_cache: PathGraphCache | None = None
    request: Request | WebSocket | None = None
    principal: Principal = OPEN
    #: The request's way to the store worker; None runs resolvers inline (CLI, tests).
    store_calls: StoreCalls | None = None
    #: Other per-request lookups, by a key their module chooses.
    cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)
    _base_currency: str | None = field(default=None, init=False, repr=False)
    _visible: frozenset[str] | None = field(default=None, init=False, repr=False)
    _visible_known: bool = field(default=False, init=False, repr=False)
    #: Resolvers of one request may run on several store threads: lookups happen once.
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @classmethod
    def for_store(
        cls,
        store: Store,
        *,
        principal: Principal = OPEN,
        params: AnalyticsParams | None = None,
        path_cache: PathGraphCache | None = None,
    ) -> Context:
        """A context for executing the schema directly (no request, resolvers inline)."""
        return cls(
            store=store,
            params=params or DEFAULT_PARAMS,
            path_cache=path_cache,
            principal=principal,
        )

    @classmethod
    def for_request(
        cls,
        request: Request | WebSocket,
        *,
        store: Store,
        params: AnalyticsParams,
        path_cache: PathGraphCache | None,
        store_calls: StoreCalls | None,
    ) -> Context:
        """The context of ``request``: its caller is whoever the middleware authenticated."""
        return cls(
            store=store,
            params=params,
            path_cache=path_cache,
            request=request,
            principal=caller(request),
            store_calls=store_calls,
        )

    @property
    def scope(self) -> Scope:
        """The accounts the caller may see."""
        return self.principal.scope

    def visible(self) -> frozenset[str] | None:
        """The ids of the companies the caller sees (None: every company), resolved with the
        store once per request."""
        if not self._visible_known:
            with self._lock:
                if not self._visible_known:
                    self._visible = visible_ids(self.store, self.scope)
                    self._visible_known = True
        return self._visible

    def base_currency(self) -> str:
        """The data's base currency, looked up once per request."""
        if self._base_currency is None:
            with self._lock:
                if self._base_currency is None:
                    self._base_currency = data_base_currency(self.store, self.params)
        return self._base_currency


def of(info: Info[Any, Any]) -> Context:
    """The request's context."""
    found = info.context
    if not isinstance(found, Context):
        raise TypeError(f"the GraphQL context must be a Context, not {type(found).__name__}")
    return found


def store(info: Info[Any, Any]) -> Store:
    return of(info).store


def params(info: Info[Any, Any], currency: str | None = None) -> AnalyticsParams:
    """The service's analytics definitions, asked in ``currency`` when given.

    Raises :class:`~graph_service.errors.InvalidArgumentError` (shown to the client) when
    ``currency`` is not an ISO 4217 code.
    """
    base = of(info).params
    if currency is None:
        return base
    try:
        code = parse_currency(currency)
    except ValueError as exc:
        raise InvalidArgumentError(f"currency: {exc}") from None
    return dataclasses.replace(base, currency=code)


def principal(info: Info[Any, Any]) -> Principal:
    """Who sent the request."""
    return of(info).principal


def scope(info: Info[Any, Any]) -> Scope:
    """The accounts the caller may see."""
    return of(info).scope


def visible(info: Info[Any, Any]) -> frozenset[str] | None:
    """The ids of the companies the caller sees (None: every company), once per request."""
    return of(info).visible()


def path_cache(info: Info[Any, Any]) -> PathGraphCache | None:
    return of(info).path_cache


def base_currency(info: Info[Any, Any]) -> str:
    """The data's base currency, looked up once per request."""
    return of(info).base_currency()
