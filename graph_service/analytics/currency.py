"""The rates an answer converts its amounts with: the data's, into the currency asked for.

Definitions are :mod:`graph_service.money`'s. The currency of an answer is the one asked for
(a GraphQL ``currency`` argument, :attr:`AnalyticsParams.currency`), else the configured
reporting currency (``ABMGRAPH_REPORTING_CURRENCY``), else the data's base currency (the
currency its rates are against: a Salesforce export's corporate currency).
"""

from __future__ import annotations

from graph_service.analytics.params import AnalyticsParams
from graph_service.domain import FxRate
from graph_service.errors import ConfigError, InvalidArgumentError
from graph_service.money import Rates, base_currency, named_base_currency, reporting_rates
from graph_service.store.base import Store


def rates_for(store: Store, params: AnalyticsParams) -> Rates:
    """The rates that convert the store's amounts into the answer's currency.

    Raises :class:`~graph_service.errors.InvalidArgumentError` when no rate converts the currency
    asked for, :class:`~graph_service.errors.ConfigError` when the rates do not say what they are
    against.
    """
    held = store.fx_rates()
    base = _base(store, held, params)
    target = params.currency or params.reporting_currency or base
    try:
        return reporting_rates(held, base=base, target=target)
    except ValueError:
        raise InvalidArgumentError(
            f"no exchange rate converts {base} into {target}: answers can be in {base} or in a "
            "currency the rates hold"
        ) from None


def data_base_currency(store: Store, params: AnalyticsParams) -> str:
    """The currency the store's rates are against: what an amount with no currency is in."""
    return _base(store, store.fx_rates(), params)


def _base(store: Store, held: list[FxRate], params: AnalyticsParams) -> str:
    if named := named_base_currency(held):
        return named
    try:
        return base_currency(held, store.amount_currencies(), params.reporting_currency)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
