"""Amounts in a currency no exchange rate converts: a load-report warning on each such row.

The analytics convert every amount into the reporting currency and leave out an amount whose
currency has no rate (:mod:`graph_service.money`). A load that brings such amounts (a deal's or
a wallet estimate's ``currency``, a company's ``annual_revenue_currency``) loads them as they are
and warns on each row, naming file, line and field, so the gap is seen when the data comes in,
not when a total is short. The report's summary counts the amounts per currency.

A currency has a rate when a rate of this load or one the store already holds converts it, or
when it is the base currency as :func:`~graph_service.money.base_currency` resolves it after the
load (the currency the rates are against). Every loader (the native bundle and every preset)
goes through :func:`loaders.bundle.load_tables`, which uses :class:`UnratedAmounts`.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Mapping

from graph_service.domain import Company, Deal, FxRate, Record, WalletEstimate
from graph_service.money import base_currency
from graph_service.store.base import Store
from loaders.report import FileReport, LoadReport, LoadWarning

#: Where the warnings say a rate would come from, unless the loader names its own rates file.
RATES_FILE = "fx_rates.csv"


def unrated_reason(currency: str, rates_file: str = RATES_FILE) -> str:
    """The warning on an amount in ``currency``, which no rate converts.

    >>> unrated_reason("BRL")
    'no exchange rate for BRL: this amount is left out of every total until fx_rates.csv gives one'
    """
    return (
        f"no exchange rate for {currency}: this amount is left out of every total "
        f"until {rates_file} gives one"
    )


def amount_currency(record: Record) -> tuple[str, str] | None:
    """The bundle column and currency of ``record``'s amount, when it has an amount in a named
    currency (an amount with no currency is in the base currency, which needs no rate)."""
    if isinstance(record, Deal | WalletEstimate):
        if record.amount is not None and record.currency:
            return "currency", record.currency
    elif (
        isinstance(record, Company)
        and record.annual_revenue is not None
        and record.annual_revenue_currency
    ):
        return "annual_revenue_currency", record.annual_revenue_currency
    return None


class UnratedAmounts:
    """Notes, while a load runs, the loaded rows with an amount in a currency and the rates the
    load brings; :meth:`warn` then puts a warning on each row whose currency has no rate.

    Rows are kept as line numbers per (file, source column, currency), so a load of millions
    of deals stays small.
    """

    def __init__(self) -> None:
        # (index in _files, source column, currency) -> lines
        self._lines: dict[tuple[int, str, str], array[int]] = {}
        self._files: list[FileReport] = []  # two tables may read one file: not keyed by name
        self._counts: Counter[str] = Counter()  # deals and estimates per currency, this load
        self._rates: list[FxRate] = []

    def note(
        self,
        file_report: FileReport,
        line: int,
        record: Record,
        source_columns: Mapping[str, str] | None = None,
    ) -> None:
        """Note one loaded row (``source_columns``: the source column of each bundle column)."""
        if isinstance(record, FxRate):
            self._rates.append(record)
            return
        if isinstance(record, Deal | WalletEstimate) and record.currency:
            self._counts[record.currency] += 1
        found = amount_currency(record)
        if found is None:
            return
        column, currency = found
        field = (source_columns or {}).get(column, column)
        if not self._files or self._files[-1] is not file_report:
            self._files.append(file_report)  # tables are loaded one after the other
        key = (len(self._files) - 1, field, currency)
        self._lines.setdefault(key, array("L")).append(line)

    def rated(self, store: Store, configured: str | None = None) -> set[str]:
        """The currencies that need no warning: those a rate converts, and the base currency."""
        rates = [*store.fx_rates(), *self._rates]
        # The store counts this load's amounts already, unless it writes nothing (a dry run):
        # the larger of the two counts is the store's after the load in both cases.
        held = store.amount_currencies()
        counts = {c: max(held.get(c, 0), self._counts[c]) for c in {*held, *self._counts}}
        try:
            base = {base_currency(rates, counts, configured)}
        except ValueError:  # rates against an unnamed currency: only what they list converts
            base = set()
        return {r.currency for r in rates} | base

    def warn(
        self,
        report: LoadReport,
        store: Store,
        *,
        configured: str | None = None,
        rates_file: str = RATES_FILE,
    ) -> None:
        """Add a warning per noted row whose currency no rate converts, in file and line order,
        count those rows in their files' reports and list the currencies in the summary."""
        if not self._lines:
            return
        rated = self.rated(store, configured)
        per_file: dict[int, list[tuple[int, str, str]]] = {}
        unrated: Counter[str] = Counter()
        for (index, field, currency), lines in self._lines.items():
            if currency in rated:
                continue
            unrated[currency] += len(lines)
            per_file.setdefault(index, []).extend((line, field, currency) for line in lines)
        for index in sorted(per_file):
            file_report, rows = self._files[index], sorted(per_file[index])
            for line, field, cur in rows:
                report.warn(
                    file_report,
                    LoadWarning(
                        file_report.file, line, field, cur, unrated_reason(cur, rates_file)
                    ),
                )
        report.unrated_currencies = dict(sorted(unrated.items(), key=lambda kv: (-kv[1], kv[0])))
