"""The demo's portfolio answers, worked out by hand from its CSV files in one currency (JPY).

As of the demo's date, 2026-11-20 (spend window 2025-11-21 to 2026-11-20), at the demo's one
rate, USD 0.006666… (150 JPY per USD). From deals.csv and wallet.csv:

=====  ==============================  =====================================  ===============
acct   won spend in the window         wallet (latest per unit and category)  whitespace
=====  ==============================  =====================================  ===============
c-01   d-03 9,600,000                  310M + 150M + 40M (bu-03) = 500M       490,400,000
c-02   none (d-07 closed 2025-09-30)   (120M + 95M) + 380M = 595M             595,000,000
c-03   none                            85M + 45M = 130M                       130,000,000
c-04   none                            1.2M USD = 180M                        180,000,000
c-05   d-17 156,000 USD = 23,400,000   (5.2M + 3M + 0.6M) USD = 1,320M        1,296,600,000
c-06   none                            (0.9M + 1.4M) USD = 345M               345,000,000
=====  ==============================  =====================================  ===============

Added as loaded, yen and dollars together, c-05's whitespace was 8,644,000 and c-01 led the
target list; in one currency c-05 does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from graph_service.analytics import queries
from graph_service.analytics.engagement import DEFAULT
from graph_service.analytics.labels import Tier
from graph_service.analytics.portfolio import ltv_share_analysis
from graph_service.demo import DEMO_AS_OF, DEMO_BUNDLE
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle

WHITESPACE = {
    "c-01": 490_400_000,
    "c-02": 595_000_000,
    "c-03": 130_000_000,
    "c-04": 180_000_000,
    "c-05": 1_296_600_000,
    "c-06": 345_000_000,
}

#: Buying-group coverage (engaged 1, cold 0.5, missing 0 over the four required roles) and
#: touches in the last 90 days and the 90 before: facts about people, not money. Recomputed by
#: hand for "engaged = an exchange": c-02's buyer p-26 and c-05's buyer p-56 were only emailed
#: (outbound) in the window, so each is cold: (1 + 0.5 + 1 + 1) / 4 = 0.875 for c-05 and, with
#: c-02's cold decider, (0.5 + 0.5 + 1 + 1) / 4 = 0.75 for c-02 (they were 1.0 and 0.875).
COVERAGE = {"c-01": 1.0, "c-02": 0.75, "c-03": 0.75, "c-04": 0.625, "c-05": 0.875, "c-06": 0.375}
TOUCHES = {
    "c-01": (44, 24),
    "c-02": (14, 26),
    "c-03": (22, 12),
    "c-04": (14, 7),
    "c-05": (37, 20),
    "c-06": (0, 3),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryStore]:
    store = MemoryStore(Path(tmp_path_factory.mktemp("demo")))
    store.ensure_schema()
    load_bundle(DEMO_BUNDLE, store)
    try:
        yield store
    finally:
        store.close()


def test_the_inputs_that_are_not_money(demo: MemoryStore) -> None:
    facts = queries.portfolio_facts(demo, DEMO_AS_OF)
    assert {f.company.id: (f.touches_recent, f.touches_prior) for f in facts} == TOUCHES
    coverage = {r.account_id: r.coverage for r in queries.portfolio_coverage(demo, DEMO_AS_OF)}
    assert coverage == COVERAGE


def test_the_c01_family_share_of_wallet_is_in_yen(demo: MemoryStore) -> None:
    s = queries.wallet_share(demo, "c-01", DEMO_AS_OF, include_subsidiaries=True)
    # c-01's 9,600,000 spend; wallet 500M + c-04's 1.2M USD x 150 = 680M
    assert (s.currency, s.total.spend) == ("JPY", 9_600_000)
    assert s.total.wallet == pytest.approx(680_000_000)
    assert s.total.share == pytest.approx(9_600_000 / 680_000_000)  # 1.41 %


def test_portfolio_coverage_orders_by_converted_whitespace(demo: MemoryStore) -> None:
    rows = queries.portfolio_coverage(demo, DEMO_AS_OF)
    priority = {a: WHITESPACE[a] * (1 - COVERAGE[a]) for a in WHITESPACE}
    # c-06 215,625,000 > c-05 162,075,000 > c-02 148,750,000 > c-04 67,500,000
    # > c-03 32,500,000 > c-01 0
    assert [r.account_id for r in rows] == ["c-06", "c-05", "c-02", "c-04", "c-03", "c-01"]
    assert {r.account_id: r.priority for r in rows} == pytest.approx(priority)
    assert {r.account_id: r.whitespace for r in rows} == pytest.approx(WHITESPACE)


def test_the_target_list_puts_granite_peak_first(demo: MemoryStore) -> None:
    rows = queries.targets(demo, DEMO_AS_OF)
    # whitespace percentile (values below / 5): c-03 0, c-04 0.2, c-06 0.4, c-01 0.6,
    # c-02 0.8, c-05 1. Momentum ((recent - prior) / (recent + prior) + 1) / 2. RFM over the
    # five buyers, score floor(5 (rank - 0.5) / 5) + 1 at tied values' average rank: recency
    # c-06 735 > c-03 700 > c-02 416 > c-05 336 > c-01 234 days scores 1..5; frequency 1 won
    # (c-01, c-05: ranks 4 and 5, 4.5) scores 5, zero 1; monetary c-05 23.4M 5, c-01 9.6M 4,
    # zero 1; c-04 never bought (0).
    white = {"c-01": 0.6, "c-02": 0.8, "c-03": 0.0, "c-04": 0.2, "c-05": 1.0, "c-06": 0.4}
    rfm = {"c-01": 14, "c-02": 5, "c-03": 4, "c-04": 0, "c-05": 14, "c-06": 3}
    expected = {}
    for a, (recent, prior) in TOUCHES.items():
        momentum = ((recent - prior) / (recent + prior) + 1) / 2
        expected[a] = 0.4 * white[a] + 0.2 * momentum + 0.2 * COVERAGE[a] + 0.2 * rfm[a] / 15
    assert {t.account_id: t.score for t in rows} == pytest.approx(expected)
    # c-05 0.891, c-01 0.756, c-02 0.607, c-04 0.338, c-03 0.333, c-06 0.275; six accounts:
    # ceil(6 x 5%) = 1 in 1:1, ceil(6 x 20%) = 2, ceil(6 x 50%) = 3
    assert [(t.account_id, t.tier) for t in rows] == [
        ("c-05", Tier.ONE_TO_ONE),
        ("c-01", Tier.ONE_TO_FEW),
        ("c-02", Tier.ONE_TO_MANY),
        ("c-04", Tier.UNTIERED),
        ("c-03", Tier.UNTIERED),
        ("c-06", Tier.UNTIERED),
    ]
    assert {t.account_id: t.whitespace for t in rows} == pytest.approx(WHITESPACE)


def test_no_demo_account_breaks_the_ltv_share_trend(demo: MemoryStore) -> None:
    analysis = ltv_share_analysis(queries.portfolio_facts(demo, DEMO_AS_OF), DEMO_AS_OF)
    # LTV = all won spend to date: c-01 18M + 62M + 9.6M; c-02 35M; c-03 14.5M;
    # c-05 (780,000 + 156,000) USD x 150; c-06 260,000 USD x 150. c-04 never bought.
    assert {p.account_id: p.ltv for p in analysis.points} == pytest.approx(
        {
            "c-01": 89_600_000,
            "c-02": 35_000_000,
            "c-03": 14_500_000,
            "c-05": 140_400_000,
            "c-06": 39_000_000,
        }
    )
    # Mixed, c-01 and c-05 were flagged; in one currency every |z| is under 0.8 (< 2)
    assert analysis.outliers == []
    assert max(abs(p.residual_z or 0) for p in analysis.points) < 0.8


def test_a_configured_reporting_currency_answers_in_it(demo: MemoryStore) -> None:
    """ABMGRAPH_REPORTING_CURRENCY=USD: the demo's rates stay against yen (the amounts in a
    currency no rate lists), and answers come in dollars at 150 JPY per USD."""
    usd = replace(DEFAULT, reporting_currency="USD")
    s = queries.wallet_share(demo, "c-01", DEMO_AS_OF, include_subsidiaries=True, params=usd)
    assert s.currency == "USD"
    assert s.total.spend == pytest.approx(9_600_000 / 150)
    assert s.total.wallet == pytest.approx(680_000_000 / 150)
    assert s.unconverted == []
