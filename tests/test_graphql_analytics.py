"""The analytics through GraphQL, on both stores."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest

from graph_service.api.context import Context
from graph_service.api.schema import schema
from graph_service.demo import DEMO_BUNDLE
from graph_service.domain import Deal, Kind, Stage
from graph_service.store.base import Store
from loaders.bundle import load_bundle
from tests.fixtures import load


def run(store: Store, document: str, **variables: Any) -> dict[str, Any]:
    result = schema.execute_sync(
        document, variable_values=variables or None, context_value=Context.for_store(store)
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def error_of(store: Store, document: str, **variables: Any) -> str:
    result = schema.execute_sync(
        document, variable_values=variables or None, context_value=Context.for_store(store)
    )
    assert result.errors is not None and len(result.errors) == 1
    return result.errors[0].message


def money_in(value: Any) -> list[dict[str, Any]]:
    """Every Money (a dict of exactly amount and currency) anywhere in an answer."""
    if isinstance(value, dict):
        if set(value) == {"amount", "currency"}:
            return [value]
        return [m for v in value.values() for m in money_in(v)]
    if isinstance(value, list):
        return [m for v in value for m in money_in(v)]
    return []


FAMILY_SHARE = """query ($currency: String) {
  shareOfWallet(accountId: "c-01", includeSubsidiaries: true, asOf: "2026-11-20",
                currency: $currency) {
    ... on ShareOfWallet { currency
      total { spend { amount currency } wallet { amount currency } share
              whitespace { amount currency } }
      byCategory { share { spend { amount currency } wallet { amount currency } } }
      byBusinessUnit { share { spend { amount currency } whitespace { amount currency } } }
      byChannel { spend { amount currency } }
      unconvertedAmounts { kind recordId companyId amount { amount currency } } } } }"""


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


def test_a_person_never_touched_has_band_none_and_no_strength(store: Store) -> None:
    """Cid (p3) was never touched: band NONE, no strength. Ann (p1) went cold: a weak one."""
    load(store)
    data = run(
        store,
        """{ coverageGaps(accountId: "c1", asOf: "2026-11-01") { ... on CoverageGaps {
          people { personId status strength band lastTouch lastExchange } } } }""",
    )
    people = {p["personId"]: p for p in data["coverageGaps"]["people"]}
    assert people["p3"] == {
        "personId": "p3",
        "status": "COLD",
        "strength": None,
        "band": "NONE",
        "lastTouch": None,
        "lastExchange": None,
    }
    ann = people["p1"]
    assert (ann["status"], ann["band"], ann["lastExchange"]) == ("COLD", "WEAK", "2026-02-01")
    assert ann["strength"] > 0


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
        ... on ShareOfWallet { currency
          total { spend { amount } wallet { amount } share whitespace { amount } stale modeled }
          byBusinessUnit { businessUnitId share { wallet { amount } } } } } }""",
    )
    sow = data["shareOfWallet"]
    # d2: 12,000 USD won 2026-03-31; wallet: the company-wide 200,000 estimate (base USD).
    assert sow["currency"] == "USD"
    assert sow["total"] == {
        "spend": {"amount": 12000.0},
        "wallet": {"amount": 200000.0},
        "share": 0.06,
        "whitespace": {"amount": 188000.0},
        "stale": False,
        "modeled": False,
    }
    assert sow["byBusinessUnit"] == [
        {"businessUnitId": "bu-sales", "share": {"wallet": {"amount": 150000.0}}}
    ]


def test_demo_family_share_of_wallet_in_the_base_currency(store: Store) -> None:
    load_bundle(DEMO_BUNDLE, store)
    sow = run(store, FAMILY_SHARE)["shareOfWallet"]
    # Spend: d-03, 9,600,000 JPY won in the 365 days to 2026-11-20 (d-01, d-02 closed before;
    # d-04, d-05 and c-04's deals are not won). Wallet: c-01's latest estimates 310M + 150M +
    # 40M (bu-03) JPY, plus its subsidiary c-04's 1,200,000 USD x 150 = 180M JPY: 680,000,000
    # JPY. Share 9.6M / 680M = 0.0141176...
    assert sow["currency"] == "JPY"
    assert sow["total"]["spend"] == {"amount": 9_600_000.0, "currency": "JPY"}
    assert sow["total"]["wallet"] == {"amount": 680_000_000.0, "currency": "JPY"}
    assert sow["total"]["share"] == pytest.approx(9.6 / 680)
    assert sow["unconvertedAmounts"] == []


