"""The analytics through GraphQL, on both stores."""

from __future__ import annotations

from typing import Any

from graph_service.api.schema import schema
from graph_service.demo import DEMO_BUNDLE
from graph_service.store.base import Store
from loaders.bundle import load_bundle
from tests.fixtures import load


def run(store: Store, document: str, **variables: Any) -> dict[str, Any]:
    result = schema.execute_sync(
        document, variable_values=variables or None, context_value={"store": store}
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def test_coverage_gaps_matrix_and_score(store: Store) -> None:
    load(store)
    data = run(
        store,
        """{ coverageGaps(accountId: "c1", asOf: "2026-11-01") {
        ... on CoverageGaps { score account { roles { role status } champion { status } }
          singleThreadedDeals { dealId engagedContactIds }
          businessUnits { businessUnitId } } } }""",
    )
    gaps = data["coverageGaps"]
    assert gaps["score"] == 0.375
    assert {r["role"]: r["status"] for r in gaps["account"]["roles"]} == {
        "DECIDER": "COLD",
        "BUYER": "MISSING",
        "INFLUENCER": "ENGAGED",
        "USER": "MISSING",
    }
    assert gaps["singleThreadedDeals"] == [{"dealId": "d1", "engagedContactIds": ["p2"]}]
    assert [u["businessUnitId"] for u in gaps["businessUnits"]] == ["bu-emea", "bu-sales"]


def test_unknown_account_is_not_found_in_every_account_field(store: Store) -> None:
    for field in ("coverageGaps", "nextBestTouches", "shareOfWallet"):
        data = run(store, f'{{ {field}(accountId: "zz") {{ __typename }} }}')
        assert data[field] == {"__typename": "NotFound"}


def test_influence_paths_with_hops_and_introducers(store: Store) -> None:
    load(store)
    data = run(
        store,
        """{ influencePaths(accountId: "c1", targetPersonId: "p1", anyMember: true,
        k: 2, asOf: "2026-11-01") { ... on InfluencePaths {
          paths { memberId strength hops { fromId toPersonId reason } }
          introducers { memberId firstPersonId } } } }""",
    )
    paths = data["influencePaths"]["paths"]
    assert [[h["toPersonId"] for h in p["hops"]] for p in paths] == [["p2", "p1"], ["p4", "p1"]]
    assert paths[0]["hops"][1]["reason"] == "influences"
    assert data["influencePaths"]["introducers"][0] == {"memberId": "m2", "firstPersonId": "p2"}


def test_share_of_wallet_fields(store: Store) -> None:
    load(store)
    data = run(
        store,
        """{ shareOfWallet(accountId: "c1", asOf: "2026-11-01") {
        ... on ShareOfWallet { total { spend wallet share whitespace stale modeled }
          byBusinessUnit { businessUnitId share { wallet } } } } }""",
    )
    sow = data["shareOfWallet"]
    assert sow["total"] == {
        "spend": 12000.0,
        "wallet": 200000.0,
        "share": 0.06,
        "whitespace": 188000.0,
        "stale": False,
        "modeled": False,
    }
    assert sow["byBusinessUnit"] == [{"businessUnitId": "bu-sales", "share": {"wallet": 150000.0}}]


def test_target_list_ranks_tiers_and_paginates_the_demo(store: Store) -> None:
    load_bundle(DEMO_BUNDLE, store)
    q = """query ($after: String) { targetList(first: 4, after: $after, asOf: "2026-11-20") {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { accountId rank score tier reasons segment champion } } } }"""
    first = run(store, q)["targetList"]
    assert first["totalCount"] == 6 and first["pageInfo"]["hasNextPage"] is True
    nodes = [e["node"] for e in first["edges"]]
    assert [n["rank"] for n in nodes] == [1, 2, 3, 4]
    assert [n["tier"] for n in nodes] == ["ONE_TO_ONE", "ONE_TO_FEW", "ONE_TO_MANY", "UNTIERED"]
    assert all(1 <= len(n["reasons"]) <= 3 for n in nodes)
    scores = [n["score"] for n in nodes]
    assert scores == sorted(scores, reverse=True)
    rest = run(store, q, after=first["pageInfo"]["endCursor"])["targetList"]
    assert [e["node"]["rank"] for e in rest["edges"]] == [5, 6]


def test_rfm_and_ltv_answer_for_the_demo(store: Store) -> None:
    load_bundle(DEMO_BUNDLE, store)
    data = run(
        store,
        """{ rfmSegments(asOf: "2026-11-20") { accountId segment r f m }
        ltvShareAnalysis(asOf: "2026-11-20") { points { accountId ltv share } slope } }""",
    )
    segments = {r["accountId"]: r for r in data["rfmSegments"]}
    assert len(segments) == 6
    for r in segments.values():
        assert (r["r"] is None) == (r["segment"] == "PROSPECT")
    assert all(p["ltv"] > 0 for p in data["ltvShareAnalysis"]["points"])


def test_weights_must_be_valid(store: Store) -> None:
    result = schema.execute_sync(
        "{ targetList(weights: {whitespace: -1}) { totalCount } }", context_value={"store": store}
    )
    assert result.errors and "non-negative" in result.errors[0].message
