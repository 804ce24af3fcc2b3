"""The mapping preset: a TOML file says which file and column feeds which bundle column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph_service.domain import FxRate, Stage
from graph_service.errors import ConfigError
from graph_service.store.memory import MemoryStore
from loaders.presets import load_preset
from loaders.report import LoadReport

MAPPING = """
encoding = "cp932"

[companies]
file = "取引先.csv"
columns = { company_id = "取引先名", name = "取引先名", employees = "従業員数" }
constants = { country = "Japan" }
slug = ["company_id"]

[[deals]]
file = "商談.csv"
columns = { deal_id = "商談番号", company_id = "取引先名", stage = "フェーズ", amount = "金額" }
constants = { currency = "JPY" }
slug = ["company_id"]
values.stage = { "受注" = "won", "失注" = "lost", "提案中" = "proposal", "*" = "qualifying" }
"""


def export(tmp_path: Path, mapping: str = MAPPING) -> tuple[Path, Path]:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "取引先.csv").write_bytes(
        "取引先名,従業員数\n株式会社さくら,120\nみどり商事,多数\n".encode("cp932")
    )
    (folder / "商談.csv").write_bytes(
        "商談番号,取引先名,フェーズ,金額\n"
        'D-1,株式会社さくら,受注,"￥1,200,000"\n'
        "D-2,株式会社さくら,ヒアリング,500000\n"
        "D-3,株式会社さくら,提案中,２０００\n"
        "D-4,未登録商事,受注,100\n".encode("cp932")
    )
    path = tmp_path / "mapping.toml"
    path.write_text(mapping, encoding="utf-8")
    return folder, path


def load(tmp_path: Path, mapping: str = MAPPING) -> tuple[MemoryStore, LoadReport]:
    folder, path = export(tmp_path, mapping)
    store = MemoryStore(tmp_path / "data")
    return store, load_preset("mapping", folder, store, mapping=path)


def test_a_mapping_file_loads_any_csv_with_value_maps_and_constants(tmp_path: Path) -> None:
    store, report = load(tmp_path)
    try:
        assert [(f.file, f.read, f.loaded, f.rejected) for f in report.files] == [
            ("取引先.csv", 2, 1, 1),
            ("商談.csv", 4, 3, 1),
        ]
        view = store.account("株式会社さくら")
        assert view is not None and view.company.country == "Japan"
        stages = {d.id: (d.stage, d.amount, d.currency) for d in view.deals}
        assert stages == {
            "D-1": (Stage.WON, 1_200_000.0, "JPY"),
            "D-2": (Stage.QUALIFYING, 500_000.0, "JPY"),  # "*" default
            "D-3": (Stage.PROPOSAL, 2000.0, "JPY"),
        }
        assert {(r.file, r.line, r.field) for r in report.rejects} == {
            ("取引先.csv", 3, "従業員数"),
            ("商談.csv", 5, "取引先名"),
        }
    finally:
        store.close()


@pytest.mark.parametrize(
    "mapping, message",
    [
        ("[widgets]\nfile = 'x.csv'\n", "unknown section [widgets]"),
        (
            "[deals]\nfile = '商談.csv'\ncolumns = { deal_id = 'a' }\n",
            "required column 'company_id'",
        ),
        ("[companies]\nfile = 'x.csv'\ncolumns = { colour = 'c' }\n", "columns.colour"),
        ("[companies\n", "not a valid TOML mapping file"),
        ("", "maps no kind"),
    ],
)
def test_a_bad_mapping_file_is_a_one_line_config_error(
    tmp_path: Path, mapping: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load(tmp_path, mapping)


def test_a_source_column_the_mapping_names_must_be_in_the_file(tmp_path: Path) -> None:
    mapping = MAPPING.replace('amount = "金額"', 'amount = "売上"')
    store, report = load(tmp_path, mapping)
    store.close()
    deals = report.files[1]
    assert deals.error == "商談.csv: column '売上': required column is missing"


RATES_MAPPING = """
[fx_rates]
file = "kurse.csv"
columns = { currency = "Währung", rate = "Kurs", valid_from = "Gültig ab", valid_to = "Gültig bis" }
"""


def rates_export(tmp_path: Path, rows: str) -> tuple[Path, Path]:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "kurse.csv").write_text("Währung,Kurs,Gültig ab,Gültig bis\n" + rows, "utf-8")
    path = tmp_path / "rates.toml"
    path.write_text(RATES_MAPPING, encoding="utf-8")
    return folder, path


def test_a_mapping_file_maps_a_rates_file_to_fx_rates(tmp_path: Path) -> None:
    folder, path = rates_export(
        tmp_path,
        "eur,1,,\nUSD,1.08,,\nUSD,1.10,2026-01-01,2026-07-01\nUSD,1.12,2026-07-01,\n",
    )
    store = MemoryStore(tmp_path / "data")
    report = load_preset("mapping", folder, store, mapping=path)
    assert [(f.file, f.read, f.loaded, f.rejected) for f in report.files] == [
        ("kurse.csv", 4, 4, 0)
    ]
    assert store.fx_rates() == [
        FxRate("EUR", 1.0),
        FxRate("USD", 1.08),
        FxRate("USD", 1.10, date(2026, 1, 1), date(2026, 7, 1)),
        FxRate("USD", 1.12, date(2026, 7, 1)),
    ]
    again = load_preset("mapping", folder, store, mapping=path)
    assert again.rejects == [] and len(store.fx_rates()) == 4


def test_a_mapped_rates_file_is_checked_as_fx_rates_csv_naming_the_source_columns(
    tmp_path: Path,
) -> None:
    folder, path = rates_export(
        tmp_path,
        "USD,0,,\n"  # line 2: zero
        "USD,-1.1,,\n"  # line 3: negative
        "USD,abc,,\n"  # line 4: not a number
        "YEN,150,,\n"  # line 5: not an ISO code
        "GBP,0.86,2026-01-01,2026-07-01\n"  # line 6: fine
        "GBP,0.87,2026-06-01,\n"  # line 7: overlaps line 6
        "GBP,0.88,2026-12-31,2026-12-01\n"  # line 8: ends before it starts
        "GBP,0.85,someday,\n"  # line 9: not a date
        "CHF,0.95,,2026-01-01\n",  # line 10: an end without a start
    )
    store = MemoryStore(tmp_path / "data")
    report = load_preset("mapping", folder, store, mapping=path)
    assert report.ok
    assert [(f.read, f.loaded, f.rejected) for f in report.files] == [(9, 1, 8)]
    assert [(r.file, r.line, r.field, r.value) for r in report.rejects] == [
        ("kurse.csv", 2, "Kurs", "0"),
        ("kurse.csv", 3, "Kurs", "-1.1"),
        ("kurse.csv", 4, "Kurs", "abc"),
        ("kurse.csv", 5, "Währung", "YEN"),
        ("kurse.csv", 7, "Gültig ab", "2026-06-01"),
        ("kurse.csv", 8, "Gültig bis", "2026-12-01"),
        ("kurse.csv", 9, "Gültig ab", "someday"),
        ("kurse.csv", 10, "Gültig ab", ""),
    ]
    assert "overlaps the one on line 6" in report.rejects[4].reason
    assert store.fx_rates() == [FxRate("GBP", 0.86, date(2026, 1, 1), date(2026, 7, 1))]


def test_a_rates_mapping_needs_currency_and_rate(tmp_path: Path) -> None:
    folder, path = rates_export(tmp_path, "USD,1.08,,\n")
    path.write_text('[fx_rates]\nfile = "kurse.csv"\ncolumns = { currency = "Währung" }\n')
    with pytest.raises(ConfigError, match="required column 'rate'"):
        load_preset("mapping", folder, MemoryStore(tmp_path / "data"), mapping=path)


def test_deals_in_a_currency_the_mapped_rates_lack_are_loaded_with_a_warning(
    tmp_path: Path,
) -> None:
    folder, path = rates_export(tmp_path, "EUR,1,,\nUSD,1.08,,\n")
    (folder / "firmen.csv").write_text("Name\nAcme\n", "utf-8")
    (folder / "abschlüsse.csv").write_text(
        "Nr,Firma,Betrag,Währung\nA1,Acme,100,USD\nA2,Acme,200,BRL\nA3,Acme,300,\n", "utf-8"
    )
    path.write_text(
        RATES_MAPPING
        + """
[companies]
file = "firmen.csv"
columns = { company_id = "Name", name = "Name" }
slug = ["company_id"]

[deals]
file = "abschlüsse.csv"
columns = { deal_id = "Nr", company_id = "Firma", amount = "Betrag", currency = "Währung" }
constants = { stage = "won" }
slug = ["company_id"]
""",
        encoding="utf-8",
    )
    report = load_preset("mapping", folder, MemoryStore(tmp_path / "data"), mapping=path)
    assert report.rejects == []
    assert [(w.file, w.line, w.field, w.value) for w in report.warnings] == [
        ("abschlüsse.csv", 3, "Währung", "BRL")
    ]
    assert report.warnings[0].reason == (
        "no exchange rate for BRL: this amount is left out of every total "
        "until a file mapped to [fx_rates] in rates.toml gives one"
    )
    assert report.unrated_currencies == {"BRL": 1}
