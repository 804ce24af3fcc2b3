"""Amounts in a currency no exchange rate converts load with a warning naming file, line and
field, and the report's summary counts them per currency (loaders/currencies.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.store.base import Store
from graph_service.store.dry_run import DryRunStore
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from loaders.currencies import unrated_reason
from loaders.presets import load_preset
from loaders.report import LoadReport
from tests.test_bundle_loader import write

COMPANIES = (
    "company_id,name,annual_revenue,annual_revenue_currency\n"
    "c1,Acme,1000000,JPY\n"  # line 2: the base currency (static rate 1)
    "c2,Beta,500000,BRL\n"  # line 3: no rate
    "c3,Gamma,,BRL\n"  # line 4: no amount, nothing left out
)
DEALS = (
    "deal_id,company_id,stage,amount,currency\n"
    "d1,c1,won,100,USD\n"  # line 2: rated
    "d2,c1,won,100,BRL\n"  # line 3: no rate
    "d3,c2,won,100,\n"  # line 4: no currency: the base currency
    "d4,c2,proposal,,ARS\n"  # line 5: no amount
    "d5,c2,won,7,ARS\n"  # line 6: no rate
    "d6,c2,won,9,BRL\n"  # line 7: no rate
)
WALLET = (
    "company_id,category,amount,as_of,currency\n"
    "c1,analytics,500,2026-01-01,BRL\n"  # line 2: no rate
    "c1,support,50,2026-01-01,USD\n"  # line 3: rated
)
RATES = "currency,rate,valid_from,valid_to\nJPY,1,,\nUSD,0.0066,,\n"


def bundle(folder: Path, rates: str | None = RATES) -> Path:
    write(folder, "companies.csv", COMPANIES)
    write(folder, "deals.csv", DEALS)
    write(folder, "wallet.csv", WALLET)
    if rates is not None:
        write(folder, "fx_rates.csv", rates)
    return folder


def warnings(report: LoadReport) -> list[tuple[str, int, str, str]]:
    return [(w.file, w.line, w.field, w.value) for w in report.warnings]


EXPECTED = [
    ("companies.csv", 3, "annual_revenue_currency", "BRL"),
    ("deals.csv", 3, "currency", "BRL"),
    ("deals.csv", 6, "currency", "ARS"),
    ("deals.csv", 7, "currency", "BRL"),
    ("wallet.csv", 2, "currency", "BRL"),
]


def test_each_amount_without_a_rate_is_loaded_with_a_warning_naming_file_line_and_field(
    tmp_path: Path,
) -> None:
    store = MemoryStore(tmp_path / "data")
    report = load_bundle(bundle(tmp_path / "b"), store)
    assert report.ok and report.rejects == []
    assert warnings(report) == EXPECTED
    assert report.warnings[1].reason == (
        "no exchange rate for BRL: this amount is left out of every total "
        "until fx_rates.csv gives one"
    )
    assert [(f.file, f.read, f.loaded, f.warned, f.rejected) for f in report.files] == [
        ("companies.csv", 3, 3, 1, 0),
        ("deals.csv", 6, 6, 3, 0),
        ("wallet.csv", 2, 2, 1, 0),
        ("fx_rates.csv", 2, 2, 0, 0),
    ]
    assert report.unrated_currencies == {"BRL": 4, "ARS": 1}
    summary = report.as_dict()
    assert summary["unrated_currencies"] == {"BRL": 4, "ARS": 1}
    assert summary["warnings"] == 5
    assert [f["warned"] for f in summary["files"]] == [1, 3, 1, 0]


def test_reloading_warns_the_same_and_changes_nothing(tmp_path: Path, store: Store) -> None:
    folder = bundle(tmp_path / "b")
    load_bundle(folder, store)
    stats, rates = store.stats(), store.fx_rates()
    again = load_bundle(folder, store)
    assert warnings(again) == EXPECTED
    assert again.unrated_currencies == {"BRL": 4, "ARS": 1}
    assert store.stats() == stats and store.fx_rates() == rates


def test_a_rate_the_store_holds_or_a_later_load_brings_ends_the_warnings(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "data")
    write(tmp_path / "rates", "fx_rates.csv", RATES + "BRL,0.03,2026-01-01,\n")
    load_bundle(tmp_path / "rates", store)
    report = load_bundle(bundle(tmp_path / "b", rates=None), store)
    assert warnings(report) == [("deals.csv", 6, "currency", "ARS")]
    assert report.unrated_currencies == {"ARS": 1}
    write(tmp_path / "ars", "fx_rates.csv", "currency,rate\nARS,1.2\n")
    load_bundle(tmp_path / "ars", store)
    assert load_bundle(tmp_path / "b", store).warnings == []


def test_without_rates_the_base_currency_is_the_most_common_one_and_needs_none(
    tmp_path: Path,
) -> None:
    write(
        tmp_path / "b",
        "companies.csv",
        "company_id,name,annual_revenue,annual_revenue_currency\nc1,Acme,5,JPY\n",
    )
    write(
        tmp_path / "b",
        "deals.csv",
        "deal_id,company_id,stage,amount,currency\n"
        "d1,c1,won,1,JPY\nd2,c1,won,1,JPY\nd3,c1,won,1,EUR\n",
    )
    report = load_bundle(tmp_path / "b", MemoryStore(tmp_path / "data"))
    assert warnings(report) == [("deals.csv", 4, "currency", "EUR")]
    assert report.unrated_currencies == {"EUR": 1}


def test_one_currency_alone_is_the_base_and_warns_nothing(tmp_path: Path) -> None:
    write(
        tmp_path / "b",
        "deals.csv",
        "deal_id,company_id,stage,amount,currency\nd1,c1,won,1,EUR\n",
    )
    write(tmp_path / "b", "companies.csv", "company_id,name\nc1,Acme\n")
    report = load_bundle(tmp_path / "b", MemoryStore(tmp_path / "data"))
    assert report.warnings == [] and report.unrated_currencies == {}


def test_the_configured_reporting_currency_is_the_base(tmp_path: Path) -> None:
    write(tmp_path / "b", "companies.csv", "company_id,name\nc1,Acme\n")
    write(
        tmp_path / "b",
        "deals.csv",
        "deal_id,company_id,stage,amount,currency\nd1,c1,won,1,EUR\nd2,c1,won,1,EUR\n"
        "d3,c1,won,1,JPY\n",
    )
    report = load_bundle(tmp_path / "b", MemoryStore(tmp_path / "data"), reporting_currency="JPY")
    assert warnings(report) == [
        ("deals.csv", 2, "currency", "EUR"),
        ("deals.csv", 3, "currency", "EUR"),
    ]


def test_a_dry_run_counts_the_rates_of_the_load_it_does_not_write(tmp_path: Path) -> None:
    inner = MemoryStore(tmp_path / "data")
    report = load_bundle(bundle(tmp_path / "b"), DryRunStore(inner))
    assert warnings(report) == EXPECTED
    assert inner.fx_rates() == []


def test_salesforce_warns_on_the_source_column_and_names_its_rates_files(tmp_path: Path) -> None:
    export = tmp_path / "sf"
    write(
        export,
        "Account.csv",
        "Id,Name,AnnualRevenue,CurrencyIsoCode\nA1,Acme,1000,JPY\nA2,Beta,2000,BRL\n",
    )
    write(
        export,
        "Opportunity.csv",
        "Id,AccountId,Name,StageName,IsWon,IsClosed,Amount,CurrencyIsoCode,CloseDate\n"
        "O1,A1,Big,Closed Won,true,true,100,USD,2024-03-01\n"
        "O2,A2,Small,Closed Won,true,true,50,BRL,2024-03-01\n",
    )
    write(
        export,
        "CurrencyType.csv",
        "IsoCode,ConversionRate,IsCorporate,IsActive\nJPY,1,true,true\nUSD,0.0066,false,true\n",
    )
    report = load_preset("salesforce", export, MemoryStore(tmp_path / "data"))
    assert warnings(report) == [
        ("Account.csv", 3, "CurrencyIsoCode", "BRL"),
        ("Opportunity.csv", 3, "CurrencyIsoCode", "BRL"),
    ]
    assert report.warnings[0].reason == unrated_reason(
        "BRL", "CurrencyType.csv or DatedConversionRate.csv"
    )
    assert report.unrated_currencies == {"BRL": 2}


def test_hubspot_deals_warn_on_their_currency_column(tmp_path: Path) -> None:
    export = tmp_path / "hs"
    write(export, "companies.csv", "Record ID,Company name\n1,Acme\n")
    write(
        export,
        "deals.csv",
        "Record ID,Deal Name,Deal Stage,Amount,Currency,Close Date,Associated Company IDs\n"
        "10,One,closedwon,100,JPY,2024-03-01,1\n"
        "11,Two,closedwon,100,JPY,2024-03-01,1\n"
        "12,Three,closedwon,100,EUR,2024-03-01,1\n",
    )
    report = load_preset("hubspot", export, MemoryStore(tmp_path / "data"))
    assert report.rejects == []
    assert warnings(report) == [("deals.csv", 4, "Currency", "EUR")]
    assert report.unrated_currencies == {"EUR": 1}


@settings(max_examples=25, deadline=None)
@given(
    currencies=st.lists(st.sampled_from(["JPY", "USD", "EUR", "BRL", "ARS", ""]), max_size=12),
    rated=st.sets(st.sampled_from(["USD", "EUR", "BRL"])),
)
def test_every_row_with_an_unrated_currency_gets_exactly_one_warning(
    currencies: list[str], rated: set[str]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "b"
        write(folder, "companies.csv", "company_id,name\nc1,Acme\n")
        write(
            folder,
            "deals.csv",
            "deal_id,company_id,stage,amount,currency\n"
            + "".join(f"d{i},c1,won,10,{c}\n" for i, c in enumerate(currencies)),
        )
        rates = "".join(f"{c},0.5\n" for c in sorted(rated))
        write(folder, "fx_rates.csv", "currency,rate\nJPY,1\n" + rates)
        store = MemoryStore(Path(tmp) / "data")
        report = load_bundle(folder, store)
        store.close()
    unrated = [(i + 2, c) for i, c in enumerate(currencies) if c and c != "JPY" and c not in rated]
    assert [(w.line, w.value) for w in report.warnings] == unrated
    assert sum(report.unrated_currencies.values()) == len(report.warnings)
    assert report.files[1].warned == len(unrated) and report.files[1].loaded == len(currencies)
