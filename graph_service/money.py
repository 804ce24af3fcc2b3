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
* The rates are against the data's **base currency** (:func:`base_currency`). Answers in
  another currency (``ABMGRAPH_REPORTING_CURRENCY``, or one asked for) convert through it:
  ``amount / rate(currency) * rate(target)``, both rates taken on the amount's day
  (:func:`reporting_rates`).

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

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from graph_service.as_of import latest_estimates
from graph_service.domain import Company, Deal, FxRate, Stage, Unconverted, WalletEstimate

#: The reporting currency of data that names none and holds no amount with a currency.
FALLBACK_CURRENCY = "USD"


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
    """The rates of a portfolio against its reporting currency, for converting amounts.

    ``base`` is the currency an amount with no currency is in (the reporting currency unless
    the rates were rebased to another, see :func:`reporting_rates`).
    """

    def __init__(self, reporting: str, rates: Iterable[FxRate], *, base: str | None = None) -> None:
        self.reporting = reporting
        self.base = base or reporting
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
        if currency is None:
            currency = self.base
        if currency == self.reporting:
            return 1.0
        if day is not None and (dated := self._dated_rate(currency, day)) is not None:
            return dated
        return self._static.get(currency)

    def _dated_rate(self, currency: str, day: date) -> float | None:
        for r in self._dated.get(currency, ()):
            assert r.valid_from is not None
            if r.valid_from <= day and (r.valid_to is None or day < r.valid_to):
                return r.rate
        return None

    def convert(self, amount: float, currency: str | None, day: date | None) -> float | None:
        """``amount`` of ``currency`` dated ``day`` in the reporting currency, or None."""
        rate = self.rate(currency, day)
        return None if rate is None else amount / rate

    def has_rate(self, currency: str) -> bool:
        """Whether any rate, static or dated, converts ``currency``."""
        return currency == self.reporting or currency in self._static or currency in self._dated

    def cypher_params(self) -> dict[str, Any]:
        """The rates as parameters of the Neo4j rollup's rate lookup (``RATE_OF_CUR_ON_DAY``)."""
        return {
            "reporting": self.reporting,
            "base": self.base,
            "static_rates": dict(self._static),
            "dated_rates": {
                cur: [
                    {"rate": r.rate, "valid_from": r.valid_from, "valid_to": r.valid_to} for r in rs
                ]
                for cur, rs in self._dated.items()
            },
        }

    def _bounds(self, currency: str) -> set[date]:
        return {d for r in self._dated.get(currency, ()) for d in (r.valid_from, r.valid_to) if d}

    def rebased(self, target: str) -> Rates:
        """The same rates against ``target`` (a currency these rates convert).

        A rate of currency ``c`` against ``target`` on a day is ``rate(c) / rate(target)`` on
        that day: static from the two static rates; dated on each stretch where either has a
        dated rate. Raises ``ValueError`` if no rate converts ``target``.

        >>> jpy = Rates("JPY", [FxRate("USD", 0.008), FxRate("EUR", 0.005)])
        >>> usd = jpy.rebased("USD")
        >>> usd.convert(100.0, "EUR", None), usd.convert(1_000.0, "JPY", None)
        (160.0, 8.0)
        >>> usd.convert(1_000.0, None, None)      # no currency: the base, JPY
        8.0
        """
        if target == self.reporting:
            return self
        if not self.has_rate(target):
            raise ValueError(f"no exchange rate converts {target!r}")
        out = []
        for cur in sorted(set(self._static) | set(self._dated) | {self.reporting}):
            if cur == target:
                continue
            own, theirs = self.rate(cur, None), self.rate(target, None)
            if own is not None and theirs is not None:
                out.append(FxRate(cur, own / theirs))
            cuts = sorted(self._bounds(cur) | self._bounds(target))
            for start, end in zip(cuts, [*cuts[1:], None][: len(cuts)], strict=True):
                if self._dated_rate(cur, start) is None and self._dated_rate(target, start) is None:
                    continue
                own, theirs = self.rate(cur, start), self.rate(target, start)
                if own is not None and theirs is not None:
                    out.append(FxRate(cur, own / theirs, start, end))
        return Rates(target, out, base=self.base)


def named_base_currency(rates: Sequence[FxRate]) -> str | None:
    """The one currency the rates hold at a static rate of 1, if they name one."""
    at_one = sorted({r.currency for r in rates if r.valid_from is None and r.rate == 1.0})
    return at_one[0] if len(at_one) == 1 else None


