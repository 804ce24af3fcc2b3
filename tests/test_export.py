"""Target-list exports: CSV, XLSX (frozen header, numbers as numbers) and Parquet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from graph_service.demo import DEMO_BUNDLE
from graph_service.export import COLUMNS, NUMBER_COLUMNS
from tests.test_cli import abmgraph


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("data")
    abmgraph("load", "bundle", str(DEMO_BUNDLE), data_dir=data)
    return data


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
