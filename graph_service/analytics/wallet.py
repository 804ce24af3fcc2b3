"""Share of wallet (個客シェア): what an account spends with us against its spend in our category.

Definitions:

* **Spend** is the amount of won deals whose close date falls in the spend window (the 365 days
  up to and including the as-of date). Every amount here is in one currency, the answer's:
  callers convert deals and estimates first (:func:`graph_service.money.in_reporting_currency`)
  and pass what could not be converted as ``unconverted``, which no total includes.
* **Wallet** is the latest estimate on or before the as-of date for each (unit, category). The
  account's wallet in a category is its company-wide estimate (no unit); when only unit
  estimates exist for that category, their sum.
* **Share of wallet** = spend / wallet (None when the wallet is unknown or zero). A share above 1
  is reported as it is and flagged ``stale`` (the estimate is out of date), never clipped.
* **Whitespace** = max(wallet - spend, 0).
* A **modeled wallet** (where no estimate exists) is the 0.9-quantile regression of spend on
  log annual revenue, log employees and industry over the portfolio's buying accounts: what the
  best comparable customers spend (Perlich, Rosset et al., KDD 2007). It is always marked
  ``modeled`` and never summed with explicit estimates.
* The **Wallet Allocation Rule** share (Keiningham et al.) from a survey's vendor rank r among n
  vendors: (1 - r / (n + 1)) x 2 / n.

>>> share(spend=50.0, wallet=200.0)
Share(spend=50.0, wallet=200.0, share=0.25, whitespace=150.0, stale=False, modeled=False)
>>> share(spend=300.0, wallet=200.0).stale
True
>>> round(wallet_allocation_share(rank=1, vendors=3), 3)
0.5
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from graph_service.analytics.engagement import DEFAULT
from graph_service.analytics.params import AnalyticsParams
from graph_service.as_of import in_window, latest_estimates, wallet_by_category
from graph_service.domain import Company, Deal, Stage, Unconverted, WalletEstimate

UNCATEGORIZED = ""


@dataclass(frozen=True, slots=True)
class Share:
    """Spend against wallet for one scope."""

    spend: float
    wallet: float | None
    share: float | None
    whitespace: float | None
    stale: bool
    modeled: bool = False


def share(spend: float, wallet: float | None, *, modeled: bool = False) -> Share:
    """Spend against a wallet (None: unknown)."""
    if wallet is None or wallet <= 0:
        return Share(spend, wallet, None, None, False, modeled)
    ratio = spend / wallet
    return Share(spend, wallet, ratio, max(wallet - spend, 0.0), ratio > 1.0, modeled)


def wallet_allocation_share(rank: int, vendors: int) -> float:
    """Share of wallet from our rank among ``vendors`` (the Wallet Allocation Rule)."""
    if vendors < 1 or not 1 <= rank <= vendors:
        raise ValueError(f"rank {rank} among {vendors} vendors")
    return (1 - rank / (vendors + 1)) * 2 / vendors


def won_in_window(deals: Iterable[Deal], as_of: date, days: int) -> list[Deal]:
    """Won deals closed in the window."""
    return [
        d
        for d in deals
        if d.stage is Stage.WON
        and d.close_date is not None
        and in_window(d.close_date, as_of, days)
    ]


@dataclass(frozen=True, slots=True)
class WalletLine:
    """Share of wallet in one scope: a category, a business unit, or a unit's category."""

    bu_id: str | None
    category: str | None
    share: Share


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """Share of wallet by the Wallet Allocation Rule, from one survey estimate."""

    bu_id: str | None
    category: str
    vendor_rank: int
    vendor_count: int
    share: float


@dataclass(frozen=True, slots=True)
class ShareOfWallet:
    """One account's share of wallet, alone or with its subsidiaries."""

    account_id: str
    as_of: date
    company_ids: list[str]
    total: Share
    by_category: list[WalletLine]
    by_unit: list[WalletLine]
    by_channel: dict[str, float]
    wallet_allocation: list[AllocationLine] = field(default_factory=list)
    model_inputs: dict[str, float | str | None] | None = None
    #: The currency of every amount above (ISO 4217).
    currency: str | None = None
    #: Amounts of these companies left out of every total: no rate converts them.
    unconverted: list[Unconverted] = field(default_factory=list)


