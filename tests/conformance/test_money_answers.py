"""Answers in one currency on a hand-made multi-currency portfolio, on both stores.

Every expected value is worked out in ``tests/money_fixtures.py``'s table (JPY reporting
currency; USD with a static and a dated rate; EUR static; BRL with no rate), as of 2026-11-01.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from graph_service.analytics import queries
from graph_service.analytics.engagement import DEFAULT
from graph_service.analytics.labels import Segment, Tier
from graph_service.analytics.portfolio import ltv_share_analysis
from graph_service.domain import Unconverted
from graph_service.errors import InvalidArgumentError
from graph_service.export import ExportFormat, export_target_list
from graph_service.store.base import Store
from tests.fixtures import load
from tests.money_fixtures import AS_OF, MULTI_CURRENCY

IN_USD = replace(DEFAULT, currency="USD")

#: What o2 holds in BRL, which no rate converts: left out of every total.
O2_LEFT_OUT = [
    Unconverted("deal", "d5", "o2", 50_000.0, "BRL"),
    Unconverted("revenue", "o2", "o2", 9e7, "BRL"),
    Unconverted("wallet", "o2||crm|2026-03-01", "o2", 400_000.0, "BRL"),
]


@pytest.fixture
def portfolio(store: Store) -> Store:
    load(store, MULTI_CURRENCY)
    return store


def test_share_of_wallet_of_the_parent_alone(portfolio: Store) -> None:
    s = queries.wallet_share(portfolio, "p1", AS_OF)
    # d1 1,000,000 JPY against p1's own 20,000,000 JPY estimate
    assert (s.currency, s.total.spend, s.total.wallet) == ("JPY", 1_000_000, 20_000_000)
    assert (s.total.share, s.total.whitespace) == (0.05, 19_000_000)
    assert s.unconverted == []


def test_share_of_wallet_with_subsidiaries_in_three_currencies(portfolio: Store) -> None:
    s = queries.wallet_share(portfolio, "p1", AS_OF, include_subsidiaries=True)
    # spend d1 + d2 + d3 + d4 = 1,000,000 + 1,000,000 + 1,250,000 + 1,000,000
    # wallet p1 + s1 + s2 = 20,000,000 + 10,000,000 + 5,000,000
    assert s.total.spend == pytest.approx(4_250_000)
    assert s.total.wallet == pytest.approx(35_000_000)
    assert s.total.share == pytest.approx(4_250_000 / 35_000_000)
    assert s.total.whitespace == pytest.approx(30_750_000)
    assert s.by_channel == pytest.approx({"direct": 4_250_000})


def test_a_deal_converts_at_the_dated_rate_of_its_close_day(portfolio: Store) -> None:
    s = queries.wallet_share(portfolio, "s1", AS_OF)
    # d2 10,000 USD / 0.01 (dated, March) + d3 10,000 USD / 0.008 (static, September)
    assert s.total.spend == pytest.approx(1_000_000 + 1_250_000)
    assert s.total.wallet == pytest.approx(100_000 / 0.01)  # estimate of 2026-02-01, dated


def test_amounts_with_no_rate_are_left_out_and_listed(portfolio: Store) -> None:
    s = queries.wallet_share(portfolio, "o2", AS_OF)
    assert s.total.spend == 0.0
    assert s.total.wallet is None  # its only estimate is in BRL; too few buyers to model one
    assert s.unconverted == [u for u in O2_LEFT_OUT if u.kind != "revenue"]


def test_the_family_answered_in_another_currency(portfolio: Store) -> None:
    s = queries.wallet_share(portfolio, "p1", AS_OF, include_subsidiaries=True, params=IN_USD)
    # Through JPY, on each amount's day: d1 1,000,000 JPY x 0.01 (dated) = 10,000 USD; d2 and
    # d3 are USD; d4 5,000 EUR / 0.005 x 0.01 = 10,000 USD. Wallet: p1 20,000,000 x 0.01 =
    # 200,000; s1 100,000; s2 25,000 EUR / 0.005 x 0.008 (August: static) = 40,000.
    assert s.currency == "USD"
    assert s.total.spend == pytest.approx(40_000)
    assert s.total.wallet == pytest.approx(340_000)
    assert s.total.share == pytest.approx(40_000 / 340_000)


def test_a_currency_no_rate_converts_is_refused(portfolio: Store) -> None:
    with pytest.raises(InvalidArgumentError, match="BRL"):
        queries.wallet_share(portfolio, "p1", AS_OF, params=replace(DEFAULT, currency="BRL"))


def test_the_rollup_converts_spend_revenue_and_lists_what_it_left_out(portfolio: Store) -> None:
    facts = {f.company.id: f for f in queries.portfolio_facts(portfolio, AS_OF)}
    assert {cid: f.won_window_spend for cid, f in facts.items()} == pytest.approx(
        {"o1": 2_000_000, "o2": 0, "p1": 1_000_000, "s1": 2_250_000, "s2": 1_000_000}
    )
    # d7 (1,000 USD, June 2025, static 0.008) is outside the window but in all history
    assert facts["s1"].won_all_spend == pytest.approx(2_375_000)
    assert (facts["o2"].won_all_count, str(facts["o2"].last_won)) == (1, "2026-04-01")
    # revenue converts at the as-of date's rate: 1e8 USD / 0.008 and 4e7 EUR / 0.005
    assert facts["s1"].company.annual_revenue == pytest.approx(1.25e10)
    assert facts["s2"].company.annual_revenue == pytest.approx(8e9)
    assert facts["o2"].company.annual_revenue is None
    assert sorted(facts["o2"].unconverted) == O2_LEFT_OUT
    assert all(f.currency == "JPY" for f in facts.values())


def test_rfm_monetary_ranks_converted_spend(portfolio: Store) -> None:
    rows = {r.account_id: r for r in queries.rfm_segments(portfolio, AS_OF)}
    # Score = floor(5 (rank - 0.5) / 5) + 1 with tied values at their average rank.
    # Monetary (JPY): o2 0 scores 1 (zero is lowest); p1 = s2 1,000,000 share ranks 2 and 3
    # (2.5: score 3); o1 2,000,000 rank 4; s1 2,250,000 rank 5. Recency (days): s1 32 < o1
    # 153 < s2 175 < o2 214 < p1 231, ranks 5..1. Frequency: four accounts won once (ranks 1-4,
    # 2.5: score 3), s1 twice (5).
    assert {a: (r.r, r.f, r.m) for a, r in rows.items()} == {
        "o1": (4, 3, 4),
        "o2": (2, 3, 1),
        "p1": (1, 3, 3),
        "s1": (5, 5, 5),
        "s2": (3, 3, 3),
    }
    # o2 and p1 bought once ever: dormant, not "at risk" (they never bought often)
    assert {a: r.segment for a, r in rows.items()} == {
        "o1": Segment.NEW,
        "o2": Segment.DORMANT,
        "p1": Segment.DORMANT,
        "s1": Segment.LOYAL,
        "s2": Segment.PROMISING,
    }
    assert rows["s1"].monetary == pytest.approx(2_250_000)


def test_ltv_and_share_points_are_in_one_currency(portfolio: Store) -> None:
    analysis = ltv_share_analysis(queries.portfolio_facts(portfolio, AS_OF), AS_OF)
    points = {p.account_id: (p.ltv, p.share, p.wallet) for p in analysis.points}
    # LTV = all won spend to date; o2 has none that converts, so it is not on the plane
    expected = {
        "o1": (2_000_000, 0.2, 10_000_000),
        "p1": (1_000_000, 0.05, 20_000_000),
        "s1": (2_375_000, 0.225, 10_000_000),
        "s2": (1_000_000, 0.2, 5_000_000),
    }
    assert sorted(points) == sorted(expected)
    for account, values in expected.items():
        assert points[account] == pytest.approx(values)


def test_the_target_list_ranks_and_tiers_converted_whitespace(portfolio: Store) -> None:
    rows = queries.targets(portfolio, AS_OF)
    # whitespace (JPY): p1 19,000,000 > o1 8,000,000 > s1 7,750,000 > s2 4,000,000 > o2 none;
    # percentile over the five (o2 counts as 0): 1, 0.75, 0.5, 0.25, 0. No touches (momentum
    # 0.5) and no roles (coverage 0). RFM = (r + f + m) / 15 from the RFM test. Score =
    # 0.4 whitespace + 0.2 x 0.5 + 0.2 x 0 + 0.2 rfm:
    expected = {
        "p1": 0.4 * 1 + 0.1 + 0.2 * 7 / 15,
        "o1": 0.4 * 0.75 + 0.1 + 0.2 * 11 / 15,
        "s1": 0.4 * 0.5 + 0.1 + 0.2 * 15 / 15,
        "s2": 0.4 * 0.25 + 0.1 + 0.2 * 9 / 15,
        "o2": 0.4 * 0 + 0.1 + 0.2 * 6 / 15,
    }
    assert [t.account_id for t in rows] == list(expected)
    assert [t.score for t in rows] == pytest.approx(list(expected.values()))
    # five accounts: ceil(5 x 5%) = 1 in 1:1, ceil(5 x 20%) = 1 (none in 1:few), ceil(5 x 50%)
    assert [t.tier for t in rows] == [
        Tier.ONE_TO_ONE,
        Tier.ONE_TO_MANY,
        Tier.ONE_TO_MANY,
        Tier.UNTIERED,
        Tier.UNTIERED,
    ]
    assert [t.whitespace for t in rows] == pytest.approx(
        [19_000_000, 8_000_000, 7_750_000, 4_000_000, None]
    )
    assert {t.currency for t in rows} == {"JPY"}
    assert sorted(rows[-1].unconverted) == O2_LEFT_OUT


def test_the_store_counts_the_currencies_amounts_are_in(portfolio: Store) -> None:
    # deals: JPY d1 d6, USD d2 d3 d7 d8, EUR d4, BRL d5; estimates: JPY p1 o1, USD, EUR, BRL
    assert portfolio.amount_currencies() == {"BRL": 2, "EUR": 2, "JPY": 4, "USD": 5}


def test_the_export_is_in_one_currency_and_lists_what_it_left_out(
    portfolio: Store, tmp_path: Path
) -> None:
    out = export_target_list(portfolio, AS_OF, tmp_path / "targets.csv", ExportFormat.CSV)
    assert [t.account_id for t in out] == ["p1", "o1", "s1", "s2", "o2"]
    with (tmp_path / "targets.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {r["account_id"]: r for r in csv.DictReader(f)}
    assert {a: r["currency"] for a, r in rows.items()} == dict.fromkeys(rows, "JPY")
    # whitespace from the target-list test, in JPY; o2's wallet is unknown
    assert {a: r["whitespace"] for a, r in rows.items()} == {
        "p1": "19000000.0",
        "o1": "8000000.0",
        "s1": "7750000.0",
        "s2": "4000000.0",
        "o2": "",
    }
    assert rows["o2"]["unconverted"] == (
        "deal d5: 50000 BRL; revenue o2: 90000000 BRL; wallet o2||crm|2026-03-01: 400000 BRL"
    )
    assert {a for a, r in rows.items() if r["unconverted"]} == {"o2"}