def test_demo_family_share_of_wallet_asked_in_usd(store: Store) -> None:
    load_bundle(DEMO_BUNDLE, store)
    sow = run(store, FAMILY_SHARE, currency="usd")["shareOfWallet"]
    # The demo's rate: 150 JPY per USD. 9,600,000 / 150 = 64,000; 680,000,000 / 150 =
    # 4,533,333.33...; whitespace (680M - 9.6M) / 150 = 4,469,333.33...; the share is unchanged.
    assert sow["currency"] == "USD"
    total = sow["total"]
    assert total["spend"] == {"amount": pytest.approx(64_000.0), "currency": "USD"}
    assert total["wallet"] == {"amount": pytest.approx(680_000_000 / 150), "currency": "USD"}
    assert total["whitespace"]["amount"] == pytest.approx(670_400_000 / 150)
    assert total["share"] == pytest.approx(9.6 / 680)


def test_every_amount_of_a_share_of_wallet_is_in_the_currency_asked(store: Store) -> None:
    load_bundle(DEMO_BUNDLE, store)
    sow = run(store, FAMILY_SHARE, currency="USD")["shareOfWallet"]
    found = money_in(sow)
    assert len(found) > 4
    assert {m["currency"] for m in found} == {"USD"}


PORTFOLIO = """query ($currency: String) {
  targetList(asOf: "2026-11-20", currency: $currency) { edges { node {
    accountId whitespace { amount currency }
    unconvertedAmounts { amount { amount currency } } } } }
  portfolioCoverage(asOf: "2026-11-20", currency: $currency) { edges { node {
    whitespace { amount currency } priority { amount currency } } } }
  ltvShareAnalysis(asOf: "2026-11-20", currency: $currency) {
    points { ltv { amount currency } wallet { amount currency } whitespace { amount currency } }
    outliers { ltv { amount currency } } }
  rfmSegments(asOf: "2026-11-20", currency: $currency) { monetary { amount currency } } }"""


def test_every_portfolio_amount_is_in_the_currency_asked(store: Store) -> None:
    load_bundle(DEMO_BUNDLE, store)
    data = run(store, PORTFOLIO, currency="USD")
    for field in ("targetList", "portfolioCoverage", "ltvShareAnalysis", "rfmSegments"):
        found = money_in(data[field])
        assert found, field
        assert {m["currency"] for m in found} == {"USD"}, field


def test_asking_in_another_currency_divides_the_target_whitespace_by_the_rate(
    store: Store,
) -> None:
    load_bundle(DEMO_BUNDLE, store)
    jpy = run(store, PORTFOLIO)["targetList"]["edges"]
    usd = run(store, PORTFOLIO, currency="USD")["targetList"]["edges"]
    # Same ranking (c-05, c-01, c-02, ...) and every whitespace / 150 (150 JPY per USD).
    assert [e["node"]["accountId"] for e in usd] == [e["node"]["accountId"] for e in jpy]
    assert [e["node"]["accountId"] for e in usd][:3] == ["c-05", "c-01", "c-02"]
    for a, b in zip(jpy, usd, strict=True):
        assert a["node"]["whitespace"]["currency"] == "JPY"
        assert b["node"]["whitespace"]["amount"] == pytest.approx(
            a["node"]["whitespace"]["amount"] / 150
        )