def share_of_wallet(
    account_id: str,
    deals: Sequence[Deal],
    wallet: Sequence[WalletEstimate],
    as_of: date,
    params: AnalyticsParams = DEFAULT,
    *,
    modeled_wallet: float | None = None,
    model_inputs: dict[str, float | str | None] | None = None,
    company_ids: Sequence[str] = (),
    currency: str | None = None,
    unconverted: Sequence[Unconverted] = (),
) -> ShareOfWallet:
    """Share of wallet over the given deals and estimates (one company, or a family), all in
    ``currency``.

    ``modeled_wallet`` is used for the total only when there is no explicit estimate at all.
    """
    ids = sorted(
        {d.company_id for d in deals}
        | {w.company_id for w in wallet}
        | {account_id}
        | set(company_ids)
    )
    won = won_in_window(deals, as_of, params.spend_window_days)
    latest = latest_estimates(wallet, as_of)
    spend_cat: dict[str, float] = defaultdict(float)
    spend_unit: dict[str, float] = defaultdict(float)
    by_channel: dict[str, float] = defaultdict(float)
    for d in won:
        amount = d.amount or 0.0
        spend_cat[d.category or UNCATEGORIZED] += amount
        if d.bu_id:
            spend_unit[d.bu_id] += amount
        by_channel[d.channel or UNCATEGORIZED] += amount
    wallet_cat: dict[str, float] = defaultdict(float)
    for cid in ids:
        for cat, amount in wallet_by_category([w for w in latest if w.company_id == cid]).items():
            wallet_cat[cat] += amount
    wallet_unit: dict[str, float] = defaultdict(float)
    for w in latest:
        if w.bu_id:
            wallet_unit[w.bu_id] += w.amount
    total_spend = sum(spend_cat.values())
    if wallet_cat:
        total = share(total_spend, sum(wallet_cat.values()))
    elif modeled_wallet is not None:
        total = share(total_spend, modeled_wallet, modeled=True)
    else:
        total = share(total_spend, None)
    categories = sorted(set(spend_cat) | set(wallet_cat))
    units = sorted(set(spend_unit) | set(wallet_unit))
    war = [
        AllocationLine(
            bu_id=w.bu_id,
            category=w.category,
            vendor_rank=w.vendor_rank,
            vendor_count=w.vendor_count,
            share=wallet_allocation_share(w.vendor_rank, w.vendor_count),
        )
        for w in latest
        if w.vendor_rank is not None
        and w.vendor_count is not None
        and 1 <= w.vendor_rank <= w.vendor_count
    ]
    return ShareOfWallet(
        account_id=account_id,
        as_of=as_of,
        company_ids=ids,
        total=total,
        by_category=[
            WalletLine(None, c, share(spend_cat.get(c, 0.0), wallet_cat.get(c))) for c in categories
        ],
        by_unit=[
            WalletLine(u, None, share(spend_unit.get(u, 0.0), wallet_unit.get(u))) for u in units
        ],
        by_channel=dict(sorted(by_channel.items())),
        wallet_allocation=war,
        model_inputs=model_inputs if total.modeled else None,
        currency=currency,
        unconverted=sorted(unconverted),
    )


@dataclass(frozen=True, slots=True)
class WalletModel:
    """A fitted quantile regression of spend on firmographics."""

    quantile: float
    coefficients: dict[str, float]
    intercept: float
    industries: list[str]
    trained_on: int

    industry_keys: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = tuple(f"industry={ind}" for ind in self.industries)
        object.__setattr__(self, "industry_keys", keys)

    def features(self, company: Company) -> dict[str, float] | None:
        """The model's inputs for a company, or None when a firmographic is missing."""
        if not company.annual_revenue or not company.employees:
            return None
        row = {
            "log_annual_revenue": math.log(company.annual_revenue),
            "log_employees": math.log(company.employees),
        }
        row.update(dict.fromkeys(self.industry_keys, 0.0))
        own = f"industry={company.industry or ''}"
        if own in row:
            row[own] = 1.0
        return row

    def predict(self, company: Company) -> float | None:
        """The modeled wallet of ``company`` (never below zero), or None without inputs.

        Equal to the intercept plus each coefficient times its input in :meth:`features`
        (only the company's own industry indicator is not zero).
        """
        if not company.annual_revenue or not company.employees:
            return None
        c = self.coefficients
        value = self.intercept + (
            c["log_annual_revenue"] * math.log(company.annual_revenue)
            + c["log_employees"] * math.log(company.employees)
            + c.get(f"industry={company.industry or ''}", 0.0)
        )
        return max(value, 0.0)


