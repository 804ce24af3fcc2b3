"""Buying roles with since and until: both stores keep the dates and count a role only while it
is held (``since <= as_of < until``), in account views, GraphQL and the portfolio rollup."""

from __future__ import annotations

from datetime import date

import pytest

from graph_service.analytics.currency import rates_for
from graph_service.analytics.engagement import DEFAULT
from graph_service.api.context import Context
from graph_service.api.schema import schema
from graph_service.domain import BuyingRole, Kind, Person, Record, Role
from graph_service.store.base import Store
from graph_service.store.neo4j import Neo4jStore
from graph_service.store.neo4j.schema import person_summaries_kept
from tests.conftest import neo4j_store
from tests.fixtures import ACME, load

#: The hand-made account with dated roles: p1 decides from 2024-01-15 on; p2 is the sales
#: unit's champion from 2026-03-01 until 2026-09-01 (the first day no longer held) and an
#: influencer with no dates (held whenever asked).
DATED_ROLES: list[BuyingRole] = [
    BuyingRole(person_id="p1", role=Role.DECIDER, since=date(2024, 1, 15)),
    BuyingRole(
        person_id="p2",
        role=Role.CHAMPION,
        bu_id="bu-sales",
        since=date(2026, 3, 1),
        until=date(2026, 9, 1),
    ),
    BuyingRole(person_id="p2", role=Role.INFLUENCER),
]
DATED: dict[Kind, list[Record]] = {**ACME, Kind.BUYING_ROLES: [*DATED_ROLES]}


def held(store: Store, as_of: date) -> set[tuple[str, str]]:
    """The (role, person) pairs c1's rollup counts on ``as_of``."""
    facts = store.portfolio_facts(
        as_of, engagement_days=90, spend_window_days=365, rates=rates_for(store, DEFAULT)
    )
    c1 = next(f for f in facts if f.company.id == "c1")
    return {(r.role.value, r.person_id) for r in c1.roles}


ALWAYS = {("decider", "p1"), ("influencer", "p2")}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2024, 1, 14), {("influencer", "p2")}),  # before the decider's since
        (date(2026, 2, 28), ALWAYS),  # the day before the champion's since
        (date(2026, 3, 1), ALWAYS | {("champion", "p2")}),  # since is included
        (date(2026, 8, 31), ALWAYS | {("champion", "p2")}),  # the last day held
        (date(2026, 9, 1), ALWAYS),  # until is excluded
        (date(2026, 11, 1), ALWAYS),  # after it ended
    ],
)
def test_the_rollup_counts_a_role_only_while_it_is_held(
    store: Store, as_of: date, expected: set[tuple[str, str]]
) -> None:
    load(store, DATED)
    assert held(store, as_of) == expected


def test_the_account_view_keeps_since_and_until(store: Store) -> None:
    load(store, DATED)
    view = store.account("c1")
    assert view is not None
    assert sorted(view.buying_roles, key=lambda r: r.id) == sorted(DATED_ROLES, key=lambda r: r.id)


def test_a_later_load_can_end_a_role(store: Store) -> None:
    load(store, DATED)
    store.upsert(
        Kind.BUYING_ROLES,
        [
            BuyingRole(
                person_id="p1", role=Role.DECIDER, since=date(2024, 1, 15), until=date(2026, 6, 1)
            )
        ],
    )
    assert ("decider", "p1") in held(store, date(2026, 5, 31))
    assert ("decider", "p1") not in held(store, date(2026, 6, 1))


ROLES = """query ($id: ID!) { account(id: $id) { ... on Account {
  people { id roles { role businessUnitId since until } } } } }"""


def test_graphql_shows_each_role_with_its_since_and_until(store: Store) -> None:
    load(store, DATED)
    result = schema.execute_sync(
        ROLES, variable_values={"id": "c1"}, context_value=Context.for_store(store)
    )
    assert result.errors is None and result.data is not None
    roles = {p["id"]: p["roles"] for p in result.data["account"]["people"]}
    assert roles["p2"] == [
        {
            "role": "CHAMPION",
            "businessUnitId": "bu-sales",
            "since": "2026-03-01",
            "until": "2026-09-01",
        },
        {"role": "INFLUENCER", "businessUnitId": None, "since": None, "until": None},
    ]
    assert roles["p1"] == [
        {"role": "DECIDER", "businessUnitId": None, "since": "2024-01-15", "until": None}
    ]


@pytest.mark.neo4j
def test_the_rollup_without_kept_summaries_counts_the_same_roles(neo4j_uri: str) -> None:
    """``ROLLUP_ROLES_BY_RELATIONSHIPS`` (a database an older abmgraph wrote) applies the rule
    too."""
    neo: Neo4jStore = neo4j_store(neo4j_uri)
    try:
        load(neo, DATED)
        days = [date(2026, 2, 28), date(2026, 3, 1), date(2026, 9, 1)]
        kept = [held(neo, d) for d in days]
        with neo._db.driver.session(database=neo.database) as session:
            session.run("MATCH (v:GraphVersion) REMOVE v.person_summaries").consume()
        assert not person_summaries_kept(neo._db)
        assert [held(neo, d) for d in days] == kept
    finally:
        neo.close()


def test_roles_a_merged_person_brings_keep_their_dates(store: Store) -> None:
    """A duplicate's unit role and company-wide role move onto the survivor with both dates
    (Neo4j copies them in Cypher, the embedded store keeps the records)."""
    load(store, DATED)
    load(
        store,
        {
            Kind.PEOPLE: [Person(id="p5", company_id="c1", full_name="Bob Roy")],
            Kind.BUYING_ROLES: [
                BuyingRole("p5", Role.USER, "bu-emea", date(2025, 1, 1), date(2025, 7, 1)),
                BuyingRole("p5", Role.BUYER, None, date(2025, 2, 1), date(2025, 8, 1)),
            ],
        },
    )
    store.merge_into(Kind.PEOPLE, "p2", ["p5"])
    view = store.account("c1")
    assert view is not None
    got = {
        (r.role.value, r.bu_id, r.since, r.until) for r in view.buying_roles if r.person_id == "p2"
    }
    assert ("user", "bu-emea", date(2025, 1, 1), date(2025, 7, 1)) in got
    assert ("buyer", None, date(2025, 2, 1), date(2025, 8, 1)) in got
