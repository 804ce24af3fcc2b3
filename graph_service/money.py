"""Money in one currency: amounts converted to the reporting currency before they are added.

Definitions (as Salesforce's advanced currency management has them):

* The **reporting currency** is the one the rates are against (a Salesforce export's corporate
  currency) and the one totals are to be in. An amount with no currency is in it.
* A rate (:class:`~graph_service.domain.FxRate`) says how many units of its currency buy one
  unit of the reporting currency; an amount converts as ``amount / rate``.
* An amount dated ``day`` (a deal's close date, a wallet estimate's as-of date) converts at the
  **dated rate** of its currency valid on that day (``valid_from <= day < valid_to``), else at
  the currency's **static rate**. An amount with no date (an open deal with no close date)
  converts at the static rate.
* An amount whose currency has no rate that applies is **not converted** (:meth:`Rates.convert`
  answers None): it must never be added to or ranked with converted amounts.

>>> from datetime import date
>>> from graph_service.domain import FxRate
>>> rates = Rates("JPY", [
...     FxRate("USD", 1 / 150),                                      # static: 150 JPY per USD
...     FxRate("USD", 1 / 140, valid_from=date(2026, 1, 1), valid_to=date(2026, 7, 1)),
... ])
>>> rates.convert(1_000, "USD", date(2026, 3, 31))     # the dated rate of the first half
140000.0
>>> rates.convert(1_000, "USD", date(2026, 9, 30))     # no dated rate covers it: static
150000.0
>>> rates.convert(1_000, "JPY", date(2026, 9, 30)), rates.convert(1_000, None, None)
(1000.0, 1000.0)
>>> rates.convert(1_000, "EUR", date(2026, 9, 30)) is None   # no rate: not converted
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import cache

from graph_service.domain import FxRate


@cache
def iso_currencies() -> frozenset[str]:
    """The ISO 4217 codes of currencies (pycountry's list).

    >>> {"JPY", "USD", "EUR"} <= iso_currencies(), "XYZ" in iso_currencies()
    (True, False)
    """
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


def parse_currency(raw: str) -> str:
    """An ISO 4217 code, upper-cased; anything else is a ``ValueError`` naming it.

    >>> parse_currency(" usd ")
    'USD'
    >>> parse_currency("YEN")
    Traceback (most recent call last):
    ...
    ValueError: not an ISO 4217 currency code: 'YEN'
    """
    code = raw.strip().upper()
    if code not in iso_currencies():
        raise ValueError(f"not an ISO 4217 currency code: {raw.strip()!r}")
    return code


class Rates:
    """The rates of a portfolio against its reporting currency, for converting amounts."""

    def __init__(self, reporting: str, rates: Iterable[FxRate]) -> None:
        self.reporting = reporting
        self._static: dict[str, float] = {}
        self._dated: dict[str, list[FxRate]] = defaultdict(list)
        for r in rates:
            if r.valid_from is None:
                self._static[r.currency] = r.rate
            else:
                self._dated[r.currency].append(r)
        for dated in self._dated.values():
            dated.sort(key=lambda r: r.valid_from or date.min)

    def rate(self, currency: str | None, day: date | None) -> float | None:
        """Units of ``currency`` per unit of the reporting currency on ``day``, or None."""
        if currency is None or currency == self.reporting:
            return 1.0
        if day is not None:
            for r in self._dated.get(currency, ()):
                assert r.valid_from is not None
                if r.valid_from <= day and (r.valid_to is None or day < r.valid_to):
                    return r.rate
        return self._static.get(currency)

    def convert(self, amount: float, currency: str | None, day: date | None) -> float | None:
        """``amount`` of ``currency`` dated ``day`` in the reporting currency, or None."""
        rate = self.rate(currency, day)
        return None if rate is None else amount / rate
