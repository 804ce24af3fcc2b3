"""Rows that say their record was deleted at the source (the bundle's ``retired_at``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle


def test_a_deleted_duplicate_does_not_retire_the_record_it_merges_into(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "companies.csv").write_text(
        "company_id,name,domain,retired_at\n"
        "c1,Acme Corp,acme.com,\n"
        "c2,Acme Corp,acme.com,2026-01-01\n",
        encoding="utf-8",
    )
    store = MemoryStore(tmp_path / "data")
    try:
        report = load_bundle(bundle, store)
        assert [(m.kept_id, m.merged_ids) for m in report.merges] == [("c1", ("c2",))]
        view = store.account("c1")
        assert view is not None and view.company.retired_at is None
    finally:
        store.close()


def test_a_row_with_retired_at_loads_its_record_retired(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "companies.csv").write_text(
        "company_id,name,retired_at\nc1,Acme,\nc2,Beta,2026-01-01\n", encoding="utf-8"
    )
    store = MemoryStore(tmp_path / "data")
    try:
        report = load_bundle(bundle, store)
        (companies,) = report.files
        assert (companies.loaded, companies.deleted, companies.retired) == (2, 1, 0)
        view = store.account("c2")
        assert view is not None and view.company.retired_at == date(2026, 1, 1)
    finally:
        store.close()
