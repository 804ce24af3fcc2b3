"""Target-list exports: CSV, XLSX (frozen header, numbers as numbers) and Parquet; amounts in
one currency, with what no rate converts listed beside them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graph_service.demo import DEMO_BUNDLE
from graph_service.export import COLUMNS, NUMBER_COLUMNS
from tests.test_cli import abmgraph

AS_OF = "2026-11-20"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("data")
    abmgraph("load", "bundle", str(DEMO_BUNDLE), data_dir=data)
    return data


#: JPY reporting (its rate is 1), a rate for USD and none for BRL: a-1 won 1,000,000 JPY and
#: 50 BRL (d-5) against a wallet of 10,000,000 JPY, so its whitespace is 9,000,000 JPY and the
#: 50 BRL is left out. a-2 is all JPY.
BRL_BUNDLE = {
    "companies.csv": "company_id,name,country\na-1,Acme,JP\na-2,Beta,JP\n",
    "deals.csv": (
        "deal_id,company_id,stage,category,amount,currency,close_date\n"
        "d-1,a-1,won,analytics,1000000,JPY,2026-06-01\n"
        "d-5,a-1,won,analytics,50,BRL,2026-07-01\n"
        "d-7,a-2,won,analytics,2000000,JPY,2026-06-01\n"
    ),
    "wallet.csv": (
        "company_id,category,amount,as_of,currency\n"
        "a-1,analytics,10000000,2026-04-01,JPY\n"
        "a-2,analytics,5000000,2026-04-01,JPY\n"
    ),
    "fx_rates.csv": "currency,rate,valid_from,valid_to\nJPY,1,,\nUSD,0.006666666666666667,,\n",
}


@pytest.fixture(scope="module")
def brl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bundle = tmp_path_factory.mktemp("brl-bundle")
    for name, text in BRL_BUNDLE.items():
        (bundle / name).write_text(text, encoding="utf-8")
    data = tmp_path_factory.mktemp("brl-data")
    abmgraph("load", "bundle", str(bundle), data_dir=data)
    return data


def export_csv(data_dir: Path, out: Path, *options: str) -> tuple[pd.DataFrame, str]:
    """The exported CSV, read with ids as the index, and what the command printed."""
    result = abmgraph(
        "export", "targets", "--out", str(out), "--as-of", AS_OF, *options, data_dir=data_dir
    )
    return pd.read_csv(out, keep_default_na=False).set_index("account_id"), result.stderr


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet"])
def test_export_has_one_row_per_account_in_rank_order(
    demo_dir: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"targets.{suffix}"
    abmgraph("export", "targets", "--out", str(out), "--as-of", "2026-11-20", data_dir=demo_dir)
    readers: dict[str, Callable[[Path], pd.DataFrame]] = {
        "csv": pd.read_csv,
        "xlsx": pd.read_excel,
        "parquet": pd.read_parquet,
    }
    frame = readers[suffix](out)
    assert list(frame.columns) == COLUMNS
    assert list(frame["rank"]) == [1, 2, 3, 4, 5, 6]
    assert list(frame["tier"])[:3] == ["1:1", "1:few", "1:many"]
    assert frame["score"].is_monotonic_decreasing


def test_xlsx_freezes_the_header_and_keeps_numbers_numeric(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    abmgraph("export", "targets", "--out", str(out), "--as-of", "2026-11-20", data_dir=demo_dir)
    sheet = openpyxl.load_workbook(out)["targets"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    score = sheet.cell(row=2, column=header.index("score") + 1)
    assert score.data_type == "n" and isinstance(score.value, float)


def test_filters_keep_only_matching_accounts(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "jp.csv"
    abmgraph(
        "export",
        "targets",
        "--out",
        str(out),
        "--region",
        "JP",
        "--as-of",
        "2026-11-20",
        data_dir=demo_dir,
    )
    frame = pd.read_csv(out)
    assert set(frame["country"]) == {"JP"} and len(frame) == 3


def test_unknown_format_is_a_clear_error(demo_dir: Path, tmp_path: Path) -> None:
    result = abmgraph(
        "export", "targets", "--out", str(tmp_path / "t.txt"), data_dir=demo_dir, check=False
    )
    assert result.returncode == 1 and "--format is needed" in result.stderr


def test_the_three_formats_hold_the_same_table(demo_dir: Path, tmp_path: Path) -> None:
    """Same columns, values and number types whichever the format (Parquet is written from
    an Arrow table, CSV and XLSX from a DataFrame)."""
    frames = {}
    for suffix, read in (
        ("csv", pd.read_csv),
        ("xlsx", pd.read_excel),
        ("parquet", pd.read_parquet),
    ):
        out = tmp_path / f"t.{suffix}"
        abmgraph("export", "targets", "--out", str(out), "--as-of", "2026-11-20", data_dir=demo_dir)
        frames[suffix] = read(out)
    parquet = frames["parquet"]
    assert {c: str(parquet[c].dtype) for c in NUMBER_COLUMNS} == NUMBER_COLUMNS
    for suffix in ("csv", "xlsx"):
        other = frames[suffix]
        for column in COLUMNS:
            mine = [None if pd.isna(v) or v == "" else v for v in parquet[column]]
            theirs = [None if pd.isna(v) or v == "" else v for v in other[column]]
            if column in NUMBER_COLUMNS:  # spreadsheets keep 15 significant digits
                assert mine == pytest.approx(theirs, rel=1e-12), (suffix, column)
            else:
                assert mine == theirs, (suffix, column)


def test_every_amount_is_in_the_reporting_currency(demo_dir: Path, tmp_path: Path) -> None:
    frame, _ = export_csv(demo_dir, tmp_path / "t.csv")
    assert set(frame["currency"]) == {"JPY"}
    assert frame.loc["c-05", "whitespace"] == 1_296_600_000  # USD wallet and deals at 150


def test_currency_option_answers_in_another_currency(demo_dir: Path, tmp_path: Path) -> None:
    frame, printed = export_csv(demo_dir, tmp_path / "t.csv", "--currency", "usd")
    assert set(frame["currency"]) == {"USD"}
    assert frame.loc["c-05", "whitespace"] == pytest.approx(8_644_000)  # 1,296,600,000 / 150
    assert "amounts in USD" in printed


def test_a_currency_no_rate_converts_is_a_one_line_error(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    result = abmgraph(
        "export", "targets", "--out", str(out), "--currency", "EUR", data_dir=demo_dir, check=False
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no exchange rate converts JPY into EUR" in result.stderr
    assert not out.exists()


def test_the_demo_leaves_no_amount_out(demo_dir: Path, tmp_path: Path) -> None:
    frame, printed = export_csv(demo_dir, tmp_path / "t.csv")
    assert set(frame["unconverted"]) == {""}
    assert "warning" not in printed


def test_an_amount_no_rate_converts_is_listed_beside_the_totals(
    brl_dir: Path, tmp_path: Path
) -> None:
    frame, _ = export_csv(brl_dir, tmp_path / "t.csv")
    assert frame.loc["a-1", "unconverted"] == "deal d-5: 50 BRL"
    assert frame.loc["a-1", "whitespace"] == 9_000_000  # 10,000,000 - 1,000,000; no BRL in it
    assert (frame.loc["a-2", "unconverted"], frame.loc["a-2", "currency"]) == ("", "JPY")


def test_the_command_warns_which_accounts_and_currencies_were_left_out(
    brl_dir: Path, tmp_path: Path
) -> None:
    _, printed = export_csv(brl_dir, tmp_path / "t.csv")
    assert "warning: 1 account has amounts in BRL" in " ".join(printed.split())


def test_the_xlsx_notes_sheet_carries_the_currency_and_the_warning(
    brl_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "t.xlsx"
    abmgraph("export", "targets", "--out", str(out), "--as-of", AS_OF, data_dir=brl_dir)
    notes = [row[0] for row in openpyxl.load_workbook(out)["notes"].iter_rows(values_only=True)]
    assert notes[0] == "note"
    assert notes[1] == "Amounts (whitespace) are in JPY."
    assert str(notes[2]).startswith("Warning: 1 account has amounts in BRL")


def test_parquet_types_currency_and_unconverted_as_text(brl_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.parquet"
    abmgraph("export", "targets", "--out", str(out), "--as-of", AS_OF, data_dir=brl_dir)
    schema = pq.read_schema(out)
    assert (schema.field("currency").type, schema.field("unconverted").type) == (
        pa.string(),
        pa.string(),
    )
    assert schema.field("whitespace").type == pa.float64()
