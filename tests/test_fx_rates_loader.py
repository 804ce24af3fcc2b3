"""Exchange rates and currencies in the native bundle: every bad rate is a reject with its reason.

A rate is units of its currency per one unit of the reporting currency (Salesforce's
``ConversionRate``); see :mod:`graph_service.money`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph_service.domain import FxRate, Kind
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from tests.test_bundle_loader import write


@pytest.fixture
def mem(tmp_path: Path) -> MemoryStore:
    return MemoryStore(tmp_path / "data")


def test_static_and_dated_rates_load_as_given(tmp_path: Path, mem: MemoryStore) -> None:
    write(
        tmp_path / "b",
        "fx_rates.csv",
        "currency,rate,valid_from,valid_to\n"
        "usd,0.0066,,\n"
        "USD,0.0070,2026-01-01,2026-07-01\n"
        "EUR,0.0061,2026-01-01,\n",
    )
    report = load_bundle(tmp_path / "b", mem)
    assert report.ok and report.files[0].loaded == 3
    assert mem.fx_rates() == [
        FxRate("EUR", 0.0061, date(2026, 1, 1)),
        FxRate("USD", 0.0066),
        FxRate("USD", 0.0070, date(2026, 1, 1), date(2026, 7, 1)),
    ]


def test_each_bad_rate_is_rejected_naming_line_field_and_reason(
    tmp_path: Path, mem: MemoryStore
) -> None:
    write(
        tmp_path / "b",
        "fx_rates.csv",
        "currency,rate,valid_from,valid_to\n"
        "USD,0,,\n"  # line 2: zero
        "USD,-150,,\n"  # line 3: negative
        "USD,abc,,\n"  # line 4: not a number
        "YEN,150,,\n"  # line 5: not an ISO code
        "EUR,0.0061,2026-01-01,2026-07-01\n"  # line 6: fine
        "EUR,0.0062,2026-06-01,2026-12-31\n"  # line 7: overlaps line 6
        "EUR,0.0063,2026-12-31,2026-12-01\n"  # line 8: ends before it starts
        "GBP,0.0052,,2026-01-01\n",  # line 9: an end without a start
    )
    report = load_bundle(tmp_path / "b", mem)
    rates = report.files[0]
    assert (rates.read, rates.loaded, rates.rejected) == (8, 1, 7)
    assert {(r.line, r.field, r.value, r.reason) for r in report.rejects} == {
        (2, "rate", "0", "not a positive rate: '0'"),
        (3, "rate", "-150", "not a positive rate: '-150'"),
        (4, "rate", "abc", "not a rate: 'abc'"),
        (5, "currency", "YEN", "not an ISO 4217 currency code: 'YEN'"),
        (7, "valid_from", "2026-06-01", "the dated EUR rate overlaps the one on line 6"),
        (8, "valid_to", "2026-12-01", "valid_to must be after valid_from (2026-12-31)"),
        (9, "valid_from", "", "a rate with valid_to needs a valid_from"),
    }
    assert [r.valid_from for r in mem.fx_rates()] == [date(2026, 1, 1)]


def test_ranges_that_only_touch_do_not_overlap(tmp_path: Path, mem: MemoryStore) -> None:
    # valid_to is exclusive (Salesforce's NextStartDate): the next range may start on it.
    write(
        tmp_path / "b",
        "fx_rates.csv",
        "currency,rate,valid_from,valid_to\n"
        "USD,0.0070,2026-01-01,2026-07-01\nUSD,0.0068,2026-07-01,\n",
    )
    assert load_bundle(tmp_path / "b", mem).files[0].loaded == 2


def test_amounts_with_an_unknown_currency_code_are_rejected(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = tmp_path / "b"
    write(
        b,
        "companies.csv",
        "company_id,name,annual_revenue,annual_revenue_currency\n"
        "c1,Acme,1000000,usd\nc2,Beta,5,dollars\n",
    )
    write(
        b,
        "deals.csv",
        "deal_id,company_id,stage,amount,currency\nd1,c1,won,100,JPY\nd2,c1,won,100,円\n",
    )
    write(
        b,
        "wallet.csv",
        "company_id,category,amount,as_of,currency\n"
        "c1,analytics,500,2026-01-01,EUR\nc1,support,50,2026-01-01,EURO\n",
    )
    report = load_bundle(b, mem)
    assert {(r.file, r.line, r.field) for r in report.rejects} == {
        ("companies.csv", 3, "annual_revenue_currency"),
        ("deals.csv", 3, "currency"),
        ("wallet.csv", 3, "currency"),
    }
    view = mem.account("c1")
    assert view is not None
    assert view.company.annual_revenue_currency == "USD"
    assert [(w.category, w.currency) for w in view.wallet] == [("analytics", "EUR")]
    assert mem.existing_ids(Kind.DEALS, ["d1", "d2"]) == {"d1"}


def test_loading_rates_twice_changes_nothing(tmp_path: Path, mem: MemoryStore) -> None:
    write(tmp_path / "b", "fx_rates.csv", "currency,rate\nUSD,0.0066\n")
    load_bundle(tmp_path / "b", mem)
    load_bundle(tmp_path / "b", mem)
    assert mem.fx_rates() == [FxRate("USD", 0.0066)]


def test_a_rate_with_a_date_that_is_not_a_date_is_rejected_naming_the_column(
    tmp_path: Path, mem: MemoryStore
) -> None:
    write(
        tmp_path / "b",
        "fx_rates.csv",
        "currency,rate,valid_from,valid_to\n"
        "USD,0.0070,next year,\n"  # line 2
        "USD,0.0070,2026-01-01,31/12/2026\n"  # line 3: day first is not guessed
        "USD,0.0068,2026-01-01,\n"  # line 4: open-ended, fine
        "USD,0.0069,2027-01-01,2027-07-01\n",  # line 5: inside line 4's open range
    )
    report = load_bundle(tmp_path / "b", mem)
    assert [(r.file, r.line, r.field, r.value) for r in report.rejects] == [
        ("fx_rates.csv", 2, "valid_from", "next year"),
        ("fx_rates.csv", 3, "valid_to", "31/12/2026"),
        ("fx_rates.csv", 5, "valid_from", "2027-01-01"),
    ]
    assert report.rejects[2].reason == "the dated USD rate overlaps the one on line 4"
    assert mem.fx_rates() == [FxRate("USD", 0.0068, date(2026, 1, 1))]


def test_a_rejected_rate_converts_nothing_so_its_currencys_amounts_warn(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = tmp_path / "b"
    write(b, "companies.csv", "company_id,name\nc1,Acme\n")
    write(
        b,
        "deals.csv",
        "deal_id,company_id,stage,amount,currency\n"
        "d1,c1,won,100,JPY\nd2,c1,won,100,JPY\nd3,c1,won,5,USD\nd4,c1,won,5,EUR\n",
    )
    write(b, "fx_rates.csv", "currency,rate\nJPY,1\nUSD,0\nEUR,0.0061\n")
    report = load_bundle(b, mem)
    assert [(r.file, r.line, r.field) for r in report.rejects] == [("fx_rates.csv", 3, "rate")]
    assert [(w.file, w.line, w.field, w.value) for w in report.warnings] == [
        ("deals.csv", 4, "currency", "USD")
    ]
    assert report.unrated_currencies == {"USD": 1}
    assert [f.rejected for f in report.files] == [0, 0, 1]