#: The library that fits the modeled wallet (portfolio-wide answers import it in the
#: background while the store works; see :func:`quantile_regression`).
MODEL_LIBRARY = "scipy.optimize"


def quantile_regression(
    x: Sequence[Sequence[float]], y: Sequence[float], quantile: float
) -> tuple[float, list[float]]:
    """The intercept and coefficients minimizing the pinball loss of ``y`` on ``x``.

    Solved as the linear program of Koenker and Bassett (1978) with HiGHS: the same program and
    solver as scikit-learn's ``QuantileRegressor(alpha=0, solver="highs")`` (tests hold the two
    equal), called directly because importing scikit-learn costs an export over a second.
    Variables, all >= 0: the intercept and coefficients as differences of two parts, and each
    row's residual as ``u - v``; minimize ``quantile * sum(u) + (1 - quantile) * sum(v)``
    subject to ``intercept + x @ coef + u - v = y``.

    >>> b, coef = quantile_regression([[0.0], [1.0], [2.0], [3.0]], [1.0, 3.0, 5.0, 7.0], 0.5)
    >>> round(b, 6), [round(c, 6) for c in coef]
    (1.0, [2.0])
    """
    import numpy as np
    from scipy import sparse
    from scipy.optimize import linprog

    features = np.asarray(x, dtype=float)
    target = np.asarray(y, dtype=float)
    n, p = features.shape
    ones = np.ones((n, 1))
    design = sparse.csc_array(np.hstack([ones, features]))
    identity = sparse.eye_array(n, format="csc")
    a_eq = sparse.hstack([design, -design, identity, -identity], format="csc")
    cost = np.concatenate([np.zeros(2 * (p + 1)), np.full(n, quantile), np.full(n, 1 - quantile)])
    result = linprog(cost, A_eq=a_eq, b_eq=target, bounds=(0, None), method="highs")
    if not result.success:
        raise ValueError(f"quantile regression did not solve: {result.message}")
    params = result.x[: p + 1] - result.x[p + 1 : 2 * (p + 1)]
    return float(params[0]), [float(v) for v in params[1:]]


def fit_wallet_model(
    companies: Sequence[Company],
    spend: dict[str, float],
    quantile: float = 0.9,
    min_accounts: int = 5,
    max_accounts: int = 2000,
) -> WalletModel | None:
    """Fit the modeled wallet over accounts with spend and firmographics (None: too few).

    A portfolio with more than ``max_accounts`` such accounts is fitted on a seeded random
    sample of that many (the same accounts every time), which keeps the linear program small
    while a handful of coefficients stay well determined.
    """
    rows = sorted(
        (c for c in companies if spend.get(c.id, 0.0) > 0 and c.annual_revenue and c.employees),
        key=lambda c: c.id,
    )
    if len(rows) < min_accounts:
        return None
    if len(rows) > max_accounts:
        rows = sorted(random.Random(0).sample(rows, max_accounts), key=lambda c: c.id)
    industries = sorted({c.industry or "" for c in rows})[1:]  # first level is the baseline
    probe = WalletModel(quantile, {}, 0.0, industries, len(rows))
    names = list(probe.features(rows[0]) or {})
    x = [list((probe.features(c) or {}).values()) for c in rows]
    y = [spend[c.id] for c in rows]
    intercept, coefficients = quantile_regression(x, y, quantile)
    return WalletModel(
        quantile=quantile,
        coefficients=dict(zip(names, coefficients, strict=True)),
        intercept=intercept,
        industries=industries,
        trained_on=len(rows),
    )
