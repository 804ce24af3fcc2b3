"""Per-account rollups: computed in Cypher on Neo4j and in Python on the embedded store, equal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from graph_service.analytics.currency import rates_for
from graph_service.analytics.engagement import DEFAULT
from graph_service.demo import DEMO_BUNDLE
from graph_service.domain import (
    AccountFacts,
    BusinessUnit,
    Direction,
    Kind,
    Person,
    Role,
    Touch,
    TouchType,
    WalletEstimate,
)
from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from graph_service.store.neo4j import Neo4jStore
from graph_service.store.neo4j.schema import person_summaries_kept
from loaders.bundle import load_bundle
from tests.conftest import neo4j_store
from tests.fixtures import ACME, acme_record, load

AS_OF = date(2026, 11, 1)
WEEKS_2 = timedelta(days=14)


@pytest.fixture
def neo(neo4j_uri: str) -> Iterator[Neo4jStore]:
    """An emptied Neo4j store."""
    store = neo4j_store(neo4j_uri)
    try:
        yield store
    finally:
        store.close()


def rollup(store: Store, as_of: date = AS_OF) -> list[AccountFacts]:
    """The store's rollup, in the data's own reporting currency."""
    return store.portfolio_facts(
        as_of, engagement_days=90, spend_window_days=365, rates=rates_for(store, DEFAULT)
    )


def facts(store: Store, as_of: date = AS_OF) -> dict[str, object]:
    return {f.company.id: f.normalized() for f in rollup(store, as_of)}


def test_rollup_of_the_hand_made_account(store: Store) -> None:
    load(store)
    acme = rollup(store, AS_OF)[0]
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
    # The company-wide estimate, not the sales unit's.
    assert acme.wallet_by_category == {"analytics": 200000.0}


def test_rollup_ignores_what_happens_after_the_as_of_date(store: Store) -> None:
    load(store)
    early = rollup(store, date(2025, 12, 31))[0]
    assert (early.won_all_count, early.touches_recent, early.open_deals) == (0, 0, 0)
    assert early.wallet_by_category == {}  # both estimates are dated later


def test_the_wallet_is_the_latest_estimate_per_unit_and_category(store: Store) -> None:
    """Beta: CRM company-wide 100 then 120 (150 comes after the as-of date); ERP only by
    unit, 30 + 40."""
    load(store)
    store.upsert(
        Kind.BUSINESS_UNITS,
        [BusinessUnit(id=u, company_id="c3", name=u) for u in ("bu-x", "bu-y")],
    )
    estimates = [
        ("crm", 100.0, date(2026, 1, 1), None),
        ("crm", 150.0, date(2026, 12, 1), None),
        ("crm", 120.0, date(2026, 6, 1), None),
        ("erp", 25.0, date(2025, 6, 1), "bu-x"),
        ("erp", 30.0, date(2026, 6, 1), "bu-x"),
        ("erp", 40.0, date(2026, 2, 1), "bu-y"),
    ]
    store.upsert(
        Kind.WALLET,
        [
            WalletEstimate(company_id="c3", category=c, amount=a, as_of=d, bu_id=u)
            for c, a, d, u in estimates
        ],
    )
    beta = next(f for f in rollup(store, AS_OF) if f.company.id == "c3")
    assert beta.wallet_by_category == {"crm": 120.0, "erp": 70.0}


#: Ann (decider) engaged, Bob (champion and influencer) not: t1 moved from Bob to Ann.
ANN_ENGAGED_BOB_NOT = {
    (Role.DECIDER, "p1"): True,
    (Role.CHAMPION, "p2"): False,
    (Role.INFLUENCER, "p2"): False,
}


def _engaged(store: Store) -> dict[tuple[Role, str], bool]:
    acme = rollup(store, AS_OF)[0]
    return {(r.role, r.person_id): r.engaged for r in acme.roles}


def test_a_touch_moved_to_someone_else_moves_engagement_with_it(store: Store) -> None:
    """Re-upserting t1 (Bob's recent meeting) as Ann's: Ann is engaged, Bob no longer."""
    load(store)
    t1 = acme_record(Touch, "t1")
    store.upsert(Kind.TOUCHES, [replace(t1, person_id="p1")])
    assert _engaged(store) == ANN_ENGAGED_BOB_NOT


def test_a_touch_moved_out_of_the_window_stops_counting(store: Store) -> None:
    load(store)
    t1 = acme_record(Touch, "t1")
    store.upsert(Kind.TOUCHES, [replace(t1, occurred_at=t1.occurred_at - timedelta(days=120))])
    acme = rollup(store, AS_OF)[0]
    # 2026-06-03 is in the prior window (180 to 90 days before Nov 1), not the recent one.
    assert (acme.touches_recent, acme.touches_prior) == (0, 1)
    assert not any(r.engaged for r in acme.roles)


def test_a_new_touch_engages_its_person(store: Store) -> None:
    load(store)
    t1 = acme_record(Touch, "t1")
    store.upsert(Kind.TOUCHES, [replace(t1, id="t9", person_id="p1")])
    acme = rollup(store, AS_OF)[0]
    assert acme.touches_recent == 2
    assert _engaged(store)[(Role.DECIDER, "p1")] is True


def test_an_outbound_email_in_the_window_is_an_attempt_not_engagement(store: Store) -> None:
    """A new outbound email to Ann (Oct 15) counts as a recent touch; she stays unengaged."""
    load(store)
    t1 = acme_record(Touch, "t1")
    email = replace(
        t1, id="t9", person_id="p1", type=TouchType.EMAIL, occurred_at=t1.occurred_at + WEEKS_2
    )
    store.upsert(Kind.TOUCHES, [email])
    acme = rollup(store, AS_OF)[0]
    assert acme.touches_recent == 2
    assert _engaged(store)[(Role.DECIDER, "p1")] is False


def test_an_inbound_email_in_the_window_engages(store: Store) -> None:
    load(store)
    t1 = acme_record(Touch, "t1")
    email = replace(
        t1,
        id="t9",
        person_id="p1",
        type=TouchType.EMAIL,
        direction=Direction.INBOUND,
        occurred_at=t1.occurred_at + WEEKS_2,
    )
    store.upsert(Kind.TOUCHES, [email])
    assert _engaged(store)[(Role.DECIDER, "p1")] is True


def test_a_batch_moving_a_touch_and_adding_one_to_the_same_person_counts_each_once(
    store: Store,
) -> None:
    """t1 moved to Ann and a new t9 with Ann, in one batch: two recent touches, not three."""
    load(store)
    t1 = acme_record(Touch, "t1")
    t9 = replace(t1, id="t9", person_id="p1", occurred_at=t1.occurred_at + timedelta(days=19))
    store.upsert(Kind.TOUCHES, [replace(t1, person_id="p1"), t9])
    acme = rollup(store, AS_OF)[0]
    assert (acme.touches_recent, acme.touches_prior) == (2, 0)
    assert _engaged(store) == ANN_ENGAGED_BOB_NOT


def test_a_merged_person_brings_their_touches_to_the_survivor(store: Store) -> None:
    """Bob (engaged) folded into Ann: Ann holds Bob's roles and his recent touch."""
    load(store)
    store.merge_into(Kind.PEOPLE, "p1", ["p2"])
    assert _engaged(store) == {
        (Role.DECIDER, "p1"): True,
        (Role.CHAMPION, "p1"): True,
        (Role.INFLUENCER, "p1"): True,
    }


def _roles_by_account(store: Store) -> dict[str, set[tuple[Role, str, bool]]]:
    return {
        f.company.id: {(r.role, r.person_id, r.engaged) for r in f.roles}
        for f in rollup(store, AS_OF)
        if f.roles or f.touches_recent
    }


def test_a_person_who_moves_company_takes_their_roles_and_touches_along(store: Store) -> None:
    """Bob (champion, influencer, touched lately) moves from Acme to Beta."""
    load(store)
    bob = acme_record(Person, "p2")
    store.upsert(Kind.PEOPLE, [replace(bob, company_id="c3", bu_id=None, reports_to=None)])
    assert _roles_by_account(store) == {
        "c1": {(Role.DECIDER, "p1", False)},
        "c3": {(Role.CHAMPION, "p2", True), (Role.INFLUENCER, "p2", True)},
    }
    beta = next(f for f in rollup(store, AS_OF) if f.company.id == "c3")
    assert beta.touches_recent == 1


def test_the_people_of_a_merged_company_count_for_the_survivor(store: Store) -> None:
    """Acme folded into Beta: Beta holds Acme's roles and touches."""
    load(store)
    store.merge_into(Kind.COMPANIES, "c3", ["c1"])
    assert _roles_by_account(store) == {
        "c3": {
            (Role.DECIDER, "p1", False),
            (Role.CHAMPION, "p2", True),
            (Role.INFLUENCER, "p2", True),
        },
    }


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
def test_the_rollup_scans_side_by_side_equal_one_at_a_time(neo: Neo4jStore) -> None:
    """Same rows in the same (id) order with 1 worker and with 6 (one per scan)."""
    load_bundle(DEMO_BUNDLE, neo)
    rows = {}
    for workers in (1, 6):
        neo.rollup_workers = workers
        rows[workers] = rollup(neo)
    assert [f.company.id for f in rows[6]] == sorted(f.company.id for f in rows[6])
    assert [f.normalized() for f in rows[1]] == [f.normalized() for f in rows[6]]


#: What a database an older abmgraph wrote looks like: no touch days, no person summaries
#: (touch days, exchange days, employer ids), and no mark that they are kept.
AS_AN_OLDER_WRITER_LEFT_IT = (
    "MATCH (t:Touch) REMOVE t.day",
    "MATCH (p:Person) REMOVE p.touch_days, p.last_touch_day, p.engaged_days, p.employer_id",
    "MATCH (v:GraphVersion) REMOVE v.person_summaries",
)


@pytest.mark.neo4j
def test_touches_written_before_the_stored_summaries_still_count(neo: Neo4jStore) -> None:
    """Touches without the stored ``day``, people without touch summaries (written by hand, or
    by an older writer) count by the touches' timestamps' local days."""
    load(neo)
    t1 = acme_record(Touch, "t1")  # an attempt beside Ann's exchanges: not engagement
    neo.upsert(Kind.TOUCHES, [replace(t1, id="t9", person_id="p1", type=TouchType.EMAIL)])
    before = facts(neo)
    with neo._db.driver.session(database=neo.database) as session:
        for statement in AS_AN_OLDER_WRITER_LEFT_IT:
            session.run(statement).consume()
    assert facts(neo) == before


@pytest.mark.neo4j
def test_ensure_schema_fills_in_person_summaries_missing_from_older_data(neo: Neo4jStore) -> None:
    load(neo)
    before, version = facts(neo), neo.data_version()
    summaries = (
        "MATCH (p:Person) WHERE p.touch_days IS NOT NULL "
        "RETURN p.id AS id, p.last_touch_day AS last ORDER BY id"
    )
    with neo._db.driver.session(database=neo.database) as session:
        for statement in AS_AN_OLDER_WRITER_LEFT_IT:
            session.run(statement).consume()
        neo.ensure_schema()
        got = [(r["id"], r["last"].to_native()) for r in session.run(summaries)]
        employers = session.run(
            "MATCH (p:Person) RETURN collect([p.id, p.employer_id]) AS ids"
        ).single()
    # The touched people, each with their last touch's local day; everyone's employer.
    assert got == [
        ("p1", date(2026, 2, 1)),
        ("p2", date(2026, 10, 1)),
        ("p4", date(2026, 5, 5)),
    ]
    assert employers is not None
    assert sorted(employers["ids"]) == [["p1", "c1"], ["p2", "c1"], ["p3", "c1"], ["p4", "c2"]]
    assert person_summaries_kept(neo._db)
    assert facts(neo) == before
    assert neo.data_version() != version


@pytest.mark.neo4j
def test_the_rollup_reads_the_same_with_and_without_kept_summaries(neo: Neo4jStore) -> None:
    """Through the ``last_touch_day`` index, or over every person: the same demo portfolio."""
    load_bundle(DEMO_BUNDLE, neo)
    assert person_summaries_kept(neo._db)
    kept = {as_of: facts(neo, as_of) for as_of in (AS_OF, date(2026, 11, 20))}
    with neo._db.driver.session(database=neo.database) as session:
        session.run("MATCH (v:GraphVersion) REMOVE v.person_summaries").consume()
    assert not person_summaries_kept(neo._db)
    assert {as_of: facts(neo, as_of) for as_of in kept} == kept


@pytest.mark.neo4j
def test_touch_summaries_hold_each_touch_day_once_however_touches_arrive(neo: Neo4jStore) -> None:
    """Re-running a batch changes nothing; a new touch adds its day; a moved one moves it."""
    load(neo)
    touches = ACME[Kind.TOUCHES]
    neo.upsert(Kind.TOUCHES, touches)  # the same rows again
    t1 = acme_record(Touch, "t1")
    neo.upsert(Kind.TOUCHES, [replace(t1, id="t9", person_id="p1")])
    neo.upsert(Kind.TOUCHES, [replace(t1, person_id="p4")])
    query = (
        "MATCH (p:Person) WHERE p.touch_days IS NOT NULL "
        "RETURN p.id AS id, p.touch_days AS days, p.last_touch_day AS last ORDER BY id"
    )
    with neo._db.driver.session(database=neo.database) as session:
        got = {
            r["id"]: (sorted(d.to_native() for d in r["days"]), r["last"] and r["last"].to_native())
            for r in session.run(query)
        }
    assert got == {
        "p1": ([date(2026, 2, 1), date(2026, 10, 1)], date(2026, 10, 1)),
        "p2": ([], None),
        "p4": ([date(2026, 5, 5), date(2026, 10, 1)], date(2026, 10, 1)),
    }


@pytest.mark.neo4j
def test_person_summaries_keep_the_days_of_exchanges_only(neo: Neo4jStore) -> None:
    """``engaged_days``: meetings, visits and calls, and inbound messages; never an attempt."""
    load(neo)
    t1 = acme_record(Touch, "t1")
    neo.upsert(
        Kind.TOUCHES,
        [replace(t1, id="t9", type=TouchType.EMAIL, occurred_at=t1.occurred_at + WEEKS_2)],
    )
    query = (
        "MATCH (p:Person) WHERE p.touch_days IS NOT NULL "
        "RETURN p.id AS id, p.engaged_days AS days ORDER BY id"
    )
    with neo._db.driver.session(database=neo.database) as session:
        got = {r["id"]: [d.to_native() for d in r["days"]] for r in session.run(query)}
    # Ann: an inbound email (Feb 1); Bob: the meeting, not the outbound email; Dan: a call.
    assert got == {
        "p1": [date(2026, 2, 1)],
        "p2": [date(2026, 10, 1)],
        "p4": [date(2026, 5, 5)],
    }
