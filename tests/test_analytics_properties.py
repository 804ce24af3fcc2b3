"""Properties of the analytics that must hold for any data."""

from __future__ import annotations

import itertools
import math
import random
from datetime import UTC, date, datetime, timedelta
from unittest.mock import patch

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.analytics import paths as paths_module
from graph_service.analytics.engagement import DEFAULT, person_engagement, touch_strength
from graph_service.analytics.labels import Tier
from graph_service.analytics.paths import influence_paths, path_graph
from graph_service.analytics.portfolio import (
    account_coverage_score,
    champion_status,
    momentum,
    quintile_scores,
    target_list,
    tiers,
)
from graph_service.analytics.wallet import quantile_regression, share_of_wallet
from graph_service.domain import (
    AccountFacts,
    AccountView,
    Company,
    Deal,
    Direction,
    PathSubgraph,
    Person,
    Relationship,
    RelationshipType,
    Role,
    RoleHolding,
    Stage,
    Touch,
    TouchType,
    WalletEstimate,
)

AS_OF = date(2026, 6, 30)

touches = st.builds(
    Touch,
    id=st.uuids().map(str),
    member_id=st.just("m"),
    person_id=st.just("p"),
    type=st.sampled_from(TouchType),
    occurred_at=st.integers(0, 800).map(
        lambda d: datetime(2026, 6, 30, 12, tzinfo=UTC) - timedelta(days=d)
    ),
    direction=st.sampled_from([None, Direction.INBOUND, Direction.OUTBOUND]),
)


@given(st.lists(touches, max_size=8), touches)
def test_adding_a_touch_never_lowers_strength(before: list[Touch], extra: Touch) -> None:
    assert touch_strength([*before, extra], AS_OF) >= touch_strength(before, AS_OF)
    assert 0.0 <= touch_strength([*before, extra], AS_OF) < 1.0


@given(st.lists(touches, max_size=8), touches)
def test_adding_a_touch_never_lowers_engagement(before: list[Touch], extra: Touch) -> None:
    p = Person(id="p", company_id="c", full_name="P")
    order = {"cold": 0, "engaged": 1}
    assert (
        order[person_engagement(p, [*before, extra], AS_OF)]
        >= order[person_engagement(p, before, AS_OF)]
    )


won = st.builds(
    Deal,
    id=st.uuids().map(str),
    company_id=st.just("c"),
    stage=st.just(Stage.WON),
    amount=st.floats(0, 1e6),
    category=st.sampled_from(["a", "b", None]),
    close_date=st.integers(0, 500).map(lambda d: AS_OF - timedelta(days=d)),
)
estimate = st.builds(
    WalletEstimate,
    company_id=st.just("c"),
    category=st.sampled_from(["a", "b"]),
    amount=st.floats(1, 1e7),
    as_of=st.integers(0, 400).map(lambda d: AS_OF - timedelta(days=d)),
)


@given(st.lists(won, max_size=6), won, st.lists(estimate, min_size=1, max_size=4))
def test_adding_won_spend_never_lowers_share_of_wallet(
    deals: list[Deal], extra: Deal, wallet: list[WalletEstimate]
) -> None:
    before = share_of_wallet("c", deals, wallet, AS_OF).total.share
    after = share_of_wallet("c", [*deals, extra], wallet, AS_OF).total.share
    assert before is not None and after is not None
    assert after >= before


@settings(max_examples=60, deadline=None)
@given(
    st.integers(3, 9).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.05, 1.0)),
                max_size=20,
            ),
            st.lists(
                st.tuples(st.sampled_from(["m1", "m2"]), st.integers(0, n - 1)),
                min_size=1,
                max_size=6,
            ),
        )
    ),
    st.integers(1, 4),
)
def test_every_path_is_simple_and_as_strong_as_its_hops(data: tuple, k: int) -> None:  # type: ignore[type-arg]
    n, ties, touched = data
    g = _small_path_graph(n, ties, touched)
    paths = influence_paths(g, f"p{n - 1}", k=k, max_hops=4)
    assert len(paths) <= k
    strengths = [p.strength for p in paths]
    assert strengths == sorted(strengths, reverse=True)
    for p in paths:
        nodes = [p.member_id, *p.person_ids]
        assert len(set(p.person_ids)) == len(p.person_ids)  # simple
        assert p.person_ids[-1] == f"p{n - 1}" and len(p.hops) <= 4
        assert math.isclose(p.strength, math.prod(h.strength for h in p.hops))
        assert nodes[0] in {"m1", "m2"}


