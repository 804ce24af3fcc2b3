"""The native bundle loader: every row is loaded or rejected with its reason, never lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.domain import Kind
from graph_service.errors import InputFileError
from graph_service.store.memory import MemoryStore
from loaders.bundle import IdentityResolver, load_bundle


def write(dir_: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    dir_.mkdir(parents=True, exist_ok=True)
    (dir_ / name).write_text(text, encoding=encoding)


@pytest.fixture
def mem(tmp_path: Path) -> MemoryStore:
    return MemoryStore(tmp_path / "data")


COMPANIES = "company_id,name,parent_company_id\nc1,Acme,\nc2,Acme Japan,c1\n"


def test_report_counts_each_file_read_equals_loaded_plus_rejected(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = tmp_path / "b"
    write(b, "companies.csv", COMPANIES)
    write(
        b,
        "people.csv",
        "person_id,company_id,full_name,seniority\n"
        "p1,c1,Ann,vp\np2,c9,Bob,\np3,c2,,staff\np4,c2,Dee,king\n",
    )
    report = load_bundle(b, mem)
    files = {f.file: f for f in report.files}
    assert (files["companies.csv"].read, files["companies.csv"].loaded) == (2, 2)
    people = files["people.csv"]
    # an unknown seniority is a warning, not a reject: p4 loads, keeping 'king' as written
    assert (people.read, people.loaded, people.rejected, people.warned) == (4, 2, 2, 1)
    reasons = {(r.line, r.field): r.reason for r in report.rejects}
    assert reasons == {
        (3, "company_id"): "unknown company id 'c9'",
        (4, "full_name"): "required value is empty",
    }
    assert all(r.file == "people.csv" for r in report.rejects)
    assert [(w.file, w.line, w.field, w.value) for w in report.warnings] == [
        ("people.csv", 5, "seniority", "king")
    ]
    assert mem.existing_ids(Kind.PEOPLE, ["p1", "p2", "p3", "p4"]) == {"p1", "p4"}


def test_missing_required_column_refuses_the_file_and_writes_nothing_of_it(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = tmp_path / "b"
    write(b, "companies.csv", COMPANIES)
    write(b, "people.csv", "person_id,full_name\np1,Ann\n")
    report = load_bundle(b, mem)
    people = next(f for f in report.files if f.file == "people.csv")
    assert people.error == "people.csv: column 'company_id': required column is missing"
    assert people.loaded == 0
    assert not report.ok
    assert "Person" not in mem.stats().nodes


def test_a_child_may_come_before_its_parent_in_the_same_file(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = tmp_path / "b"
    write(b, "companies.csv", "company_id,name,parent_company_id\nkid,Kid,mom\nmom,Mom,\n")
    report = load_bundle(b, mem, batch_size=1)
    assert report.rejects == []
    view = mem.account("kid")
    assert view is not None and view.parent is not None and view.parent.name == "Mom"


def test_references_resolve_against_what_the_store_already_holds(
    tmp_path: Path, mem: MemoryStore
) -> None:
    write(tmp_path / "one", "companies.csv", COMPANIES)
    load_bundle(tmp_path / "one", mem)
    write(tmp_path / "two", "people.csv", "person_id,company_id,full_name\np1,c2,Ann\n")
    report = load_bundle(tmp_path / "two", mem)
    assert report.rejects == [] and report.files[0].loaded == 1


def test_line_numbers_count_physical_lines_of_multiline_cells(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = tmp_path / "b"
    write(
        b, "companies.csv", 'company_id,name,industry\nc1,"Acme\nHoldings",x\nc2,Beta,y\n,NoId,z\n'
    )
    report = load_bundle(b, mem)
    assert [(r.line, r.field) for r in report.rejects] == [(5, "company_id")]


def test_a_row_with_more_cells_than_the_header_is_rejected(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = tmp_path / "b"
    write(b, "companies.csv", "company_id,name\nc1,Acme,extra\n")
    report = load_bundle(b, mem)
    assert [r.reason for r in report.rejects] == ["more cells than the header has columns"]


def test_utf8_with_bom_and_extra_columns_are_accepted(tmp_path: Path, mem: MemoryStore) -> None:
    b = tmp_path / "b"
    write(
        b,
        "companies.csv",
        "company_id,name,favourite_colour\nc1,株式会社テスト,blue\n",
        encoding="utf-8-sig",
    )
    report = load_bundle(b, mem)
    assert report.files[0].loaded == 1
    assert report.files[0].extra_columns == ["favourite_colour"]
    view = mem.account("c1")
    assert view is not None and view.company.name == "株式会社テスト"


def test_a_file_that_is_not_utf8_is_reported_not_raised(tmp_path: Path, mem: MemoryStore) -> None:
    b = tmp_path / "b"
    write(b, "companies.csv", "company_id,name\nc1,株式会社テスト\n", encoding="cp932")
    report = load_bundle(b, mem)
    assert report.files[0].error is not None and "not UTF-8" in report.files[0].error


def test_loading_a_directory_that_does_not_exist_names_it(tmp_path: Path, mem: MemoryStore) -> None:
    with pytest.raises(InputFileError, match="nowhere: not a directory"):
        load_bundle(tmp_path / "nowhere", mem)


def test_the_reject_report_is_a_csv_with_file_line_field_value_reason(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = tmp_path / "b"
    write(b, "companies.csv", "company_id,name,employees\nc1,Acme,many\n")
    report = load_bundle(b, mem)
    path = report.write_rejects(tmp_path / "rejects.csv")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "file,line,field,value,reason",
        "companies.csv,2,employees,many,not a whole number: 'many'",
    ]


cell = st.one_of(
    st.sampled_from(["", "c1", "c2", "x", "1,000", "2026-13-01", "ok"]),
    st.text(alphabet='abc,"\n 株', max_size=6),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(cell, cell, cell), max_size=15))
def test_no_row_is_ever_lost(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]]
) -> None:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["company_id", "name", "employees"])
    w.writerows(rows)
    base = tmp_path_factory.mktemp("prop")
    write(base / "b", "companies.csv", buf.getvalue())
    store = MemoryStore(base / "data")
    try:
        report = load_bundle(base / "b", store)
        f = report.files[0]
        assert f.error is None
        assert f.read == len(rows)
        assert f.read == f.loaded + f.rejected
        assert len(report.rejects) == f.rejected
        loaded_ids = {r[0].strip() for r in rows} - {""}
        assert set(store.existing_ids(Kind.COMPANIES, loaded_ids)) <= loaded_ids
    finally:
        store.close()


def test_a_row_referring_to_a_company_rejected_earlier_in_the_load_is_rejected_too(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = tmp_path / "b"
    write(b, "companies.csv", "company_id,name,parent_company_id\nc1,Acme,nowhere\nc2,Beta,\n")
    write(b, "people.csv", "person_id,company_id,full_name\np1,c1,Ann\np2,c2,Bob\n")
    report = load_bundle(b, mem)
    assert [(r.file, r.line, r.field) for r in report.rejects] == [
        ("companies.csv", 2, "parent_company_id"),
        ("people.csv", 2, "company_id"),
    ]
    assert mem.existing_ids(Kind.PEOPLE, ["p1", "p2"]) == {"p2"}


def test_a_rejected_row_lists_every_bad_field_not_only_the_first(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = tmp_path / "b"
    write(b, "companies.csv", COMPANIES)
    write(
        b,
        "people.csv",
        "person_id,company_id,full_name,bu_id,left_at,reports_to\n"
        "p1,c9,,bu9,31/12/2025,p8\np2,c1,Ann,,,\n",
    )
    report = load_bundle(b, mem)
    people = next(f for f in report.files if f.file == "people.csv")
    assert (people.read, people.loaded, people.rejected) == (2, 1, 1)
    (reject,) = report.rejects
    assert [(field, value) for field, value, _ in reject.problems] == [
        ("company_id", "c9"),
        ("full_name", ""),
        ("bu_id", "bu9"),
        ("reports_to", "p8"),
        ("left_at", "31/12/2025"),
    ]
    lines = report.write_rejects(tmp_path / "rejects.csv").read_text().splitlines()
    assert lines[1:] == [
        "people.csv,2,company_id,c9,unknown company id 'c9'",
        "people.csv,2,full_name,,required value is empty",
        "people.csv,2,bu_id,bu9,unknown business unit id 'bu9'",
        "people.csv,2,reports_to,p8,unknown person id 'p8'",
        "people.csv,2,left_at,31/12/2025,not a date: '31/12/2025' (use YYYY-MM-DD)",
    ]


def test_a_second_row_with_the_same_id_is_a_warning_naming_both_lines(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = tmp_path / "b"
    write(b, "companies.csv", "company_id,name\nc1,Acme\nc2,Beta\nc1,Acme Holdings\nc1,Acme KK\n")
    write(b, "business_units.csv", "bu_id,company_id,name\nbu1,c1,Sales\n")
    write(b, "people.csv", "person_id,company_id,full_name\np1,c1,Ann\n")
    write(b, "buying_roles.csv", "person_id,role,bu_id\np1,decider,bu1\np1,Decider,bu1\n")
    report = load_bundle(b, mem, resolver=IdentityResolver())
    files = {f.file: f for f in report.files}
    assert (files["companies.csv"].loaded, files["companies.csv"].warned) == (4, 2)
    assert [(w.file, w.line, w.field, w.value, w.reason) for w in report.warnings] == [
        (
            "companies.csv",
            4,
            "company_id",
            "c1",
            "line 2 has the same company_id: this row supersedes line 2",
        ),
        (
            "companies.csv",
            5,
            "company_id",
            "c1",
            "line 4 has the same company_id: this row supersedes line 4",
        ),
        (
            "buying_roles.csv",
            3,
            "",
            "p1|decider|bu1",
            "line 2 has the same identity: this row supersedes line 2",
        ),
    ]
    view = mem.account("c1")
    assert view is not None and view.company.name == "Acme KK"
    assert load_bundle(b, mem, resolver=IdentityResolver()).warnings == report.warnings
