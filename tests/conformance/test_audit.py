"""The audit trail, identical on both stores: filtered and paged newest first, never touched by
merges or retirements, kept across a restart, and one record per batch a load writes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from graph_service.audit import AuditFilter, AuditRecord, loader_actor
from graph_service.domain import Company, Kind, Person
from graph_service.store.base import Store
from loaders.bundle import IdentityResolver, load_bundle
from tests.conformance.test_writes import reopened
from tests.fixtures import ACME, load


def at(hour: int) -> datetime:
    return datetime(2026, 11, 2, hour, 0, tzinfo=UTC)


def entry(
    audit_id: str, hour: int, actor: str, operation: str, accounts: tuple[str, ...]
) -> AuditRecord:
    kind = "loader" if actor == "ops" else "member"
    return AuditRecord(
        audit_id, at(hour), actor, kind, operation, Kind.COMPANIES, (), accounts, "{}"
    )


#: Five writes: a3 and a4 share a time (the id breaks the tie, descending).
TRAIL = [
    entry("a1", 9, "m2", "logTouch", ("c1",)),
    entry("a2", 10, "m1", "upsertPerson", ("c2",)),
    entry("a3", 11, "m2", "upsertPerson", ("c1", "c2")),
    entry("a4", 11, "ops", "load", ("c1",)),
    entry("a5", 12, "m2", "logTouch", ("c2",)),
]


@pytest.fixture
def audited(store: Store) -> Store:
    """ACME, then each record of TRAIL written with a rewrite of Beta Ltd (c3)."""
    load(store)
    for record in TRAIL:
        store.upsert(Kind.COMPANIES, [ACME[Kind.COMPANIES][2]], audit=record)
    return store


def ids(store: Store, where: AuditFilter, first: int = 10, after: str | None = None) -> list[str]:
    return [r.id for r in store.audit_log(where, first=first, after=after).records]


def test_the_trail_is_newest_first_with_ties_by_id(audited: Store) -> None:
    page = audited.audit_log(AuditFilter(), first=10, after=None)
    assert [r.id for r in page.records] == ["a5", "a4", "a3", "a2", "a1"]
    assert (page.total, page.has_next) == (5, False)


def test_records_read_back_as_written(audited: Store) -> None:
    page = audited.audit_log(AuditFilter(), first=10, after=None)
    assert sorted(page.records, key=lambda r: r.id) == TRAIL


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (AuditFilter(member_id="m2"), ["a5", "a3", "a1"]),
        (AuditFilter(account_id="c1"), ["a4", "a3", "a1"]),
        (AuditFilter(operation="upsertPerson"), ["a3", "a2"]),
        (AuditFilter(since=at(10), until=at(12)), ["a4", "a3", "a2"]),
        (AuditFilter(since=at(12)), ["a5"]),
        (AuditFilter(member_id="m2", account_id="c2"), ["a5", "a3"]),
        (AuditFilter(member_id="nobody"), []),
    ],
    ids=["member", "account", "operation", "time range", "since", "member and account", "none"],
)
def test_filters(audited: Store, where: AuditFilter, expected: list[str]) -> None:
    page = audited.audit_log(where, first=10, after=None)
    assert [r.id for r in page.records] == expected
    assert page.total == len(expected)


def test_pages_follow_the_last_record_of_the_previous_page(audited: Store) -> None:
    first = audited.audit_log(AuditFilter(), first=2, after=None)
    assert ([r.id for r in first.records], first.has_next, first.total) == (["a5", "a4"], True, 5)
    second = audited.audit_log(AuditFilter(), first=2, after="a4")
    assert ([r.id for r in second.records], second.has_next) == (["a3", "a2"], True)
    last = audited.audit_log(AuditFilter(), first=2, after="a2")
    assert ([r.id for r in last.records], last.has_next, last.total) == (["a1"], False, 5)


def test_pages_of_a_filter(audited: Store) -> None:
    where = AuditFilter(member_id="m2")
    assert ids(audited, where, first=1) == ["a5"]
    assert ids(audited, where, first=1, after="a5") == ["a3"]
    # The cursor need not match the filter: a4 is not m2's, a3 is the next of m2's after it.
    assert ids(audited, where, first=5, after="a4") == ["a3", "a1"]


def test_paging_after_an_unknown_record_is_refused(audited: Store) -> None:
    with pytest.raises(ValueError, match="no audit record"):
        audited.audit_log(AuditFilter(), first=2, after="a9")


def test_a_merge_writes_its_audit_record_and_leaves_the_others(audited: Store) -> None:
    audited.upsert(Kind.PEOPLE, [Person(id="p5", company_id="c1", full_name="Bob Roy")])
    merge = entry("a6", 13, "ops", "merge", ("c1",))
    audited.merge_into(Kind.PEOPLE, "p2", ["p5"], audit=merge)
    audited.merge_into(Kind.COMPANIES, "c1", ["c3"], audit=entry("a7", 14, "ops", "merge", ()))
    page = audited.audit_log(AuditFilter(), first=10, after=None)
    assert [r.id for r in page.records] == ["a7", "a6", "a5", "a4", "a3", "a2", "a1"]
    assert sorted(page.records, key=lambda r: r.id)[:6] == [*TRAIL, merge]


def test_a_merge_of_nothing_writes_no_audit_record(audited: Store) -> None:
    audited.merge_into(Kind.PEOPLE, "p2", ["p2"], audit=entry("a6", 13, "ops", "merge", ()))
    assert audited.audit_log(AuditFilter(), first=10, after=None).total == 5


def test_a_retirement_writes_what_it_retired_and_leaves_the_others(audited: Store) -> None:
    audited.upsert(Kind.COMPANIES, ACME[Kind.COMPANIES], source="crm")
    retire = entry("a6", 13, "ops", "retire", ())
    on = date(2026, 11, 3)
    assert audited.retire(Kind.COMPANIES, "crm", {"c2"}, on, audit=retire) == 2
    again = entry("a7", 14, "ops", "retire", ())
    assert audited.retire(Kind.COMPANIES, "crm", {"c2"}, on, audit=again) == 0
    page = audited.audit_log(AuditFilter(operation="retire"), first=10, after=None)
    (written,) = page.records
    assert written.entity_ids == ("c1", "c3")
    assert written.change_map == {
        "c1": {"retired_at": [None, "2026-11-03"]},
        "c3": {"retired_at": [None, "2026-11-03"]},
    }
    everything = audited.audit_log(AuditFilter(), first=10, after=None).records
    assert sorted(everything, key=lambda r: r.id) == [*TRAIL, written]


def test_a_retirement_that_retires_nothing_writes_no_audit_record(audited: Store) -> None:
    retire = entry("a6", 13, "ops", "retire", ())
    assert audited.retire(Kind.COMPANIES, "crm", set(), date(2026, 11, 3), audit=retire) == 0
    assert audited.audit_log(AuditFilter(), first=10, after=None).total == 5


def test_the_trail_survives_closing_and_reopening_the_store(audited: Store) -> None:
    again = reopened(audited)
    try:
        page = again.audit_log(AuditFilter(), first=10, after=None)
        assert [r.id for r in page.records] == ["a5", "a4", "a3", "a2", "a1"]
        assert sorted(page.records, key=lambda r: r.id) == TRAIL
    finally:
        again.close()


def a_bundle(tmp_path: Path, companies: list[Company]) -> Path:
    folder = tmp_path / "bundle"
    folder.mkdir(exist_ok=True)
    lines = ["company_id,name", *(f"{c.id},{c.name}" for c in companies)]
    (folder / "companies.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


THREE = [Company(id="c1", name="Acme"), Company(id="c2", name="Beta"), Company(id="c3", name="Gam")]


def test_a_load_writes_one_audit_record_per_batch(store: Store, tmp_path: Path) -> None:
    bundle = a_bundle(tmp_path, THREE)
    load_bundle(bundle, store, batch_size=2, resolver=IdentityResolver())
    page = store.audit_log(AuditFilter(operation="load"), first=10, after=None)
    assert page.total == 2
    batches = sorted(page.records, key=lambda r: r.entity_ids)
    assert [b.entity_ids for b in batches] == [("c1", "c2"), ("c3",)]
    assert [json.loads(b.changes) for b in batches] == [
        {"rows": 2, "source": "bundle"},
        {"rows": 1, "source": "bundle"},
    ]
    assert {(b.actor, b.actor_kind, b.kind) for b in batches} == {
        (loader_actor(), "loader", Kind.COMPANIES)
    }
    assert [b.account_ids for b in batches] == [("c1", "c2"), ("c3",)]


def test_loading_again_leaves_the_graph_and_adds_to_the_trail(store: Store, tmp_path: Path) -> None:
    bundle = a_bundle(tmp_path, THREE)
    load_bundle(bundle, store, batch_size=2, resolver=IdentityResolver())
    stats = store.stats()
    load_bundle(bundle, store, batch_size=2, resolver=IdentityResolver())
    assert store.stats() == stats
    assert store.audit_log(AuditFilter(operation="load"), first=10, after=None).total == 4


def test_a_snapshot_load_audits_what_it_retires(store: Store, tmp_path: Path) -> None:
    load_bundle(a_bundle(tmp_path, THREE), store, resolver=IdentityResolver())
    load_bundle(
        a_bundle(tmp_path, THREE[:2]),
        store,
        resolver=IdentityResolver(),
        snapshot=True,
        load_date=date(2026, 11, 3),
    )
    (retired,) = store.audit_log(AuditFilter(operation="retire"), first=10, after=None).records
    assert (retired.entity_ids, retired.actor_kind) == (("c3",), "loader")
