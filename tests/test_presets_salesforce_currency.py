"""The salesforce preset reads CurrencyType.csv and DatedConversionRate.csv as exchange rates,
on the hand-made export in tests/data/salesforce-currency (JPY corporate; bad rows on purpose).

A rate is units of its currency per one unit of the corporate currency (Salesforce's
``ConversionRate``, the direction of :class:`~graph_service.domain.FxRate`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from graph_service.analytics import queries
from graph_service.domain import Deal, FxRate
from graph_service.errors import InputFileError
from graph_service.money import Rates
from graph_service.store.memory import MemoryStore
from loaders.presets import load_preset
from loaders.presets.salesforce import corporate_currency
from loaders.report import LoadReport
from tests.test_presets_crm import counts

EXPORT = Path(__file__).resolve().parent / "data" / "salesforce-currency"

#: The rates of the export, worked out by hand from its two files.
EXPECTED = [
    FxRate("EUR", 0.0061),
    FxRate("EUR", 0.0062, date(2024, 1, 1), date(2024, 7, 1)),
    FxRate("GBP", 0.0052),  # inactive: loaded all the same
    FxRate("JPY", 1.0),
    FxRate("JPY", 1.0, date(1, 1, 1)),  # 9999-12-31 is open-ended
    FxRate("USD", 0.0066),
    FxRate("USD", 0.0070, date(2024, 1, 1), date(2024, 7, 1)),
    FxRate("USD", 0.0068, date(2024, 7, 1)),
]


@pytest.fixture
def loaded(tmp_path: Path) -> Iterator[tuple[MemoryStore, LoadReport]]:
    store = MemoryStore(tmp_path / "data")
    yield store, load_preset("salesforce", EXPORT, store)
    store.close()


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_every_row_is_loaded_or_rejected_with_its_reason(
    loaded: tuple[MemoryStore, LoadReport],
) -> None:
    _, report = loaded
    assert report.ok
    assert counts(report) == {
        "Account.csv": (3, 3, 0),
        "Account.csv (owners)": (0, 0, 0),
        "Opportunity.csv": (3, 3, 0),
        "CurrencyType.csv": (8, 4, 4),
        "DatedConversionRate.csv": (7, 4, 3),
    }
    assert {(r.file, r.line, r.field, r.value, r.reason) for r in report.rejects} == {
        ("CurrencyType.csv", 6, "ConversionRate", "0", "not a positive rate: '0'"),
        ("CurrencyType.csv", 7, "IsoCode", "YEN", "not an ISO 4217 currency code: 'YEN'"),
        ("CurrencyType.csv", 8, "ConversionRate", "-0.010000", "not a positive rate: '-0.010000'"),
        ("CurrencyType.csv", 9, "ConversionRate", "n/a", "not a rate: 'n/a'"),
        (
            "DatedConversionRate.csv",
            6,
            "StartDate",
            "2024-04-01",
            "the dated EUR rate overlaps the one on line 5",
        ),
        ("DatedConversionRate.csv", 7, "ConversionRate", "0", "not a positive rate: '0'"),
        (
            "DatedConversionRate.csv",
            8,
            "IsoCode",
            "EURO",
            "not an ISO 4217 currency code: 'EURO'",
        ),
    }
    files = {f.file: f for f in report.files}
    assert files["CurrencyType.csv"].extra_columns == []
    assert files["DatedConversionRate.csv"].extra_columns == []


def test_the_store_holds_the_rates_of_the_files(loaded: tuple[MemoryStore, LoadReport]) -> None:
    store, _ = loaded
    assert store.fx_rates() == EXPECTED


def test_deals_keep_their_currency_and_convert_at_the_rate_of_their_day(
    loaded: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = loaded
    deals: dict[str, Deal] = {}
    for company in ("001A00000000101", "001A00000000102", "001A00000000103"):
        view = store.account(company)
        assert view is not None
        deals |= {d.id: d for d in view.deals}
    assert {i: (d.amount, d.currency) for i, d in deals.items()} == {
        "006O00000000101": (12_000.0, "USD"),
        "006O00000000102": (8_500.0, "EUR"),
        "006O00000000103": (1_500_000.0, "JPY"),
    }
    rates = Rates("JPY", store.fx_rates())
    usd, eur = deals["006O00000000101"], deals["006O00000000102"]
    # closed 2024-03-29: the first-half dated USD rate, 0.0070 USD per JPY
    assert rates.convert(usd.amount or 0, usd.currency, usd.close_date) == pytest.approx(
        12_000 / 0.0070
    )
    # 2024-09-30: the EUR range from July was rejected, so the static rate applies
    assert rates.convert(eur.amount or 0, eur.currency, eur.close_date) == pytest.approx(
        8_500 / 0.0061
    )


def test_won_opportunities_are_spend_in_the_corporate_currency(tmp_path: Path) -> None:
    """Through the analytics: the dated rate where one covers the close date, else static."""
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    with (export / "Opportunity.csv").open("a", encoding="utf-8") as f:
        f.write("006O00000000104,001A00000000102,Analytics pilot,Closed Won,5000.00,EUR,")
        f.write("2024-11-15,true,true\n")
    store = MemoryStore(tmp_path / "data")
    try:
        load_preset("salesforce", export, store)
        facts = queries.portfolio_facts(store, date(2024, 12, 31))
        spend = {f.company.name: f.won_window_spend for f in facts}
        assert {f.currency for f in facts} == {"JPY"}  # the corporate currency
    finally:
        store.close()
    assert spend == pytest.approx(
        {
            "Northwind Inc.": 12_000 / 0.0070,  # 2024-03-29: DatedConversionRate
            "Rheinwerk GmbH": 5_000 / 0.0061,  # 2024-11-15: no dated EUR rate, CurrencyType
            "みなと商事株式会社": 1_500_000,  # already JPY
        }
    )


def test_a_second_load_changes_nothing(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "data")
    first = load_preset("salesforce", EXPORT, store)
    before = (store.fx_rates(), store.stats())
    second = load_preset("salesforce", EXPORT, store)
    assert (store.fx_rates(), store.stats()) == before
    assert store.fx_rates() == EXPECTED
    assert counts(second) == counts(first)
    store.close()


def test_the_corporate_currency_is_found() -> None:
    assert corporate_currency(EXPORT) == "JPY"


def test_no_currency_file_or_no_corporate_row_is_no_corporate_currency(tmp_path: Path) -> None:
    assert corporate_currency(write(tmp_path / "a", "Account.csv", "Id,Name\n1,A\n")) is None
    text = "IsoCode,ConversionRate,IsCorporate\nUSD,0.0066,false\n"
    assert corporate_currency(write(tmp_path / "b", "currencytype.csv", text)) is None


def test_two_corporate_currencies_are_a_clear_error(tmp_path: Path) -> None:
    text = "IsoCode,ConversionRate,IsCorporate\nJPY,1,true\nUSD,0.0066,false\nusd,1,TRUE\n"
    with pytest.raises(InputFileError) as err:
        corporate_currency(write(tmp_path, "CurrencyType.csv", text))
    assert str(err.value) == (
        "CurrencyType.csv: column 'IsCorporate': two corporate currencies: JPY (line 2) and "
        "USD (line 4); Salesforce has one"
    )


def test_a_corporate_row_that_is_not_an_iso_code_is_a_clear_error(tmp_path: Path) -> None:
    text = "IsoCode,ConversionRate,IsCorporate\nYEN,1,true\n"
    with pytest.raises(InputFileError, match="line 2: not an ISO 4217 currency code: 'YEN'"):
        corporate_currency(write(tmp_path, "CurrencyType.csv", text))


def test_a_corporate_rate_other_than_1_and_a_repeated_currency_are_rejected(
    tmp_path: Path,
) -> None:
    folder = write(
        tmp_path / "export",
        "CurrencyType.csv",
        "IsoCode,ConversionRate,IsCorporate,IsActive\n"
        "JPY,150,true,true\n"
        "USD,0.0066,false,true\n"
        "USD,0.0067,false,false\n",
    )
    store = MemoryStore(tmp_path / "data")
    report = load_preset("salesforce", folder, store)
    assert counts(report) == {"CurrencyType.csv": (3, 1, 2)}
    assert {(r.line, r.field, r.value, r.reason) for r in report.rejects} == {
        (
            2,
            "ConversionRate",
            "150",
            "the corporate currency's rate must be 1: every rate is against it",
        ),
        (4, "IsoCode", "USD", "duplicate: line 3 has the same IsoCode already"),
    }
    assert store.fx_rates() == [FxRate("USD", 0.0066)]
    store.close()


def test_a_currency_file_without_conversion_rate_is_refused_naming_the_column(
    tmp_path: Path,
) -> None:
    folder = write(
        tmp_path / "export", "DatedConversionRate.csv", "IsoCode,StartDate\nUSD,2024-01-01\n"
    )
    store = MemoryStore(tmp_path / "data")
    report = load_preset("salesforce", folder, store)
    (refused,) = report.files
    assert refused.error == (
        "DatedConversionRate.csv: column 'ConversionRate': required column is missing"
    )
    assert store.fx_rates() == []
    store.close()


def test_a_timestamped_open_end_is_open_ended_too(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "export",
        "DatedConversionRate.csv",
        "IsoCode,ConversionRate,StartDate,NextStartDate\n"
        "USD,0.0070,2024-01-01,\n"
        "EUR,0.0061,2024-01-01T00:00:00.000+0000,9999-12-31T00:00:00.000+0000\n",
    )
    store = MemoryStore(tmp_path / "data")
    report = load_preset("salesforce", folder, store)
    assert report.ok and counts(report) == {"DatedConversionRate.csv": (2, 2, 0)}
    assert store.fx_rates() == [
        FxRate("EUR", 0.0061, date(2024, 1, 1)),
        FxRate("USD", 0.0070, date(2024, 1, 1)),
    ]
    store.close()


def test_an_accounts_currency_is_the_currency_of_its_annual_revenue(
    loaded: tuple[MemoryStore, LoadReport],
) -> None:
    store, report = loaded
    assert next(f for f in report.files if f.file == "Account.csv").extra_columns == []
    currencies = {}
    for account_id in ("001A00000000101", "001A00000000102", "001A00000000103"):
        view = store.account(account_id)
        assert view is not None
        currencies[view.company.name] = view.company.annual_revenue_currency
    assert currencies == {
        "Northwind Inc.": "USD",
        "Rheinwerk GmbH": "EUR",
        "みなと商事株式会社": "JPY",
    }
