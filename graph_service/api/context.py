"""What every resolver reads from the request context: the store, the analytics definitions the
service answers with (:func:`params`) and the data's base currency.

The context is a dict built per request (:class:`graph_service.api.app.create_app`); a caller
executing the schema directly may pass only ``{"store": ...}``, and gets the documented
definitions.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from strawberry.types import Info

from graph_service.analytics.currency import data_base_currency
from graph_service.analytics.params import AnalyticsParams
from graph_service.errors import InvalidArgumentError
from graph_service.money import parse_currency
from graph_service.store.base import Store

#: The analytics definitions when the context names none: the documented defaults.
DEFAULT_PARAMS = AnalyticsParams()

CURRENCY = (
    "The currency (ISO 4217) of the answer's amounts (default: the reporting currency, "
    "ABMGRAPH_REPORTING_CURRENCY, else the data's base currency)."
)

_BASE = "_base_currency"


def store(info: Info[Any, Any]) -> Store:
    value: Store = info.context["store"]
    return value


def params(info: Info[Any, Any], currency: str | None = None) -> AnalyticsParams:
    """The service's analytics definitions, asked in ``currency`` when given.

    Raises :class:`~graph_service.errors.InvalidArgumentError` (shown to the client) when
    ``currency`` is not an ISO 4217 code.
    """
    base: AnalyticsParams = info.context.get("params") or DEFAULT_PARAMS
    if currency is None:
        return base
    try:
        code = parse_currency(currency)
    except ValueError as exc:
        raise InvalidArgumentError(f"currency: {exc}") from None
    return dataclasses.replace(base, currency=code)


def base_currency(info: Info[Any, Any]) -> str:
    """The data's base currency, looked up once per request."""
    context: dict[str, Any] = info.context
    if _BASE not in context:
        context[_BASE] = data_base_currency(store(info), params(info))
    found: str = context[_BASE]
    return found
