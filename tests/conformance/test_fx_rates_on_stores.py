"""Exchange rates on both stores: kept as written, read back in one order, replaced by identity."""

from __future__ import annotations

from datetime import date

from graph_service.domain import FxRate, Kind
from graph_service.store.base import Store

RATES = [
    FxRate("USD", 0.0070, date(2026, 1, 1), date(2026, 7, 1)),
    FxRate("EUR", 0.0061),
    FxRate("USD", 0.0066),
    FxRate("USD", 0.0068, date(2026, 7, 1)),
]


def test_rates_read_back_by_currency_static_first_then_by_start(store: Store) -> None:
    store.upsert(Kind.FX_RATES, RATES)
    assert store.fx_rates() == [RATES[1], RATES[2], RATES[0], RATES[3]]


def test_a_rate_written_again_replaces_the_one_of_its_currency_and_start(store: Store) -> None:
    store.upsert(Kind.FX_RATES, RATES)
    store.upsert(Kind.FX_RATES, [FxRate("USD", 0.0069, date(2026, 1, 1))])  # open-ended now
    usd = [r for r in store.fx_rates() if r.currency == "USD"]
    assert usd == [RATES[2], FxRate("USD", 0.0069, date(2026, 1, 1)), RATES[3]]
    assert store.existing_ids(Kind.FX_RATES, ["USD|2026-01-01", "USD|static", "JPY|static"]) == {
        "USD|2026-01-01",
        "USD|static",
    }


def test_a_store_without_rates_has_none(store: Store) -> None:
    assert store.fx_rates() == []
