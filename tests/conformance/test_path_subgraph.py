"""The path subgraph (what influence paths read) and the data version, identical on both stores."""

from __future__ import annotations

from datetime import UTC, date, datetime

from graph_service.domain import (
    Direction,
    Kind,
    PathPerson,
    PathSubgraph,
    Person,
    RelationshipType,
    TouchMark,
    TouchType,
)
from graph_service.store.base import Store
from graph_service.store.family import family_views
from tests.fixtures import a_touch, load


def test_the_family_s_people_ties_touches_and_team(store: Store) -> None:
    load(store)
    sub = store.path_subgraph("c1")
    assert sub is not None
    sub = sub.normalized()
    # Acme (c1) and its subsidiary Acme Japan (c2); Beta (c3) is not family.
    assert sub.people == [
        PathPerson("p1"),
        PathPerson("p2", reports_to="p1"),
        PathPerson("p3", reports_to="p2"),
        PathPerson("p4"),
    ]
    assert sorted((r.from_person_id, r.to_person_id, r.type) for r in sub.relationships) == [
        ("p2", "p1", RelationshipType.INFLUENCES),
        ("p3", "p2", RelationshipType.KNOWS),
        ("p4", "p1", RelationshipType.WORKED_WITH),
    ]
    # t1 happened at 10:00 JST on Oct 1 (01:00 UTC): its day is the local one.
    assert sub.touches == [
        TouchMark("m1", "p4", date(2026, 5, 5), TouchType.CALL, None),
        TouchMark("m2", "p1", date(2026, 2, 1), TouchType.EMAIL, Direction.INBOUND),
        TouchMark("m2", "p2", date(2026, 10, 1), TouchType.MEETING, Direction.OUTBOUND),
    ]
    assert sub.account_team == ["m2"]


def test_it_equals_the_one_made_from_the_full_account_views(store: Store) -> None:
    load(store)
    views = family_views(store, "c1")
    assert store.path_subgraph("c1") is not None
    assert store.path_subgraph("c1").normalized() == PathSubgraph.from_views(views).normalized()  # type: ignore[union-attr]


def test_a_subsidiary_s_family_is_itself(store: Store) -> None:
    load(store)
    sub = store.path_subgraph("c2")
    assert sub is not None
    assert [p.id for p in sub.people] == ["p4"]
    # p4's tie to p1 leaves the family, so it is not there.
    assert sub.relationships == []
    assert sub.account_team == []


def test_an_unknown_company_has_none(store: Store) -> None:
    load(store)
    assert store.path_subgraph("nope") is None


def test_people_who_left_keep_their_date(store: Store) -> None:
    load(store)
    store.upsert(
        Kind.PEOPLE,
        [Person(id="p3", company_id="c1", full_name="Cid Moe", left_at=date(2026, 6, 30))],
    )
    sub = store.path_subgraph("c1")
    assert sub is not None
    assert {p.id: p.left_at for p in sub.people}["p3"] == date(2026, 6, 30)


def test_the_data_version_moves_with_every_write_and_only_then(store: Store) -> None:
    load(store)
    before = store.data_version()
    store.stats()
    store.path_subgraph("c1")
    assert store.data_version() == before
    store.upsert(
        Kind.TOUCHES,
        [a_touch("t9", "p3", datetime(2026, 10, 20, tzinfo=UTC), TouchType.CALL)],
    )
    after_upsert = store.data_version()
    assert after_upsert != before
    store.merge_into(Kind.PEOPLE, "p2", ["p3"])
    assert store.data_version() not in (before, after_upsert)
