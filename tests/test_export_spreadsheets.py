"""Exports people open directly: the XLSX's header, formats, currency, owner names and notes
sheet; the CSV's byte-order mark; formula-like text written as text in both (OWASP's CSV
injection rule), checked by opening the files with openpyxl, pandas and the csv module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from starlette.testclient import TestClient

from graph_service.analytics.engagement import Engagement
from graph_service.analytics.labels import Segment, Tier
from graph_service.analytics.portfolio import Target
from graph_service.api.app import create_app
from graph_service.export import COLUMNS, ExportContext, ExportFormat, write_targets
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from tests.conftest import REPO
from tests.test_cli import abmgraph

AS_OF = "2026-11-20"

#: Names a spreadsheet would evaluate, and one it would not.
FORMULA_NAMES = {
    "x-1": '=HYPERLINK("http://evil.example","click")',
    "x-2": "+81 Trading",
    "x-3": "-Minus Holdings",
    "x-4": "@SUM(1+1)",
}
PLAIN = ("x-7", "Plain KK")

#: JPY reporting with a rate for USD (150 JPY). x-1: wallet 10,000,000 JPY, won 1,000,000 JPY
#: in the spend window -> whitespace 9,000,000 JPY = 60,000 USD, share of wallet 10 %.
#: x-1's account team: m-1 (named like a formula) and m-2; x-2's: m-2.
BUNDLE = {
    "companies.csv": [
        ["company_id", "name", "country"],
        *[[cid, name, "JP"] for cid, name in FORMULA_NAMES.items()],
        [*PLAIN, "JP"],
    ],
    "team.csv": [["member_id", "full_name"], ["m-1", "=Evil Owner"], ["m-2", "佐藤 花子"]],
    "account_team.csv": [
        ["company_id", "member_id", "role"],
        ["x-1", "m-1", "ae"],
        ["x-1", "m-2", "se"],
        ["x-2", "m-2", "ae"],
    ],
    "deals.csv": [
        ["deal_id", "company_id", "stage", "category", "amount", "currency", "close_date"],
        ["d-1", "x-1", "won", "analytics", "1000000", "JPY", "2026-06-01"],
    ],
    "wallet.csv": [
        ["company_id", "category", "amount", "as_of", "currency"],
        ["x-1", "analytics", "10000000", "2026-04-01", "JPY"],
    ],
    "fx_rates.csv": [
        ["currency", "rate", "valid_from", "valid_to"],
        ["JPY", "1", "", ""],
        ["USD", "0.006666666666666667", "", ""],
    ],
}


def write_bundle(folder: Path) -> Path:
    folder.mkdir()
    for name, rows in BUNDLE.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    return folder


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bundle = write_bundle(tmp_path_factory.mktemp("b") / "bundle")
    data = tmp_path_factory.mktemp("data")
    abmgraph("load", "bundle", str(bundle), data_dir=data)
    return data


def export(data_dir: Path, out: Path, *options: str) -> Path:
    abmgraph("export", "targets", "--out", str(out), "--as-of", AS_OF, *options, data_dir=data_dir)
    return out


@pytest.fixture(scope="module")
def xlsx(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(data_dir, tmp_path_factory.mktemp("x") / "targets.xlsx")


def by_id(sheet: Worksheet) -> dict[str, dict[str, Cell]]:
    """The sheet's cells by account id, then by column name."""
    header = [str(c.value) for c in sheet[1]]
    rows: dict[str, dict[str, Cell]] = {}
    for row in sheet.iter_rows(min_row=2):
        cells = {name: c for name, c in zip(header, row, strict=True) if isinstance(c, Cell)}
        rows[str(cells["account_id"].value)] = cells
    return rows


# -- formula-like text ---------------------------------------------------------------------


