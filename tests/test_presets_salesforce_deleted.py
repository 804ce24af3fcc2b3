"""Salesforce rows with ``IsDeleted = true`` load retired (dated by their ``SystemModstamp``,
else the load date), in any load; a Salesforce snapshot retires what the export no longer has."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from graph_service.errors import NotFoundError
from graph_service.store.family import account_view
from graph_service.store.memory import MemoryStore
from loaders.presets import load_preset

SALESFORCE = Path(__file__).resolve().parent / "data" / "salesforce"
LOAD_DAY = date(2024, 7, 1)
ACCOUNT = "001A00000000001"
DELETED_CONTACT = "003C00000000002"
DELETED_DEAL = "006O00000000002"


def edit(path: Path, change: dict[str, dict[str, str]]) -> None:
    """Add the columns of ``change`` (id -> {column: value}) to a CSV file, in its encoding."""
    raw = path.read_bytes()
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp932"), "cp932"
    rows = list(csv.DictReader(io.StringIO(text)))
    columns = list(rows[0]) + sorted({c for v in change.values() for c in v} - set(rows[0]))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**{c: "" for c in columns}, **row, **change.get(row["Id"], {})})
    path.write_bytes(out.getvalue().encode(encoding))


@pytest.fixture
def export(tmp_path: Path) -> Path:
    out = tmp_path / "export"
    shutil.copytree(SALESFORCE, out)
    edit(
        out / "Contact.csv",
        {DELETED_CONTACT: {"IsDeleted": "true", "SystemModstamp": "2024-06-01T09:00:00.000+0000"}},
    )
    edit(out / "Opportunity.csv", {DELETED_DEAL: {"IsDeleted": "1"}})
    return out


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MemoryStore]:
    s = MemoryStore(tmp_path / "data")
    yield s
    s.close()


def test_deleted_rows_load_retired_without_a_snapshot(export: Path, store: MemoryStore) -> None:
    report = load_preset("salesforce", export, store, load_date=LOAD_DAY)
    by_file = {f.file: f for f in report.files}
    assert (by_file["Contact.csv"].deleted, by_file["Opportunity.csv"].deleted) == (1, 1)
    assert all(f.read == f.loaded + f.rejected for f in report.files)
    assert all(f.retired == 0 for f in report.files)
    view = store.account(ACCOUNT)
    assert view is not None
    people = {p.id: p for p in view.people}
    assert people[DELETED_CONTACT].retired_at == date(2024, 6, 1)  # its SystemModstamp
    assert {d.id: d for d in view.deals}[DELETED_DEAL].retired_at == LOAD_DAY  # no stamp
    assert sum(p.retired_at is not None for p in view.people) == 1
    before = account_view(store, ACCOUNT, date(2024, 5, 31))
    after = account_view(store, ACCOUNT, date(2024, 6, 1))
    assert DELETED_CONTACT in {p.id for p in before.people}
    assert DELETED_CONTACT not in {p.id for p in after.people}
    assert DELETED_DEAL not in {d.id for d in account_view(store, ACCOUNT, LOAD_DAY).deals}

    # Loading the same export again on a later day keeps the stamped date.
    load_preset("salesforce", export, store, load_date=date(2024, 8, 1))
    view = store.account(ACCOUNT)
    assert view is not None
    assert {p.id: p for p in view.people}[DELETED_CONTACT].retired_at == date(2024, 6, 1)


def test_a_salesforce_snapshot_retires_a_missing_account(export: Path, store: MemoryStore) -> None:
    load_preset("salesforce", SALESFORCE, store, load_date=date(2024, 6, 1))
    accounts = export / "Account.csv"
    lines = accounts.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    gone = next(line for line in lines if line.startswith("001A00000000002,"))
    accounts.write_text("".join(line for line in lines if line != gone), encoding="utf-8")
    report = load_preset("salesforce", export, store, snapshot=True, load_date=LOAD_DAY)
    assert report.record_source == "salesforce"
    by_file = {f.file: f for f in report.files}
    assert by_file["Account.csv"].retired == 1
    # The deleted contact and deal are in the export (marked deleted): retired by the mark,
    # not counted as missing.
    assert by_file["Contact.csv"].retired == 0 and by_file["Contact.csv"].deleted == 1
    view = store.account(ACCOUNT)
    assert view is not None and view.company.retired_at is None
    with pytest.raises(NotFoundError):
        account_view(store, "001A00000000002", LOAD_DAY)
    assert account_view(store, "001A00000000002", date(2024, 6, 30)).company.retired_at == LOAD_DAY