def base_currency(
    rates: Sequence[FxRate], amount_currencies: Mapping[str, int], configured: str | None = None
) -> str:
    """The currency the data's rates are against, and amounts with no currency are in.

    The one currency the rates hold at a static rate of 1 (a Salesforce export's corporate
    currency); else one of the currencies amounts are in (``amount_currencies`` counts them)
    that no rate converts, since the rates can only be against a currency they do not list:
    ``configured`` (``ABMGRAPH_REPORTING_CURRENCY``) if it is one of them, else the one most
    amounts are in (ties: the first in code order); else ``configured``; else, without rates,
    USD. Rates that name no base, with every amount in a currency they list and nothing
    configured, cannot be read: ``ValueError``.

    >>> base_currency([FxRate("USD", 0.008), FxRate("JPY", 1.0)], {"USD": 3})
    'JPY'
    >>> base_currency([FxRate("USD", 0.008)], {"USD": 3, "JPY": 2, "BRL": 1}, "USD")
    'JPY'
    >>> base_currency([FxRate("USD", 0.008)], {"USD": 3, "JPY": 2, "BRL": 1}, "BRL")
    'BRL'
    >>> base_currency([], {}), base_currency([], {}, "EUR")
    ('USD', 'EUR')
    """
    if named := named_base_currency(rates):
        return named
    rated = {r.currency for r in rates}
    unrated = Counter({c: n for c, n in amount_currencies.items() if c not in rated})
    if configured and configured in unrated:
        return configured
    if unrated:
        return sorted(unrated.items(), key=lambda item: (-item[1], item[0]))[0][0]
    if configured:
        return configured
    if rated:
        raise ValueError(
            "the exchange rates do not say which currency they are against: list it at rate 1 "
            "in the rates file, or set ABMGRAPH_REPORTING_CURRENCY"
        )
    return FALLBACK_CURRENCY


def reporting_rates(rates: Sequence[FxRate], *, base: str, target: str | None = None) -> Rates:
    """The rates that convert amounts into ``target`` (default: ``base``).

    Raises ``ValueError`` if ``target`` is another currency and no rate converts it.
    """
    own = Rates(base, [r for r in rates if r.currency != base])
    return own if target is None else own.rebased(target)


@dataclass(frozen=True, slots=True)
class Converted:
    """Deals and wallet estimates with their amounts in the reporting currency.

    ``deals`` are every deal given, the won ones closed on or before the as-of date with their
    amount converted (None where their currency has no rate); ``wallet`` the latest estimate
    on or before it per (company, unit, category) whose amount converts, converted; and
    ``unconverted`` the amounts left out.
    """

    deals: list[Deal]
    wallet: list[WalletEstimate]
    unconverted: list[Unconverted]


def in_reporting_currency(
    deals: Iterable[Deal], wallet: Iterable[WalletEstimate], rates: Rates, as_of: date
) -> Converted:
    """Convert what share of wallet adds up: won deals on their close date, the latest wallet
    estimates on their as-of date. Amounts with no rate are left out and listed.

    >>> from graph_service.domain import Stage
    >>> rates = Rates("JPY", [FxRate("USD", 0.008)])
    >>> won = [Deal("d1", "c1", Stage.WON, amount=1_000.0, currency="USD",
    ...             close_date=date(2026, 3, 1)),
    ...        Deal("d2", "c1", Stage.WON, amount=50.0, currency="BRL",
    ...             close_date=date(2026, 3, 1))]
    >>> out = in_reporting_currency(won, [], rates, date(2026, 6, 30))
    >>> [(d.id, d.amount, d.currency) for d in out.deals]
    [('d1', 125000.0, 'JPY'), ('d2', None, 'BRL')]
    >>> out.unconverted
    [Unconverted(kind='deal', record_id='d2', company_id='c1', amount=50.0, currency='BRL')]
    """
    out_deals: list[Deal] = []
    left_out: list[Unconverted] = []
    reporting = rates.reporting
    for d in deals:
        if (
            d.stage is not Stage.WON
            or d.amount is None
            or d.close_date is None
            or d.close_date > as_of
        ):
            out_deals.append(d)
            continue
        amount = rates.convert(d.amount, d.currency, d.close_date)
        if amount is None:
            left_out.append(Unconverted("deal", d.id, d.company_id, d.amount, d.currency or ""))
            out_deals.append(dataclasses.replace(d, amount=None))
        else:
            out_deals.append(dataclasses.replace(d, amount=amount, currency=reporting))
    out_wallet = []
    for w in latest_estimates(wallet, as_of):
        amount = rates.convert(w.amount, w.currency, w.as_of)
        if amount is None:
            left_out.append(Unconverted("wallet", w.id, w.company_id, w.amount, w.currency or ""))
        else:
            out_wallet.append(dataclasses.replace(w, amount=amount, currency=reporting))
    return Converted(out_deals, out_wallet, left_out)


def company_in_reporting_currency(
    company: Company, rates: Rates, as_of: date
) -> tuple[Company, Unconverted | None]:
    """The company with its annual revenue in the reporting currency (at the rate of
    ``as_of``), or without it and the amount left out when its currency has no rate."""
    revenue = company.annual_revenue
    if revenue is None:
        return company, None
    converted = rates.convert(revenue, company.annual_revenue_currency, as_of)
    if converted is None:
        left_out = Unconverted(
            "revenue", company.id, company.id, revenue, company.annual_revenue_currency or ""
        )
        return dataclasses.replace(company, annual_revenue=None), left_out
    if converted == revenue and company.annual_revenue_currency in (None, rates.reporting):
        return company, None
    return dataclasses.replace(
        company, annual_revenue=converted, annual_revenue_currency=rates.reporting
    ), None
