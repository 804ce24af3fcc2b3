"""The demo bundle's files are the bundle format, whole: every kind, every column, in order.

The CSV files in ``graph_service/demo_bundle/`` are edited directly; these tests keep them in the
loader's format, and ``tests/test_demo_story.py`` keeps them telling the story.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest

from graph_service.demo import DEMO_AS_OF, DEMO_BUNDLE
from graph_service.domain import Kind
from loaders.normalize import valid_corporate_number
from loaders.tables import COLUMNS


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_the_demo_has_a_file_for_every_kind_and_no_other() -> None:
    files = sorted(p.name for p in DEMO_BUNDLE.iterdir())
    assert files == sorted(f"{kind.value}.csv" for kind in Kind)


@pytest.mark.parametrize("kind", list(Kind), ids=lambda kind: kind.value)
def test_each_file_has_the_loaders_columns_in_the_loaders_order(kind: Kind) -> None:
    header = read(DEMO_BUNDLE / f"{kind.value}.csv")[0]
    # retired_at is left out: nothing in the demo was deleted at its source.
    assert header == [column.name for column in COLUMNS[kind] if column.name != "retired_at"]


@pytest.mark.parametrize("kind", list(Kind), ids=lambda kind: kind.value)
def test_each_file_is_plain_utf8_with_lf_line_ends_and_full_rows(kind: Kind) -> None:
    path = DEMO_BUNDLE / f"{kind.value}.csv"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    header, *rows = read(path)
    assert rows and all(len(row) == len(header) for row in rows)


def test_the_demo_date_is_the_day_of_the_last_touch() -> None:
    header, *rows = read(DEMO_BUNDLE / "touches.csv")
    at = header.index("occurred_at")
    assert max(datetime.fromisoformat(row[at]).date() for row in rows) == DEMO_AS_OF


def test_business_unit_references_stay_inside_the_rows_company() -> None:
    """The loader checks only that a unit exists; the demo also keeps it at the right company."""

    def table(kind: Kind) -> list[dict[str, str]]:
        with (DEMO_BUNDLE / f"{kind.value}.csv").open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    company_of_unit = {r["bu_id"]: r["company_id"] for r in table(Kind.BUSINESS_UNITS)}
    company_of_person = {r["person_id"]: r["company_id"] for r in table(Kind.PEOPLE)}
    for r in table(Kind.BUSINESS_UNITS):
        assert not r["parent_bu_id"] or company_of_unit[r["parent_bu_id"]] == r["company_id"]
    for kind in (Kind.PEOPLE, Kind.DEALS, Kind.WALLET):
        for r in table(kind):
            assert not r["bu_id"] or company_of_unit[r["bu_id"]] == r["company_id"], r
    for r in table(Kind.BUYING_ROLES):
        company = company_of_person[r["person_id"]]
        assert not r["bu_id"] or company_of_unit[r["bu_id"]] == company, r


def test_the_japanese_companies_carry_a_valid_corporate_number() -> None:
    header, *rows = read(DEMO_BUNDLE / "companies.csv")
    country, number = header.index("country"), header.index("corporate_number")
    assert {row[country] for row in rows if row[number]} == {"JP"}
    assert all(valid_corporate_number(row[number]) for row in rows if row[country] == "JP")
