"""A cycle in business-unit parents or reports-to lines is rejected at load, at the row that
closes it, whether it forms within one file or with records already in the store."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.store.family import family_views
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from viz.org_map import build_org_map

COMPANIES = "company_id,name\nc1,Acme\n"


def write(dir_: Path, files: dict[str, str]) -> Path:
    dir_.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (dir_ / name).write_text(text, encoding="utf-8")
    return dir_


def test_a_unit_cycle_within_one_file_rejects_the_row_that_closes_it(tmp_path: Path) -> None:
    units = (
        "bu_id,company_id,name,parent_bu_id\n"
        "bu1,c1,Sales,bu3\n"  # refers forward: checked when bu3's row comes
        "bu2,c1,East,bu1\n"
        "bu3,c1,Tokyo,bu2\n"  # closes bu3 → bu2 → bu1 → bu3
        "bu4,c1,Ops,\n"
    )
    store = MemoryStore(tmp_path / "data")
    bundle = write(tmp_path / "b", {"companies.csv": COMPANIES, "business_units.csv": units})
    report = load_bundle(bundle, store)
    assert [(r.file, r.line, r.field, r.value) for r in report.rejects] == [
        ("business_units.csv", 4, "parent_bu_id", "bu2")
    ]
    assert "cycle" in report.rejects[0].reason
    assert "bu3 → bu2 → bu1 → bu3" in report.rejects[0].reason
    units_file = next(f for f in report.files if f.file == "business_units.csv")
    assert (units_file.read, units_file.loaded, units_file.rejected) == (4, 3, 1)
    # The org map draws what loaded (it used to recurse forever over a cycle).
    build_org_map(family_views(store, "c1"), date(2026, 11, 1))


def test_a_self_parent_and_a_self_manager_are_cycles(tmp_path: Path) -> None:
    files = {
        "companies.csv": COMPANIES,
        "business_units.csv": "bu_id,company_id,name,parent_bu_id\nbu1,c1,Sales,bu1\n",
        "people.csv": "person_id,company_id,full_name,reports_to\np1,c1,Ann,p1\n",
    }
    report = load_bundle(write(tmp_path / "b", files), MemoryStore(tmp_path / "data"))
    assert {(r.file, r.line, r.field) for r in report.rejects} == {
        ("business_units.csv", 2, "parent_bu_id"),
        ("people.csv", 2, "reports_to"),
    }


def test_a_reports_to_cycle_with_the_store_is_rejected(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "data")
    first = {
        "companies.csv": COMPANIES,
        "people.csv": "person_id,company_id,full_name,reports_to\n"
        "p1,c1,Ann,\np2,c1,Bob,p1\np3,c1,Cy,p2\n",
    }
    assert load_bundle(write(tmp_path / "b1", first), store).rejects == []
    # Ann now reports to Cy, who reports (in the store) to Bob, who reports to Ann.
    second = {"people.csv": "person_id,company_id,full_name,reports_to\np1,c1,Ann,p3\n"}
    report = load_bundle(write(tmp_path / "b2", second), store)
    assert [(r.file, r.line, r.field, r.value) for r in report.rejects] == [
        ("people.csv", 2, "reports_to", "p3")
    ]
    assert "p1 → p3 → p2 → p1" in report.rejects[0].reason
    view = store.account("c1")
    assert view is not None
    assert {p.id: p.reports_to for p in view.people} == {"p1": None, "p2": "p1", "p3": "p2"}
    # A row that moves the line instead is no cycle: Bob now reports to nobody, Ann to Cy.
    third = {"people.csv": "person_id,company_id,full_name,reports_to\np2,c1,Bob,\np1,c1,Ann,p3\n"}
    assert load_bundle(write(tmp_path / "b3", third), store).rejects == []


def test_a_unit_cycle_with_the_store_is_rejected(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "data")
    first = {
        "companies.csv": COMPANIES,
        "business_units.csv": (
            "bu_id,company_id,name,parent_bu_id\nbu1,c1,Sales,\nbu2,c1,East,bu1\n"
        ),
    }
    assert load_bundle(write(tmp_path / "b1", first), store).rejects == []
    second = {"business_units.csv": "bu_id,company_id,name,parent_bu_id\nbu1,c1,Sales,bu2\n"}
    report = load_bundle(write(tmp_path / "b2", second), store)
    assert [(r.line, r.field, r.value) for r in report.rejects] == [(2, "parent_bu_id", "bu2")]


@settings(max_examples=30, deadline=None)
@given(parents=st.lists(st.one_of(st.none(), st.integers(0, 7)), min_size=1, max_size=8))
def test_whatever_the_lines_what_loads_has_no_cycle(parents: list[int | None]) -> None:
    rows = "".join(
        f"p{i},c1,Person {i},{'' if p is None else f'p{p % len(parents)}'}\n"
        for i, p in enumerate(parents)
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = MemoryStore(Path(tmp) / "data")
        files = {
            "companies.csv": COMPANIES,
            "people.csv": "person_id,company_id,full_name,reports_to\n" + rows,
        }
        report = load_bundle(write(Path(tmp) / "b", files), store)
        people = next(f for f in report.files if f.file == "people.csv")
        assert people.read == people.loaded + people.rejected == len(parents)
        assert all(r.field == "reports_to" for r in report.rejects)
        view = store.account("c1")
        links = {p.id: p.reports_to for p in view.people} if view is not None else {}
        for start in links:
            seen: set[str] = set()
            current: str | None = start
            while current is not None:
                assert current not in seen, f"cycle through {current}"
                seen.add(current)
                current = links.get(current)
