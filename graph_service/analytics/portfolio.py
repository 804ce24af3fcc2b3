"""Portfolio-wide answers over per-account rollups: RFM, LTV x share of wallet, target list.

All functions take :class:`~graph_service.domain.AccountFacts` (one per account, from either
store) and return plain dataclasses.

**RFM** (over accounts with at least one won deal on or before the as-of date): recency = days
since the last won deal, frequency = won deals closed in the spend window, monetary = won spend
in the window. Each becomes a quintile score 1-5 by mid-rank percentile over the portfolio's
buyers: ``p = (rank - 0.5) / n``, score ``floor(5 p) + 1``, where tied values share the average
of their ranks (so a portfolio of equal values scores 3 throughout); fewer days since the last
purchase scores higher. A frequency or monetary value of zero (nothing won in the window, or
nothing that converts) always scores 1, the lowest. Segments, first matching row wins:

============  ==============================  ==============================
segment       rule                            meaning
============  ==============================  ==============================
new           R >= 4 and won ever = 1         bought for the first time, recently
loyal         R >= 4 and F >= 4               buys often and lately
promising     R >= 3                          bought lately, not yet often
at_risk       R <= 2, F >= 3, won ever >= 2   used to buy often, not lately
dormant       R <= 2                          neither often nor lately
============  ==============================  ==============================

Accounts that never bought are segment ``prospect`` with no scores.

**LTV** = average won deal value x number of won deals over the account's history up to the
as-of date (that is, all won spend). The **trend** is a robust (Huber) line of share of wallet
against log10 LTV over accounts with both; an account **breaks the pattern** when its residual,
divided by the residuals' robust scale (1.4826 x MAD), is at least ``outlier_z`` (2) away.

**Target score** in [0, 1]: the weighted mean of four components, each in [0, 1] —
whitespace (percentile rank of whitespace across the portfolio), momentum
(``(recent - prior) / (recent + prior)`` touches, mapped from [-1, 1] to [0, 1]; 0.5 without
touches), coverage (account coverage score) and RFM ((R + F + M) / 15; 0 for prospects).
Default weights 0.4 / 0.2 / 0.2 / 0.2. **Tiers** over the ranked list: the first
``ceil(5% n)`` accounts tier 1 (one-to-one), up to ``ceil(20% n)`` tier 2 (one-to-few), up to
``ceil(50% n)`` tier 3 (one-to-many), the rest untiered.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from graph_service.analytics.engagement import DEFAULT, Engagement
from graph_service.analytics.labels import Segment, Tier
from graph_service.analytics.params import AnalyticsParams
from graph_service.analytics.wallet import (
    Share,
    WalletModel,
    fit_wallet_model,
    share,
)
from graph_service.bulk import gc_paused
from graph_service.domain import AccountFacts, Role, Unconverted


@dataclass(frozen=True, slots=True)
class Rfm:
    """One account's RFM scores and segment (scores None for prospects)."""

    account_id: str
    recency_days: int | None
    frequency: int
    monetary: float
    r: int | None
    f: int | None
    m: int | None
    segment: Segment
    #: ``monetary``'s currency, and the account's amounts no rate converts (left out of it).
    currency: str = ""
    unconverted: list[Unconverted] = field(default_factory=list)


def quintile_scores(values: Sequence[float], *, zero_scores_lowest: bool = False) -> list[int]:
    """Scores 1-5 by mid-rank percentile, higher value scoring higher; ties share the average
    rank; with ``zero_scores_lowest``, a value of zero (or less) scores 1 whatever its rank.

    >>> quintile_scores([10, 20, 30, 40, 50])
    [1, 2, 3, 4, 5]
    >>> quintile_scores([7, 7, 7])
    [3, 3, 3]
    >>> quintile_scores([0, 0, 0, 0, 5], zero_scores_lowest=True)
    [1, 1, 1, 1, 5]
    """
    if not values:
        return []
    array = np.asarray(values, dtype=float)
    n = len(array)
    # the average 1-based rank of each value: ties share the mean of the ranks they span
    below = np.searchsorted(np.sort(array), array, side="left")
    at_or_below = np.searchsorted(np.sort(array), array, side="right")
    rank = (below + 1 + at_or_below) / 2
    scores_array = np.clip(np.floor(5 * (rank - 0.5) / n) + 1, 1, 5).astype(int)
    if zero_scores_lowest:
        scores_array = np.where(array <= 0, 1, scores_array)
    scores: list[int] = scores_array.tolist()
    return scores


