"""The currency a command answers in: ``--currency``, over the configured reporting currency."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_service.cli.context import state
from graph_service.errors import AbmGraphError

if TYPE_CHECKING:
    from graph_service.analytics.params import AnalyticsParams

#: The help of every ``--currency`` option.
CURRENCY_HELP = "ISO 4217 code the amounts are in (default: the reporting currency)."


def analytics_params(currency: str | None) -> AnalyticsParams:
    """The analytics' definitions for a command: the configured reporting currency
    (``ABMGRAPH_REPORTING_CURRENCY``) and the currency asked for with ``--currency``.

    >>> analytics_params("usd").currency
    'USD'
    >>> analytics_params("YEN")
    Traceback (most recent call last):
    ...
    graph_service.errors.AbmGraphError: --currency: not an ISO 4217 currency code: 'YEN'
    """
    from graph_service.analytics.params import AnalyticsParams
    from graph_service.money import parse_currency

    asked = None
    if currency is not None:
        try:
            asked = parse_currency(currency)
        except ValueError as exc:
            raise AbmGraphError(f"--currency: {exc}") from None
    settings = getattr(state, "settings", None)
    configured = getattr(settings, "reporting_currency", None)
    return AnalyticsParams(reporting_currency=configured or None, currency=asked)
