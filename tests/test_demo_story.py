"""The demo's story, asked of the GraphQL API on both stores as of the demo's own date.

Each test is one finding planted in the demo bundle (see :mod:`graph_service.demo`): editing the
CSV files so that a finding no longer holds fails its test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from graph_service.api.schema import schema
from graph_service.demo import DEMO_AS_OF, DEMO_BUNDLE
from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from tests.conftest import neo4j_store


@pytest.fixture(scope="module", params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A store of each kind holding the demo bundle, loaded once for this module."""
    s: Store
    if request.param == "memory":
        s = MemoryStore(tmp_path_factory.mktemp("demo") / "data")
    else:
        s = neo4j_store(request.getfixturevalue("neo4j_uri"))
    try:
        report = load_bundle(DEMO_BUNDLE, s)
        assert report.ok and report.rejects == []
        yield s
    finally:
        s.close()


def run(store: Store, document: str, **variables: Any) -> dict[str, Any]:
    result = schema.execute_sync(
        document,
        variable_values={"asOf": DEMO_AS_OF.isoformat(), **variables},
        context_value={"store": store},
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


GAPS = """query ($id: ID!, $asOf: Date) { coverageGaps(accountId: $id, asOf: $asOf) {
  ... on CoverageGaps {
    account { roles { role status engagedPersonIds coldPersonIds }
              champion { status engagedPersonIds coldPersonIds } }
    singleThreadedDeals { dealId engagedContactIds contactIds }
    whitespaceBusinessUnitIds engagedPersonIds } } }"""

NEXT_TOUCHES = """query ($id: ID!, $asOf: Date) { nextBestTouches(accountId: $id, asOf: $asOf) {
  ... on NextBestTouches { touches { role status personId } } } }"""

ACCOUNT = """query ($id: ID!) { account(id: $id) { ... on Account {
  people { id businessUnitId roles { role businessUnitId } }
  openDeals: deals(openOnly: true) { id stage contacts { personId } }
  recentTouches(limit: 500) { personId occurredAt }
  walletEstimates { category amount { amount currency } asOf businessUnitId } } } }"""


def gaps(store: Store, account_id: str, as_of: date = DEMO_AS_OF) -> dict[str, Any]:
    data = run(store, GAPS, id=account_id, asOf=as_of.isoformat())
    result: dict[str, Any] = data["coverageGaps"]
    return result


def account(store: Store, account_id: str) -> dict[str, Any]:
    result: dict[str, Any] = run(store, ACCOUNT, id=account_id)["account"]
    return result


def role_statuses(coverage: dict[str, Any]) -> dict[str, str]:
    return {r["role"]: r["status"] for r in coverage["account"]["roles"]}


def role(coverage: dict[str, Any], name: str) -> dict[str, Any]:
    cell: dict[str, Any] = next(r for r in coverage["account"]["roles"] if r["role"] == name)
    return cell


def last_touch_day(touches: list[dict[str, Any]]) -> date:
    return max(datetime.fromisoformat(t["occurredAt"]).date() for t in touches)


def test_c03_has_no_decider_while_its_deal_d12_is_in_negotiation(demo: Store) -> None:
    coverage = gaps(demo, "c-03")
    assert role_statuses(coverage) == {
        "DECIDER": "MISSING",
        "BUYER": "ENGAGED",
        "INFLUENCER": "ENGAGED",
        "USER": "ENGAGED",
    }
    deals = {d["id"]: d["stage"] for d in account(demo, "c-03")["openDeals"]}
    assert deals["d-12"] == "NEGOTIATION"
    touches = run(demo, NEXT_TOUCHES, id="c-03")["nextBestTouches"]["touches"]
    assert [(t["role"], t["status"]) for t in touches] == [("DECIDER", "MISSING")]


def test_c06_has_no_champion_and_is_going_cold(demo: Store) -> None:
    coverage = gaps(demo, "c-06")
    assert coverage["account"]["champion"] == {
        "status": "MISSING",
        "engagedPersonIds": [],
        "coldPersonIds": [],
    }
    # the buying group is known, but nobody in it (nor anyone else there) is engaged any more
    assert coverage["engagedPersonIds"] == []
    assert set(role_statuses(coverage).values()) == {"COLD", "MISSING"}
    last = last_touch_day(account(demo, "c-06")["recentTouches"])
    assert last == date(2026, 7, 28)
    assert gaps(demo, "c-06", as_of=last)["engagedPersonIds"] != []


def test_bu07_has_wallet_and_no_people(demo: Store) -> None:
    bank = account(demo, "c-02")
    wallet = [w for w in bank["walletEstimates"] if w["businessUnitId"] == "bu-07"]
    assert wallet and all(w["amount"]["amount"] > 0 for w in wallet)
    assert [p["id"] for p in bank["people"] if p["businessUnitId"] == "bu-07"] == []
    scoped = [r for p in bank["people"] for r in p["roles"] if r["businessUnitId"] == "bu-07"]
    assert scoped == []
    assert "bu-07" in gaps(demo, "c-02")["whitespaceBusinessUnitIds"]


def test_d14_is_single_threaded_through_p41(demo: Store) -> None:
    subsidiary = account(demo, "c-04")
    assert [(d["id"], [c["personId"] for c in d["contacts"]]) for d in subsidiary["openDeals"]] == [
        ("d-14", ["p-41"])
    ]
    assert gaps(demo, "c-04")["singleThreadedDeals"] == [
        {"dealId": "d-14", "engagedContactIds": ["p-41"], "contactIds": ["p-41"]}
    ]


def test_p16_is_a_stale_decider(demo: Store) -> None:
    coverage = gaps(demo, "c-02")
    decider = role(coverage, "DECIDER")
    assert decider == {
        "role": "DECIDER",
        "status": "COLD",
        "engagedPersonIds": [],
        "coldPersonIds": ["p-16"],
    }
    # the rest of the buying group is engaged: the bank is worked, only its decider is not.
    # Recomputed by hand for "engaged = an exchange": the buyer p-26's only touch in the
    # window is an outbound email (Oct 14), an attempt; the last exchange was July 10: cold.
    assert {r: s for r, s in role_statuses(coverage).items() if r != "DECIDER"} == {
        "BUYER": "COLD",
        "INFLUENCER": "ENGAGED",
        "USER": "ENGAGED",
    }
    bank = account(demo, "c-02")
    assert last_touch_day([t for t in bank["recentTouches"] if t["personId"] == "p-16"]) == date(
        2026, 3, 17
    )
    assert (DEMO_AS_OF - last_touch_day(bank["recentTouches"])).days <= 7
    proposal = next(d for d in bank["openDeals"] if d["id"] == "d-08")
    assert proposal["stage"] == "PROPOSAL"
    assert "p-16" in [c["personId"] for c in proposal["contacts"]]
    touches = run(demo, NEXT_TOUCHES, id="c-02")["nextBestTouches"]["touches"]
    assert {"role": "DECIDER", "status": "COLD", "personId": "p-16"} in touches
