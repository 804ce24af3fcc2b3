"""Entity resolution through the loader gives the same graph on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_service.domain import AccountFilter, Kind
from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from loaders.resolve import EntityResolver, Overrides
from tests.conftest import neo4j_store
from tests.resolution_fixtures import PLANTED, write_bundle

ALWAYS_P1_P6 = Overrides.from_dict({"always_merge": [["p1", "p6"]]})


def merged(store: Store, path: Path, overrides: Overrides | None = None) -> set[tuple[str, ...]]:
    report = load_bundle(path, store, resolver=EntityResolver(store, overrides), batch_size=3)
    return {(m.kind, m.kept_id, i, m.rule) for m in report.merges for i in m.merged_ids}


def test_planted_duplicates_merge_and_their_touches_and_roles_land_on_the_survivor(
    store: Store, tmp_path: Path
) -> None:
    assert merged(store, write_bundle(tmp_path / "b")) == PLANTED
    nodes = store.stats().nodes
    assert (nodes["Company"], nodes["Person"]) == (5, 5)
    view = store.account("c1")
    assert view is not None
    assert sorted((t.id, t.person_id) for t in view.touches) == [
        ("t1", "p1"),
        ("t2", "p1"),
        ("t3", "p6"),
    ]
    assert sorted((r.person_id, r.role.value) for r in view.buying_roles) == [
        ("p1", "champion"),
        ("p1", "decider"),
        ("p6", "user"),
    ]
    assert [(d.id, d.company_id) for d in view.deals] == [("d1", "c1")]


def test_an_override_on_the_next_load_moves_the_stored_duplicate_onto_the_survivor(
    store: Store, tmp_path: Path
) -> None:
    bundle = write_bundle(tmp_path / "b")
    merged(store, bundle)
    before = store.stats()
    assert merged(store, bundle, ALWAYS_P1_P6) == PLANTED | {("people", "p1", "p6", "always_merge")}
    assert store.existing_ids(Kind.PEOPLE, ["p1", "p6"]) == {"p1"}
    view = store.account("c1")
    assert view is not None
    assert [p.id for p in view.people] == ["p1"]
    assert sorted((t.id, t.person_id) for t in view.touches)[-1] == ("t3", "p1")
    assert sorted((r.person_id, r.role.value) for r in view.buying_roles) == [
        ("p1", "champion"),
        ("p1", "decider"),
        ("p1", "user"),
    ]
    after = store.stats()
    assert after.nodes["Person"] == before.nodes["Person"] - 1
    assert after.relationships["WITH"] == before.relationships["WITH"]
    assert after.relationships["HAS_ROLE"] == before.relationships["HAS_ROLE"]


def test_reloading_with_resolution_changes_nothing(store: Store, tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    merged(store, bundle, ALWAYS_P1_P6)
    before = store.stats()
    assert merged(store, bundle, ALWAYS_P1_P6) == PLANTED | {("people", "p1", "p6", "always_merge")}
    assert store.stats() == before


@pytest.mark.neo4j
def test_both_stores_resolve_to_identical_account_views(tmp_path: Path, neo4j_uri: str) -> None:
    memory = MemoryStore(tmp_path / "data")
    neo = neo4j_store(neo4j_uri)
    bundle = write_bundle(tmp_path / "b")
    try:
        for s in (memory, neo):
            merged(s, bundle)
            merged(s, bundle, ALWAYS_P1_P6)
        assert memory.stats() == neo.stats()
        for kind in (Kind.COMPANIES, Kind.PEOPLE):
            assert memory.resolution_records(kind) == neo.resolution_records(kind)
        page = memory.accounts(first=100, after=None, where=AccountFilter())
        for company in page.companies:
            a, b = memory.account(company.id), neo.account(company.id)
            assert a is not None and b is not None
            assert a.normalized() == b.normalized(), company.id
    finally:
        memory.close()
        neo.close()
