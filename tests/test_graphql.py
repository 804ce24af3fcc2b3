"""The GraphQL API over both stores: the same documents give the same answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from graph_service.api.context import Context
from graph_service.api.schema import schema
from graph_service.store.base import Store
from graph_service.store.neo4j import schema_dir
from tests.fixtures import load


def run(store: Store, document: str, **variables: Any) -> dict[str, Any]:
    result = schema.execute_sync(
        document, variable_values=variables or None, context_value=Context.for_store(store)
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


ACCOUNT = """
query ($id: ID!) {
  account(id: $id) {
    __typename
    ... on Account {
      name parentId annualRevenue { amount currency } subsidiaries { id name }
      businessUnits { id name orgType parentId }
      people { id fullName reportsToId isChampion roles { role businessUnitId since } }
      accountTeam { role member { id fullName teamRole } }
      deals { id stage isOpen amount { amount currency } contacts { personId role } }
      openDeals: deals(openOnly: true) { id }
      recentTouches(limit: 1) { id type occurredAt }
      touchCount
      nextActions { id dueDate description }
      walletEstimates { category amount { amount currency } asOf businessUnitId source }
    }
    ... on NotFound { message }
  }
}
"""


def test_account_returns_the_company_with_its_graph(store: Store) -> None:
    load(store)
    acct = run(store, ACCOUNT, id="c1")["account"]
    assert acct["__typename"] == "Account"
    assert acct["name"] == "Acme Corp"
    assert acct["subsidiaries"] == [{"id": "c2", "name": "Acme Japan 株式会社"}]
    assert acct["businessUnits"][0] == {
        "id": "bu-emea",
        "name": "EMEA Sales",
        "orgType": "DIVISIONAL",
        "parentId": "bu-sales",
    }
    bob = next(p for p in acct["people"] if p["id"] == "p2")
    assert bob["reportsToId"] == "p1" and bob["isChampion"] is True
    assert {r["role"] for r in bob["roles"]} == {"CHAMPION", "INFLUENCER"}
    assert acct["accountTeam"] == [
        {"role": "owner", "member": {"id": "m2", "fullName": "Eve AE", "teamRole": "AE"}}
    ]
    assert [d["id"] for d in acct["deals"]] == ["d1", "d2"]  # newest created first
    assert acct["openDeals"] == [{"id": "d1"}]
    assert acct["recentTouches"] == [
        {"id": "t1", "type": "MEETING", "occurredAt": "2026-10-01T10:00:00+09:00"}
    ]
    assert acct["touchCount"] == 2
    assert acct["walletEstimates"][0]["asOf"] == "2026-07-01"


def test_account_amounts_are_money_in_their_own_currency(store: Store) -> None:
    load(store)
    acct = run(store, ACCOUNT, id="c1")["account"]
    # Both deals were loaded in USD.
    assert [d["amount"] for d in acct["deals"]] == [
        {"amount": 50000.0, "currency": "USD"},
        {"amount": 12000.0, "currency": "USD"},
    ]
    # The revenue and the estimates name no currency: they are in the data's base currency,
    # USD (the fixture's one rate is JPY's against it, and its amounts are in USD).
    assert acct["annualRevenue"] == {"amount": 1.2e9, "currency": "USD"}
    assert [w["amount"] for w in acct["walletEstimates"]] == [
        {"amount": 150000.0, "currency": "USD"},
        {"amount": 200000.0, "currency": "USD"},
    ]


def test_an_unknown_account_is_a_typed_not_found(store: Store) -> None:
    acct = run(store, ACCOUNT, id="zz")["account"]
    assert acct == {"__typename": "NotFound", "message": "no account with id 'zz'"}


PAGE = """
query ($first: Int!, $after: String, $filter: AccountFilter) {
  accounts(first: $first, after: $after, filter: $filter) {
    totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor }
  }
}
"""


def test_accounts_paginate_with_opaque_cursors(store: Store) -> None:
    load(store)
    first = run(store, PAGE, first=2)["accounts"]
    assert [e["node"]["id"] for e in first["edges"]] == ["c1", "c2"]
    assert first["pageInfo"]["hasNextPage"] is True and first["totalCount"] == 3
    rest = run(store, PAGE, first=2, after=first["pageInfo"]["endCursor"])["accounts"]
    assert [e["node"]["id"] for e in rest["edges"]] == ["c3"]
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": rest["edges"][0]["cursor"]}


def test_accounts_filter(store: Store) -> None:
    load(store)
    page = run(store, PAGE, first=10, filter={"ownerId": "m2"})["accounts"]
    assert [e["node"]["id"] for e in page["edges"]] == ["c1"]
    assert page["totalCount"] == 1


@pytest.mark.parametrize("first", [-1, 501])
def test_page_size_out_of_range_is_an_error(first: int, tmp_path: Path) -> None:
    from graph_service.store.memory import MemoryStore

    store = MemoryStore(tmp_path)
    result = schema.execute_sync(
        PAGE, variable_values={"first": first}, context_value=Context.for_store(store)
    )
    assert result.errors and "first must be between 0 and 500" in result.errors[0].message


def test_a_bad_cursor_is_an_error_not_a_crash(tmp_path: Path) -> None:
    from graph_service.store.memory import MemoryStore

    store = MemoryStore(tmp_path)
    result = schema.execute_sync(
        PAGE, variable_values={"first": 1, "after": "bogus"}, context_value=Context.for_store(store)
    )
    assert result.errors and "invalid cursor" in result.errors[0].message


def test_unexpected_errors_are_masked(tmp_path: Path) -> None:
    class Broken:
        def account(self, company_id: str, **_: object) -> None:
            raise RuntimeError("secret connection string in here")

    result = schema.execute_sync(
        '{ account(id: "x") { __typename } }',
        context_value=Context.for_store(cast(Store, Broken())),
    )
    assert result.errors is not None
    assert result.errors[0].message == "Unexpected error."


def test_exported_schema_matches_the_code() -> None:
    exported = (schema_dir() / "schema.graphql").read_text(encoding="utf-8")
    assert exported == schema.as_str() + "\n", (
        "schema/schema.graphql is stale: run `abmgraph export-schema --out schema/schema.graphql`"
    )