def _small_path_graph(n: int, ties: list, touched: list):  # type: ignore[no-untyped-def,type-arg]
    people = [Person(id=f"p{i}", company_id="c", full_name=f"P{i}") for i in range(n)]
    rels = [
        Relationship(
            from_person_id=f"p{a}", to_person_id=f"p{b}", type=RelationshipType.KNOWS, strength=s
        )
        for a, b, s in ties
        if a != b
    ]
    ts = [
        Touch(
            id=f"t{i}",
            member_id=m,
            person_id=f"p{p}",
            type=TouchType.CALL,
            occurred_at=datetime(2026, 6, 1, tzinfo=UTC),
        )
        for i, (m, p) in enumerate(touched)
    ]
    view = AccountView(
        company=Company(id="c", name="C"), people=people, relationships=rels, touches=ts
    )
    return path_graph(PathSubgraph.from_views([view]), AS_OF)


small_graphs = st.integers(3, 8).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.05, 1.0)),
            max_size=24,
        ),
        st.lists(
            st.tuples(st.sampled_from(["m1", "m2", "m3"]), st.integers(0, n - 1)),
            min_size=1,
            max_size=8,
        ),
    )
)


@settings(max_examples=150, deadline=None)
@given(small_graphs, st.integers(1, 5), st.integers(1, 5), st.sets(st.integers(0, 7), max_size=2))
def test_the_paths_are_the_strongest_valid_ones_of_all_simple_paths(
    data: tuple,  # type: ignore[type-arg]
    k: int,
    max_hops: int,
    avoided: set[int],
) -> None:
    """Against brute force: every simple path from a member, within the hops, avoiding people."""
    n, ties, touched = data
    g = _small_path_graph(n, ties, touched)
    target = f"p{n - 1}"
    avoid = [f"p{i}" for i in avoided if i != n - 1]
    paths = influence_paths(g, target, k=k, max_hops=max_hops, avoid_person_ids=avoid)
    everything = sorted(
        (
            math.prod(g[u][v]["strength"] for u, v in itertools.pairwise(nodes))
            for m in [x for x, d in g.nodes(data=True) if d["kind"] == "member"]
            if f"p:{target}" in g
            for nodes in nx.all_simple_paths(g, m, f"p:{target}", cutoff=max_hops)
            if not {f"p:{a}" for a in avoid} & set(nodes)
        ),
        reverse=True,
    )
    assert [round(p.strength, 9) for p in paths] == [round(s, 9) for s in everything[:k]]


@settings(max_examples=60, deadline=None)
@given(small_graphs, st.integers(1, 4))
def test_the_fallback_search_finds_paths_as_strong(data: tuple, k: int) -> None:  # type: ignore[type-arg]
    n, ties, touched = data
    g = _small_path_graph(n, ties, touched)
    best = influence_paths(g, f"p{n - 1}", k=k, max_hops=4)
    with patch.object(paths_module, "EXPANSION_LIMIT", 0):
        fallback = influence_paths(g, f"p{n - 1}", k=k, max_hops=4)
    assert [round(p.strength, 9) for p in fallback] == [round(p.strength, 9) for p in best]


@given(st.integers(0, 400))
def test_tiers_partition_the_ranked_list_in_the_stated_proportions(n: int) -> None:
    result = tiers(n, (0.05, 0.15, 0.30))
    assert len(result) == n
    counts = [result.count(t) for t in (Tier.ONE_TO_ONE, Tier.ONE_TO_FEW, Tier.ONE_TO_MANY)]
    assert counts[0] == math.ceil(n * 0.05 - 1e-9)
    assert counts[0] + counts[1] == math.ceil(n * 0.20 - 1e-9)
    assert sum(counts) == math.ceil(n * 0.50 - 1e-9)
    assert result == sorted(result, key=list(Tier).index)  # tiers never interleave


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50))
def test_quintile_scores_are_1_to_5_and_monotone(values: list[float]) -> None:
    scores = quintile_scores(values)
    assert all(1 <= s <= 5 for s in scores)
    for v1, s1 in zip(values, scores, strict=True):
        for v2, s2 in zip(values, scores, strict=True):
            if v1 < v2:
                assert s1 <= s2
            if v1 == v2:
                assert s1 == s2  # ties share their average rank
    # the largest value's average rank is at least the middle one
    assert max(scores) >= 3


@given(st.lists(st.integers(0, 5).map(float), min_size=1, max_size=40))
def test_zero_scores_lowest_whatever_its_rank(values: list[float]) -> None:
    scores = quintile_scores(values, zero_scores_lowest=True)
    assert all(s == 1 for v, s in zip(values, scores, strict=True) if v == 0)
    assert all(1 <= s <= 5 for s in scores)