@pytest.mark.parametrize("field", ["shareOfWallet", "targetList", "rfmSegments"])
def test_a_currency_that_is_no_iso_code_is_a_clear_error(store: Store, field: str) -> None:
    load(store)
    args = 'accountId: "c1", ' if field == "shareOfWallet" else ""
    message = error_of(store, f'{{ {field}({args}currency: "YEN") {{ __typename }} }}')
    assert message == "currency: not an ISO 4217 currency code: 'YEN'"


def test_a_currency_no_rate_converts_is_a_clear_error_not_masked(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    load(store)  # rates: JPY against USD only
    with caplog.at_level(logging.INFO):
        message = error_of(
            store, '{ shareOfWallet(accountId: "c1", currency: "EUR") { __typename } }'
        )
    assert message == (
        "no exchange rate converts USD into EUR: answers can be in USD or in a currency the "
        "rates hold"
    )
    assert not any(r.exc_info for r in caplog.records), "a client error logs no traceback"


def test_a_deal_in_a_currency_without_a_rate_is_listed_not_added(store: Store) -> None:
    load(store)
    store.upsert(
        Kind.DEALS,
        [
            Deal(
                id="d-brl",
                company_id="c1",
                stage=Stage.WON,
                amount=5000.0,
                currency="BRL",
                close_date=date(2026, 6, 30),
            )
        ],
    )
    sow = run(
        store,
        """{ shareOfWallet(accountId: "c1", asOf: "2026-11-01") { ... on ShareOfWallet {
          total { spend { amount currency } }
          unconvertedAmounts { kind recordId companyId amount { amount currency } } } } }""",
    )["shareOfWallet"]
    # No rate converts BRL: spend stays d2's 12,000 USD, and d-brl is listed as loaded.
    assert sow["total"]["spend"] == {"amount": 12000.0, "currency": "USD"}
    assert sow["unconvertedAmounts"] == [
        {
            "kind": "DEAL",
            "recordId": "d-brl",
            "companyId": "c1",
            "amount": {"amount": 5000.0, "currency": "BRL"},
        }
    ]


def test_portfolio_rows_list_the_amounts_they_left_out(store: Store) -> None:
    load(store)
    store.upsert(
        Kind.DEALS,
        [
            Deal(
                id="d-brl",
                company_id="c1",
                stage=Stage.WON,
                amount=5000.0,
                currency="BRL",
                close_date=date(2026, 6, 30),
            )
        ],
    )
    data = run(
        store,
        """{ targetList(asOf: "2026-11-01") { edges { node { accountId
               unconvertedAmounts { kind recordId amount { amount currency } } } } }
             rfmSegments(asOf: "2026-11-01") { accountId monetary { amount currency }
               unconvertedAmounts { recordId } } }""",
    )
    left_out = {
        "kind": "DEAL",
        "recordId": "d-brl",
        "amount": {"amount": 5000.0, "currency": "BRL"},
    }
    targets = {e["node"]["accountId"]: e["node"] for e in data["targetList"]["edges"]}
    assert targets["c1"]["unconvertedAmounts"] == [left_out]
    assert targets["c3"]["unconvertedAmounts"] == []
    rfm = {r["accountId"]: r for r in data["rfmSegments"]}
    # c1's monetary is d2's 12,000 USD alone.
    assert rfm["c1"]["monetary"] == {"amount": 12000.0, "currency": "USD"}
    assert rfm["c1"]["unconvertedAmounts"] == [{"recordId": "d-brl"}]


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
        ltvShareAnalysis(asOf: "2026-11-20") { points { accountId ltv { amount } share }
          slope } }""",
    )
    segments = {r["accountId"]: r for r in data["rfmSegments"]}
    assert len(segments) == 6
    for r in segments.values():
        assert (r["r"] is None) == (r["segment"] == "PROSPECT")
    assert all(p["ltv"]["amount"] > 0 for p in data["ltvShareAnalysis"]["points"])


def test_weights_must_be_valid(store: Store) -> None:
    result = schema.execute_sync(
        "{ targetList(weights: {whitespace: -1}) { totalCount } }",
        context_value=Context.for_store(store),
    )
    assert result.errors and "non-negative" in result.errors[0].message
