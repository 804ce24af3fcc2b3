"""The demo's story, asked of the GraphQL API on both stores as of the demo's own date.

Each test is one finding planted in the demo bundle (see :mod:`graph_service.demo`): editing the
CSV files so that a finding no longer holds fails its test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from graph_service.api.context import Context
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
        context_value=Context.for_store(store),
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
  ... on NextBestTouches { touches { gap role status businessUnitId dealId personId why } } } }"""

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
    account_gaps = [t for t in touches if t["gap"] == "ROLE" and t["businessUnitId"] is None]
    assert [(t["role"], t["status"]) for t in account_gaps] == [("DECIDER", "MISSING")]


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


def test_c01_bu04s_open_deal_d04_gets_an_influencer_and_a_user(demo: Store) -> None:
    """d-04 (85M JPY, negotiation, bu-04) has a decider, a champion, an initiator and a buyer
    on it, but no influencer and no user: each gets a suggestion, with the reason."""
    touches = run(demo, NEXT_TOUCHES, id="c-01")["nextBestTouches"]["touches"]
    d04 = {t["role"]: t for t in touches if t["dealId"] == "d-04" and t["gap"] == "DEAL_ROLE"}
    assert set(d04) == {"INFLUENCER", "USER"}
    assert all(t["businessUnitId"] == "bu-04" for t in d04.values())
    # p-11 (データエンジニア, bu-04): the title is the evidence. p-04 holds the influencer
    # role of bu-03, which covers bu-04, and is not on the deal yet.
    assert (d04["USER"]["personId"], d04["INFLUENCER"]["personId"]) == ("p-11", "p-04")
    assert "データエンジニア" in d04["USER"]["why"]
    assert "covering bu-04" in d04["INFLUENCER"]["why"]


def test_c06_without_a_champion_gets_a_champion_suggestion(demo: Store) -> None:
    touches = run(demo, NEXT_TOUCHES, id="c-06")["nextBestTouches"]["touches"]
    champion = [t for t in touches if t["gap"] == "CHAMPION"]
    assert [(t["role"], t["status"]) for t in champion] == [("CHAMPION", "MISSING")]
    assert champion[0]["personId"] is not None
    assert champion[0]["why"].startswith("no champion: our strongest relationship here")


THREADS = """query ($id: ID!, $asOf: Date) { coverageGaps(accountId: $id, asOf: $asOf) {
  ... on CoverageGaps { noEngagedPeople structurallySingleThreaded
    account { champion { status coolingPersonIds } }
    ourThread { dealId memberId memberTouches touches }
    ourThreadedDeals { dealId memberId memberTouches touches } } } }"""


def test_c06_with_nobody_engaged_is_flagged_as_the_worst_single_thread(demo: Store) -> None:
    c06 = run(demo, THREADS, id="c-06")["coverageGaps"]
    assert (c06["noEngagedPeople"], c06["structurallySingleThreaded"]) == (True, True)
    assert run(demo, THREADS, id="c-01")["coverageGaps"]["noEngagedPeople"] is False


def test_c03_is_worked_by_tm2_alone(demo: Store) -> None:
    """tm-2 holds 18 of c-03's 22 touches of the last 90 days (82 %) and all 15 on d-12."""
    c03 = run(demo, THREADS, id="c-03")["coverageGaps"]
    assert c03["ourThread"] == {
        "dealId": None,
        "memberId": "tm-2",
        "memberTouches": 18,
        "touches": 22,
    }
    assert c03["ourThreadedDeals"] == [
        {"dealId": "d-12", "memberId": "tm-2", "memberTouches": 15, "touches": 15}
    ]


def test_c02s_champion_p21_is_cooling(demo: Store) -> None:
    champion = run(demo, THREADS, id="c-02")["coverageGaps"]["account"]["champion"]
    assert champion == {"status": "COOLING", "coolingPersonIds": ["p-21"]}


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
    assert ("DECIDER", "COLD", "p-16") in [(t["role"], t["status"], t["personId"]) for t in touches]


UNIT_GAPS = """query ($id: ID!, $asOf: Date) { coverageGaps(accountId: $id, asOf: $asOf) {
  ... on CoverageGaps { businessUnits { businessUnitId score
    roles { role status engagedPersonIds coldPersonIds } } } } }"""


def test_p09_is_bu02s_user_only_from_the_day_the_role_began(demo: Store) -> None:
    """p-09 (山口 翔) became 生産技術部's user on 2026-08-03: two months earlier bu-02 has no
    user at all (0.625, not 0.75 with p-09 counted as a cold one); on the demo's day, an
    engaged one."""

    def bu02(as_of: date) -> dict[str, Any]:
        data = run(demo, UNIT_GAPS, id="c-01", asOf=as_of.isoformat())["coverageGaps"]
        row: dict[str, Any] = next(
            u for u in data["businessUnits"] if u["businessUnitId"] == "bu-02"
        )
        return row

    before = bu02(date(2026, 6, 1))
    user = next(r for r in before["roles"] if r["role"] == "USER")
    assert user == {
        "role": "USER",
        "status": "MISSING",
        "engagedPersonIds": [],
        "coldPersonIds": [],
    }
    assert before["score"] == 0.625
    now = bu02(DEMO_AS_OF)
    user = next(r for r in now["roles"] if r["role"] == "USER")
    assert (user["status"], user["engagedPersonIds"]) == ("ENGAGED", ["p-09"])
    assert now["score"] == 1.0