@st.composite
def account_facts(draw: st.DrawFn, i: int) -> AccountFacts:
    """One account's rollup with random touches, roles, spend and wallet."""
    won = draw(st.integers(0, 4))
    return AccountFacts(
        company=Company(id=f"c{i:03d}", name=f"C{i}"),
        owner_ids=[],
        won_window_spend=float(draw(st.integers(0, 5)) * 1000 if won else 0),
        won_window_count=won,
        won_all_spend=float(won * 1000),
        won_all_count=won,
        last_won=AS_OF - timedelta(days=draw(st.integers(0, 900))) if won else None,
        open_deals=0,
        spend_by_category={},
        spend_by_channel={},
        wallet_by_category=draw(st.sampled_from([{}, {"a": 5000.0}, {"a": 2000.0, "b": 9000.0}])),
        touches_recent=draw(st.integers(0, 6)),
        touches_prior=draw(st.integers(0, 6)),
        roles=[
            RoleHolding(role, f"p{j}", engaged)
            for j, (role, engaged) in enumerate(
                draw(st.lists(st.tuples(st.sampled_from(Role), st.booleans()), max_size=5))
            )
        ],
        next_action=None,
    )


portfolios = st.integers(1, 25).flatmap(
    lambda n: st.tuples(*(account_facts(i) for i in range(n))).map(list)
)


@settings(max_examples=60, deadline=None)
@given(portfolios)
def test_target_scores_follow_their_definitions_per_account(facts: list[AccountFacts]) -> None:
    """Each component as its one-account definition gives it, the score their weighted mean,
    the list ranked by score then id, and the reasons the heaviest weighted components."""
    targets = target_list(facts, AS_OF)
    weights = DEFAULT.score_weights
    by_id = {f.company.id: f for f in facts}
    for t in targets:
        f = by_id[t.account_id]
        assert t.components["momentum"] == momentum(f.touches_recent, f.touches_prior)
        assert t.components["coverage"] == account_coverage_score(f)
        assert t.champion == champion_status(f)
        expected = sum(weights[k] * v for k, v in t.components.items()) / sum(weights.values())
        assert t.score == pytest.approx(expected, abs=1e-12)
        assert len(t.reasons) == 3
    assert [t.account_id for t in targets] == [
        t.account_id for t in sorted(targets, key=lambda t: (-t.score, t.account_id))
    ]
    assert [t.rank for t in targets] == list(range(1, len(facts) + 1))


def _pinball(
    intercept: float, coef: list[float], x: list[list[float]], y: list[float], q: float
) -> float:
    loss = 0.0
    for row, target in zip(x, y, strict=True):
        r = target - intercept - sum(c * v for c, v in zip(coef, row, strict=True))
        loss += q * r if r >= 0 else (q - 1) * r
    return loss


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 10), st.floats(0, 10), st.floats(0, 1e4)), min_size=3, max_size=40
    ),
    st.sampled_from([0.1, 0.5, 0.9]),
)
def test_quantile_regression_reaches_the_least_pinball_loss(
    rows: list[tuple[float, float, float]], q: float
) -> None:
    """As low a loss as scikit-learn's QuantileRegressor on the same data (the same program)."""
    from sklearn.linear_model import QuantileRegressor

    x = [[a, b] for a, b, _ in rows]
    y = [t for _, _, t in rows]
    intercept, coef = quantile_regression(x, y, q)
    reference = QuantileRegressor(quantile=q, alpha=0.0, solver="highs").fit(x, y)
    theirs = _pinball(float(reference.intercept_), [float(c) for c in reference.coef_], x, y, q)
    assert _pinball(intercept, coef, x, y, q) <= theirs + 1e-6 * (1 + abs(theirs))


def test_quantile_regression_matches_scikit_learn() -> None:
    """Same coefficients as QuantileRegressor(alpha=0, solver="highs") on a seeded sample."""
    from sklearn.linear_model import QuantileRegressor

    rng = random.Random(3)
    x = [[rng.uniform(0, 5), rng.uniform(0, 3), float(rng.random() < 0.3)] for _ in range(300)]
    y = [100 + 40 * a - 25 * b + 60 * c + rng.gauss(0, 30) for a, b, c in x]
    for q in (0.25, 0.5, 0.9):
        intercept, coef = quantile_regression(x, y, q)
        reference = QuantileRegressor(quantile=q, alpha=0.0, solver="highs").fit(x, y)
        assert intercept == pytest.approx(float(reference.intercept_), abs=1e-6)
        assert coef == pytest.approx([float(c) for c in reference.coef_], abs=1e-6)