def segment(r: int, f: int, won_ever: int) -> Segment:
    """The segment of an R and F score (see the module's table).

    >>> segment(5, 5, 12), segment(5, 1, 1), segment(1, 5, 9), segment(1, 1, 2)
    (<Segment.LOYAL: 'loyal'>, <Segment.NEW: 'new'>, <Segment.AT_RISK: 'at_risk'>, \
<Segment.DORMANT: 'dormant'>)
    >>> segment(1, 5, 1)  # bought once: it never bought often
    <Segment.DORMANT: 'dormant'>
    """
    if r >= 4 and won_ever == 1:
        return Segment.NEW
    if r >= 4 and f >= 4:
        return Segment.LOYAL
    if r >= 3:
        return Segment.PROMISING
    if r <= 2 and f >= 3 and won_ever >= 2:
        return Segment.AT_RISK
    if r <= 2:
        return Segment.DORMANT
    return Segment.NEEDS_ATTENTION  # pragma: no cover - every score is covered above


def rfm(facts: Sequence[AccountFacts], as_of: date) -> list[Rfm]:
    """RFM scores and segments of every account, in the order given."""
    buyers = [f for f in facts if f.last_won is not None]
    recency = [-(as_of - f.last_won).days for f in buyers]  # type: ignore[operator]
    r_scores = dict(zip((f.company.id for f in buyers), quintile_scores(recency), strict=True))
    f_scores = dict(
        zip(
            (f.company.id for f in buyers),
            quintile_scores([f.won_window_count for f in buyers], zero_scores_lowest=True),
            strict=True,
        )
    )
    m_scores = dict(
        zip(
            (f.company.id for f in buyers),
            quintile_scores([f.won_window_spend for f in buyers], zero_scores_lowest=True),
            strict=True,
        )
    )
    out = []
    for f in facts:
        cid = f.company.id
        if f.last_won is None:
            out.append(
                Rfm(
                    cid,
                    None,
                    0,
                    0.0,
                    None,
                    None,
                    None,
                    Segment.PROSPECT,
                    f.currency,
                    f.unconverted,
                )
            )
            continue
        r, fr, m = r_scores[cid], f_scores[cid], m_scores[cid]
        out.append(
            Rfm(
                cid,
                (as_of - f.last_won).days,
                f.won_window_count,
                f.won_window_spend,
                r,
                fr,
                m,
                segment(r, fr, f.won_all_count),
                f.currency,
                f.unconverted,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class AccountWallet:
    """An account's total share of wallet, explicit or modeled."""

    account_id: str
    share: Share


def portfolio_wallets(
    facts: Sequence[AccountFacts], params: AnalyticsParams = DEFAULT
) -> tuple[dict[str, AccountWallet], WalletModel | None]:
    """Every account's share of wallet; a modeled wallet where no estimate exists.

    The facts are already as of a date: their spend and explicit wallet are that date's.

    The model's inputs for an account are ``model.features(company)``.
    """
    spend = {f.company.id: f.won_window_spend for f in facts}
    model = fit_wallet_model([f.company for f in facts], spend, params.wallet_quantile)
    out = {}
    for f in facts:
        if f.wallet_by_category:
            out[f.company.id] = AccountWallet(
                f.company.id, share(f.won_window_spend, sum(f.wallet_by_category.values()))
            )
            continue
        modeled = model.predict(f.company) if model else None
        if modeled is not None and model is not None:
            out[f.company.id] = AccountWallet(
                f.company.id, share(f.won_window_spend, modeled, modeled=True)
            )
        else:
            out[f.company.id] = AccountWallet(f.company.id, share(f.won_window_spend, None))
    return out, model


@dataclass(frozen=True, slots=True)
class LtvPoint:
    """An account on the LTV x share-of-wallet plane."""

    account_id: str
    name: str
    ltv: float
    share: float
    wallet: float
    whitespace: float
    modeled: bool
    residual_z: float | None = None
    label: str | None = None
    #: The currency of ``ltv``, ``wallet`` and ``whitespace``; the amounts left out of them.
    currency: str = ""
    unconverted: list[Unconverted] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LtvShareAnalysis:
    """Points, the fitted trend (share = intercept + slope x log10 LTV) and the outliers."""

    points: list[LtvPoint]
    slope: float | None
    intercept: float | None
    scale: float | None
    outliers: list[LtvPoint] = field(default_factory=list)


def ltv(f: AccountFacts) -> float:
    """Average won deal value x number of won deals (all history to the as-of date)."""
    if f.won_all_count == 0:
        return 0.0
    return (f.won_all_spend / f.won_all_count) * f.won_all_count


def ltv_share_analysis(
    facts: Sequence[AccountFacts], as_of: date, params: AnalyticsParams = DEFAULT
) -> LtvShareAnalysis:
    """The seller's two-axis view, with the accounts that break the portfolio's pattern."""
    from sklearn.linear_model import HuberRegressor

    wallets, _ = portfolio_wallets(facts, params)
    points = []
    for f in facts:
        w = wallets[f.company.id].share
        value = ltv(f)
        if value > 0 and w.share is not None and w.wallet is not None:
            points.append(
                LtvPoint(
                    f.company.id,
                    f.company.name,
                    value,
                    w.share,
                    w.wallet,
                    w.whitespace or 0.0,
                    w.modeled,
                    currency=f.currency,
                    unconverted=f.unconverted,
                )
            )
    if len(points) < 4:
        return LtvShareAnalysis(points, None, None, None)
    x = [[math.log10(p.ltv)] for p in points]
    y = [p.share for p in points]
    reg = HuberRegressor().fit(x, y)
    slope, intercept = float(reg.coef_[0]), float(reg.intercept_)
    residuals = [yi - (intercept + slope * xi[0]) for xi, yi in zip(x, y, strict=True)]
    med = sorted(residuals)[len(residuals) // 2]
    mad = sorted(abs(r - med) for r in residuals)[len(residuals) // 2]
    scale = 1.4826 * mad if mad > 0 else None
    median_ltv = sorted(p.ltv for p in points)[len(points) // 2]
    median_wallet = sorted(p.wallet for p in points)[len(points) // 2]
    scored = []
    for p, r in zip(points, residuals, strict=True):
        z = r / scale if scale else 0.0
        label = None
        if abs(z) >= params.outlier_z:
            if z > 0 and p.ltv >= median_ltv:
                label = "high share at high value: study why they buy"
            elif z < 0 and p.wallet >= median_wallet:
                label = "large wallet, low share: target"
            else:
                label = "above trend" if z > 0 else "below trend"
        scored.append(dataclasses.replace(p, residual_z=z, label=label))
    outliers = sorted((p for p in scored if p.label), key=lambda p: -abs(p.residual_z or 0))
    return LtvShareAnalysis(scored, slope, intercept, scale, outliers)


def held_roles(f: AccountFacts) -> dict[Role, bool]:
    """Each role someone holds at the account, and whether someone engaged holds it."""
    engaged: dict[Role, bool] = {}
    for r in f.roles:
        engaged[r.role] = engaged.get(r.role, False) or r.engaged
    return engaged


def account_coverage_score(
    f: AccountFacts, params: AnalyticsParams = DEFAULT, held: dict[Role, bool] | None = None
) -> float:
    """The coverage score from a rollup's role holdings (engaged 1, cold 0.5, missing 0).

    ``held`` is :func:`held_roles` of ``f`` where the caller has it already.
    """
    if not params.required_roles:
        return 0.0
    engaged = held_roles(f) if held is None else held
    total = sum(
        0.0 if role not in engaged else 1.0 if engaged[role] else 0.5
        for role in params.required_roles
    )
    return total / len(params.required_roles)


def champion_status(f: AccountFacts, held: dict[Role, bool] | None = None) -> Engagement:
    """Engaged, cold or missing champion, from a rollup (``held`` as for coverage)."""
    engaged = held_roles(f) if held is None else held
    if Role.CHAMPION not in engaged:
        return Engagement.MISSING
    return Engagement.ENGAGED if engaged[Role.CHAMPION] else Engagement.COLD


@dataclass(slots=True)
class Target:
    """An account on the target list.

    Not frozen, unlike most records here: a list holds one per account, and a frozen
    dataclass of this many fields takes twice as long to build. Treat it as read-only.
    """

    account_id: str
    name: str
    industry: str | None
    country: str | None
    owner_ids: list[str]
    score: float
    rank: int
    tier: Tier
    reasons: list[str]
    components: dict[str, float]
    whitespace: float | None
    share_of_wallet: float | None
    wallet_modeled: bool
    coverage: float
    champion: Engagement
    segment: Segment
    next_action: str | None
    #: The currency of ``whitespace``; the account's amounts no rate converts (left out).
    currency: str = ""
    unconverted: list[Unconverted] = field(default_factory=list)


def percentile_ranks(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Percentile rank in [0, 1]: how many values are below, over n - 1 (one value -> 1).

    >>> percentile_ranks(np.array([30.0, 10.0, 20.0, 20.0])).tolist()
    [1.0, 0.0, 0.3333333333333333, 0.3333333333333333]
    """
    n = len(values)
    if n <= 1:
        return np.ones(n)
    ranks: npt.NDArray[np.float64] = np.searchsorted(np.sort(values), values, side="left") / (n - 1)
    return ranks


def momentum(recent: int, prior: int) -> float:
    """Touch trend mapped to [0, 1]: 1 all recent, 0 all prior, 0.5 flat or no touches.

    >>> momentum(6, 2), momentum(0, 0), momentum(0, 4)
    (0.75, 0.5, 0.0)
    """
    if recent + prior == 0:
        return 0.5
    return ((recent - prior) / (recent + prior) + 1) / 2


def tiers(n: int, shares: tuple[float, float, float]) -> list[Tier]:
    """The tier of each rank position 0..n-1 (cumulative ceilings of the shares).

    >>> [t.value for t in tiers(6, (0.05, 0.15, 0.30))]
    ['1:1', '1:few', '1:many', 'untiered', 'untiered', 'untiered']
    """
    b1 = math.ceil(n * shares[0] - 1e-9)
    b2 = math.ceil(n * (shares[0] + shares[1]) - 1e-9)
    b3 = math.ceil(n * (shares[0] + shares[1] + shares[2]) - 1e-9)
    return [
        Tier.ONE_TO_ONE
        if i < b1
        else Tier.ONE_TO_FEW
        if i < b2
        else Tier.ONE_TO_MANY
        if i < b3
        else Tier.UNTIERED
        for i in range(n)
    ]


@gc_paused()
def target_list(
    facts: Sequence[AccountFacts],
    as_of: date,
    params: AnalyticsParams = DEFAULT,
    weights: Mapping[str, float] | None = None,
) -> list[Target]:
    """Every account scored, ranked (best first; ties by id) and tiered, with reasons."""
    weights = dict(weights or params.score_weights)
    unknown = set(weights) - {"whitespace", "momentum", "coverage", "rfm"}
    if unknown:
        raise ValueError(f"unknown score components: {', '.join(sorted(unknown))}")
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    if not math.isfinite(sum(weights.values())):  # inf, NaN, or a sum that overflows
        raise ValueError(
            "weights must be finite and their sum too (only their ratios matter: "
            "they are normalized to sum 1)"
        )
    wallets, _ = portfolio_wallets(facts, params)
    rfms = rfm(facts, as_of)
    n = len(facts)
    held = {f.company.id: held_roles(f) for f in facts}
    white = np.fromiter(
        (wallets[f.company.id].share.whitespace or 0.0 for f in facts), dtype=float, count=n
    )
    recent = np.fromiter((f.touches_recent for f in facts), dtype=float, count=n)
    prior = np.fromiter((f.touches_prior for f in facts), dtype=float, count=n)
    touched = recent + prior
    columns = {
        "whitespace": np.where(white > 0, percentile_ranks(white), 0.0),
        # momentum(), over every account at once
        "momentum": np.where(
            touched > 0, ((recent - prior) / np.where(touched > 0, touched, 1) + 1) / 2, 0.5
        ),
        "coverage": np.fromiter(
            (account_coverage_score(f, params, held[f.company.id]) for f in facts),
            dtype=float,
            count=n,
        ),
        "rfm": np.fromiter(
            (((r.r or 0) + (r.f or 0) + (r.m or 0)) / 15 for r in rfms), dtype=float, count=n
        ),
    }
    total = sum(weights.values())
    weighted = np.zeros(n)
    for k, column in columns.items():  # in the order the components are listed
        weighted = weighted + weights.get(k, 0.0) * column
    scores: list[float] = (weighted / total).tolist()
    names = list(columns)
    comps_of = [
        dict(zip(names, values, strict=True))
        for values in zip(*(c.tolist() for c in columns.values()), strict=True)
    ]
    # The reasons: the three largest weighted components (ties by name) that carry weight.
    by_name = sorted(names)
    contributions = np.column_stack([weights.get(k, 0.0) * columns[k] for k in by_name])
    firsts = np.argsort(-contributions, axis=1, kind="stable")[:, :3].tolist()
    top = [[by_name[i] for i in first if weights.get(by_name[i], 0.0) > 0] for first in firsts]
    rows = sorted(
        zip(facts, comps_of, scores, rfms, top, strict=True),
        key=lambda t: (-t[2], t[0].company.id),
    )
    tier_of = tiers(len(rows), params.tier_shares)
    out = []
    for rank, ((f, comps, score, r, reasons), tier) in enumerate(
        zip(rows, tier_of, strict=True), start=1
    ):
        cid = f.company.id
        w = wallets[cid].share
        out.append(
            Target(
                account_id=cid,
                name=f.company.name,
                industry=f.company.industry,
                country=f.company.country,
                owner_ids=f.owner_ids,
                score=score,
                rank=rank,
                tier=tier,
                reasons=[_reason(k, f, comps, w, r, params) for k in reasons],
                components=comps,
                whitespace=w.whitespace,
                share_of_wallet=w.share,
                wallet_modeled=w.modeled,
                coverage=comps["coverage"],
                champion=champion_status(f, held[cid]),
                segment=r.segment,
                next_action=(
                    f"{f.next_action.due_date}: {f.next_action.description}"
                    if f.next_action
                    else None
                ),
                currency=f.currency,
                unconverted=f.unconverted,
            )
        )
    return out


def _reason(
    k: str, f: AccountFacts, comps: dict[str, float], w: Share, r: Rfm, params: AnalyticsParams
) -> str:
    """Score component ``k`` of an account in words."""
    if k == "whitespace":
        if w.whitespace is None or w.share is None:
            return "wallet unknown"
        modeled = " (modeled wallet)" if w.modeled else ""
        return (
            f"whitespace {w.whitespace:,.0f} {f.currency}{modeled}, share of wallet {w.share:.0%}"
        )
    if k == "momentum":
        return (
            f"{f.touches_recent} touches in the last {params.engagement_days} days "
            f"vs {f.touches_prior} before"
        )
    if k == "coverage":
        return f"buying-group coverage {comps['coverage']:.0%}"
    if r.r is None:
        return "no purchase yet"
    return f"{r.segment.value.replace('_', ' ')} customer (RFM {r.r}-{r.f}-{r.m})"