def test_no_cell_of_the_xlsx_is_a_formula_and_names_are_kept_as_they_are(xlsx: Path) -> None:
    book = openpyxl.load_workbook(xlsx)
    formulas = [
        c.coordinate for s in book for row in s.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas == []
    rows = by_id(book["targets"])
    for cid, name in FORMULA_NAMES.items():
        cell = rows[cid]["name"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (name, "s", True)
    plain = rows[PLAIN[0]]["name"]
    assert (plain.value, plain.quotePrefix) == (PLAIN[1], False)
    owners = rows["x-1"]["owners"]
    assert (owners.value, owners.data_type, owners.quotePrefix) == (
        "=Evil Owner, 佐藤 花子",
        "s",
        True,
    )


def test_pandas_reads_the_xlsx_names_unchanged(xlsx: Path) -> None:
    frame = pd.read_excel(xlsx, sheet_name="targets").set_index("account_id")
    assert {cid: frame.loc[cid, "name"] for cid in FORMULA_NAMES} == FORMULA_NAMES


def test_csv_puts_a_quote_before_formula_like_text_only(data_dir: Path, tmp_path: Path) -> None:
    out = export(data_dir, tmp_path / "t.csv")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = {r["account_id"]: r for r in csv.DictReader(f)}
    assert {cid: rows[cid]["name"] for cid in FORMULA_NAMES} == {
        cid: "'" + name for cid, name in FORMULA_NAMES.items()
    }
    assert rows[PLAIN[0]]["name"] == PLAIN[1]
    assert rows["x-1"]["owners"] == "'=Evil Owner, 佐藤 花子"
    assert rows["x-1"]["whitespace"] == "9000000.0"  # numbers are numbers, never quoted
    frame = pd.read_csv(out, keep_default_na=False).set_index("account_id")
    assert frame.loc["x-4", "name"] == "'@SUM(1+1)"


def target(account_id: str, name: str) -> Target:
    return Target(
        account_id=account_id,
        name=name,
        industry=None,
        country="JP",
        owner_ids=[],
        score=0.5,
        rank=1,
        tier=Tier.ONE_TO_ONE,
        reasons=[],
        components={},
        whitespace=-5.0,
        share_of_wallet=None,
        wallet_modeled=False,
        coverage=0.0,
        champion=Engagement.MISSING,
        segment=Segment.PROSPECT,
        next_action=None,
        currency="JPY",
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_written_as_text_in_both_formats(start: str, tmp_path: Path) -> None:
    """Tabs and carriage returns too (the loaders trim them, so the rows are made here)."""
    name = f"{start}cmd|' /C calc'!A0"
    context = ExportContext(date(2026, 11, 20), {"whitespace": 1.0})
    rows = [target("t-1", name)]
    write_targets(rows, tmp_path / "t.csv", ExportFormat.CSV, context)
    write_targets(rows, tmp_path / "t.xlsx", ExportFormat.XLSX, context)
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row["name"] == "'" + name
    assert row["whitespace"] == "-5.0"  # a negative number stays a number
    cell = by_id(openpyxl.load_workbook(tmp_path / "t.xlsx")["targets"])["t-1"]["name"]
    # (an XML reader hands a carriage return back as a line feed: XML's end-of-line rule)
    assert (cell.value, cell.data_type) == (name.replace("\r", "\n"), "s")


# -- the XLSX as a spreadsheet ---------------------------------------------------------------


def test_the_header_is_styled_frozen_and_filtered(xlsx: Path) -> None:
    sheet = openpyxl.load_workbook(xlsx)["targets"]
    assert [c.value for c in sheet[1]] == COLUMNS
    for cell in sheet[1]:
        assert cell.font.bold and cell.font.color.rgb == "00FFFFFF"
        assert cell.fill.fgColor.rgb == "001F4E78"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:U{len(FORMULA_NAMES) + 2}"  # 21 columns, 5 rows
    widths = {c: sheet.column_dimensions[c].width for c in ("A", "C", "S")}
    # rank's header (4) -> the minimum 8; name: the 41 characters of =HYPERLINK(...) + 2;
    # owners: "=Evil Owner, " (13) + 佐藤 (4) + " " (1) + 花子 (4) = 22, + 2
    assert widths == {"A": 8, "C": 43, "S": 24}


def test_amounts_carry_their_currency_and_fractions_show_as_percentages(xlsx: Path) -> None:
    row = by_id(openpyxl.load_workbook(xlsx)["targets"])["x-1"]
    assert (row["whitespace"].value, row["whitespace"].number_format) == (9_000_000, '#,##0 "JPY"')
    assert (row["share_of_wallet"].value, row["share_of_wallet"].number_format) == (0.1, "0.0%")
    assert row["coverage"].number_format == "0.0%"
    assert row["score"].number_format == "0.0000" and row["score"].data_type == "n"
    assert row["rank"].number_format == "0"
    assert (row["wallet_modeled"].value, row["wallet_modeled"].data_type) == (False, "b")


def test_another_currency_gets_its_own_decimals(data_dir: Path, tmp_path: Path) -> None:
    out = export(data_dir, tmp_path / "usd.xlsx", "--currency", "USD")
    cell = by_id(openpyxl.load_workbook(out)["targets"])["x-1"]["whitespace"]
    assert cell.number_format == '#,##0.00 "USD"'
    assert cell.value == pytest.approx(60_000)  # 9,000,000 JPY at 150
    frame = pd.read_excel(out, sheet_name="targets").set_index("account_id")
    assert frame.loc["x-1", "currency"] == "USD" and frame["whitespace"].dtype == "float64"


def test_owners_are_named_and_their_ids_kept(xlsx: Path) -> None:
    frame = pd.read_excel(xlsx, sheet_name="targets").set_index("account_id")
    assert (frame.loc["x-2", "owners"], frame.loc["x-2", "owner_ids"]) == ("佐藤 花子", "m-2")
    assert frame.loc["x-1", "owner_ids"] == "m-1, m-2"


def test_the_notes_sheet_has_the_as_of_date_the_weights_and_every_definition(xlsx: Path) -> None:
    rows = list(openpyxl.load_workbook(xlsx)["notes"].iter_rows(values_only=True))
    first = rows.index(("setting", "value", "share of the score")) + 1
    settings = {r[0]: r[1:] for r in rows[first : rows.index((None, None, None), first)]}
    assert settings == {
        "as of": (datetime(2026, 11, 20), None),
        "currency": ("JPY", None),
        "weight: whitespace": (0.4, 0.4),
        "weight: momentum": (0.2, 0.2),
        "weight: coverage": (0.2, 0.2),
        "weight: rfm": (0.2, 0.2),
    }
    start = rows.index(("column", "definition", None))
    defined = {r[0]: r[1] for r in rows[start + 1 :]}
    assert list(defined) == COLUMNS and all(defined.values())
    assert "Every figure is as of 2026-11-20: later data is not counted." in [r[0] for r in rows]


# -- the CSV's byte-order mark ---------------------------------------------------------------

BOM = b"\xef\xbb\xbf"


def test_csv_starts_with_a_byte_order_mark_unless_asked_not_to(
    data_dir: Path, tmp_path: Path
) -> None:
    with_bom = export(data_dir, tmp_path / "bom.csv").read_bytes()
    without = export(data_dir, tmp_path / "plain.csv", "--no-bom").read_bytes()
    assert with_bom.startswith(BOM + b"rank,account_id,")
    assert without.startswith(b"rank,account_id,")
    assert with_bom == BOM + without
    assert "佐藤 花子" in without.decode("utf-8")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = MemoryStore(tmp_path / "data")
    load_bundle(write_bundle(tmp_path / "bundle"), store)
    with TestClient(create_app(store, store_name="memory")) as c:
        yield c
    store.close()


def test_the_http_csv_has_the_mark_by_default_and_bom_false_drops_it(client: TestClient) -> None:
    marked = client.get("/export/targets.csv", params={"asOf": AS_OF})
    plain = client.get("/export/targets.csv", params={"asOf": AS_OF, "bom": "false"})
    assert marked.status_code == plain.status_code == 200
    assert marked.content == BOM + plain.content and not plain.content.startswith(BOM)
    frame = pd.read_csv(io.BytesIO(marked.content), encoding="utf-8-sig")
    assert list(frame.columns) == COLUMNS


def test_a_bad_bom_flag_is_400_naming_it(client: TestClient) -> None:
    r = client.get("/export/targets.csv", params={"bom": "maybe"})
    assert r.status_code == 400 and r.json()["error"] == "bom: true or false, not 'maybe'"


def test_docs_define_every_column() -> None:
    text = (REPO / "docs" / "exports.md").read_text(encoding="utf-8")
    table = text[text.index("## Columns") :]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    named = [name for row in rows for name in row.split("|")[1].replace("`", "").split(", ")]
    assert [n.strip() for n in named] == COLUMNS
