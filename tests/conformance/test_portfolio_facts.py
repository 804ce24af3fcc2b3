"""Per-account rollups: computed in Cypher on Neo4j and in Python on the embedded store, equal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from graph_service.domain import Role
from graph_service.store import neo4j as neo4j_module
from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from tests.conftest import DEMO_BUNDLE, neo4j_store
from tests.fixtures import load

AS_OF = date(2026, 11, 1)


def facts(store: Store, as_of: date = AS_OF) -> dict[str, object]:
    return {
        f.company.id: f.normalized()
        for f in store.portfolio_facts(as_of, engagement_days=90, spend_window_days=365)
    }


def test_rollup_of_the_hand_made_account(store: Store) -> None:
    load(store)
    acme = store.portfolio_facts(AS_OF, engagement_days=90, spend_window_days=365)[0]
    assert acme.company.id == "c1"
    assert acme.owner_ids == ["m2"]
    # d2 (won, 12,000, closed 2026-03-31) is in the 365-day window; d1 is open.
    assert (acme.won_window_spend, acme.won_window_count) == (12000.0, 1)
    assert (acme.won_all_spend, acme.won_all_count, acme.last_won) == (
        12000.0,
        1,
        date(2026, 3, 31),
    )
    assert acme.open_deals == 1
    assert acme.spend_by_category == {"": 12000.0}
    # t1 on 2026-10-01 is recent (90 days to Nov 1); t2 on 2026-02-01 is older than 180 days.
    assert (acme.touches_recent, acme.touches_prior) == (1, 0)
    engaged = {(r.role, r.person_id): r.engaged for r in acme.roles}
    assert engaged == {
        (Role.DECIDER, "p1"): False,
        (Role.CHAMPION, "p2"): True,
        (Role.INFLUENCER, "p2"): True,
    }
    assert acme.next_action is not None and acme.next_action.id == "a1"
    assert len(acme.wallet) == 2


def test_rollup_ignores_what_happens_after_the_as_of_date(store: Store) -> None:
    load(store)
    early = store.portfolio_facts(date(2025, 12, 31), engagement_days=90, spend_window_days=365)[0]
    assert (early.won_all_count, early.touches_recent, early.open_deals) == (0, 0, 0)
    assert early.wallet == []  # both estimates are dated later


@pytest.mark.neo4j
def test_both_stores_roll_up_the_demo_portfolio_identically(tmp_path: Path, neo4j_uri: str) -> None:
    memory = MemoryStore(tmp_path / "data")
    neo = neo4j_store(neo4j_uri)
    try:
        for s in (memory, neo):
            load_bundle(DEMO_BUNDLE, s)
        for as_of in (date(2026, 11, 20), date(2025, 12, 31)):
            assert facts(memory, as_of) == facts(neo, as_of)
    finally:
        memory.close()
        neo.close()


@pytest.mark.neo4j
def test_a_rollup_in_chunks_side_by_side_equals_the_embedded_one(
    tmp_path: Path, neo4j_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of 1 company, 3 at a time: same rows, same order as one pass in Python."""
    monkeypatch.setattr(neo4j_module, "ROLLUP_CHUNK", 1)
    memory = MemoryStore(tmp_path / "data")
    neo = neo4j_store(neo4j_uri)
    neo.rollup_workers = 3
    try:
        for s in (memory, neo):
            load_bundle(DEMO_BUNDLE, s)
        chunked = neo.portfolio_facts(AS_OF, engagement_days=90, spend_window_days=365)
        assert len(chunked) > 3  # more chunks than workers
        assert [f.company.id for f in chunked] == sorted(f.company.id for f in chunked)
        assert facts(memory) == facts(neo)
    finally:
        memory.close()
        neo.close()


@pytest.mark.neo4j
def test_touches_written_before_the_stored_day_still_count(neo4j_uri: str) -> None:
    """A touch without the stored ``day`` (written by hand, or by an older writer) counts by
    its timestamp's local day."""
    neo = neo4j_store(neo4j_uri)
    try:
        load(neo)
        before = facts(neo)
        with neo._driver.session(database=neo.database) as session:
            session.run("MATCH (t:Touch) REMOVE t.day").consume()
        assert facts(neo) == before
    finally:
        neo.close()
