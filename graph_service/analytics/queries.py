"""The analytics questions, answered against a store: fetch the narrow data, run the pure parts.

These are what the GraphQL API, the CLI and the exports call; each takes an as-of date so that
answers are reproducible.

Each also takes the caller's :class:`~graph_service.domain.Scope` (default: everything). It is
resolved once with the store (:meth:`~graph_service.store.base.Store.visible_company_ids`) and
the visible ids go down into every read (a caller that resolved them already, once per
request, passes ``visible=`` instead): an account outside the scope raises the same
:class:`~graph_service.errors.NotFoundError` as one that does not exist, and portfolio answers
(target list, RFM, portfolio coverage, the modeled wallet, LTV x share) are computed over the
visible accounts only, as if the hidden ones were not in the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from graph_service.analytics.coverage import CoverageReport, coverage
from graph_service.analytics.currency import rates_for
from graph_service.analytics.engagement import DEFAULT
from graph_service.analytics.labels import Segment, Tier
from graph_service.analytics.params import AnalyticsParams
from graph_service.analytics.path_cache import AccountPathGraph, PathGraphCache
from graph_service.analytics.path_cache import fetch as fetch_path_graph
from graph_service.analytics.paths import (
    InfluencePath,
    Introducer,
    NextBestTouch,
    influence_paths,
    introducers,
    next_best_touches,
)
from graph_service.analytics.portfolio import (
    Rfm,
    Target,
    account_coverage_score,
    portfolio_wallets,
    rfm,
    target_list,
)
from graph_service.analytics.wallet import MODEL_LIBRARY, ShareOfWallet, share_of_wallet
from graph_service.bulk import import_in_background
from graph_service.domain import AccountFacts, Scope, Unconverted
from graph_service.errors import NotFoundError
from graph_service.money import Rates, in_reporting_currency
from graph_service.store.base import Store
from graph_service.store.family import account_view, family_views


def visible_ids(store: Store, scope: Scope | None) -> frozenset[str] | None:
    """The companies ``scope`` sees (``None``: every company, also when no scope is given)."""
    return None if scope is None or scope.sees_everything else store.visible_company_ids(scope)


def _seen(
    store: Store, scope: Scope | None, visible: frozenset[str] | None
) -> frozenset[str] | None:
    """The ids ``scope`` sees when a scope is given, else ``visible`` (already resolved)."""
    return visible_ids(store, scope) if scope is not None else visible


def coverage_gaps(
    store: Store,
    account_id: str,
    as_of: date,
    params: AnalyticsParams = DEFAULT,
    *,
    scope: Scope | None = None,
    visible: frozenset[str] | None = None,
    cache: PathGraphCache | None = None,
) -> CoverageReport:
    """Coverage gaps of one account (with a ``cache``, kept while the data is unchanged)."""
    visible = _seen(store, scope, visible)

    def compute() -> CoverageReport:
        return coverage(account_view(store, account_id, as_of, visible=visible), as_of, params)

    if cache is None:
        return compute()
    return cache.answer(store, ("coverage", account_id, as_of, repr(params), visible), compute)


@dataclass(frozen=True, slots=True)
class InfluenceAnswer:
    """The strongest paths to a person and who should introduce us."""

    target_person_id: str
    paths: list[InfluencePath]
    introducers: list[Introducer]


def influence(
    store: Store,
    account_id: str,
    target_person_id: str,
    as_of: date,
    *,
    k: int | None = None,
    max_hops: int | None = None,
    from_member_ids: Sequence[str] | None = None,
    any_member: bool = False,
    avoid_person_ids: Sequence[str] = (),
    params: AnalyticsParams = DEFAULT,
    cache: PathGraphCache | None = None,
    scope: Scope | None = None,
    visible: frozenset[str] | None = None,
) -> InfluenceAnswer:
    """Influence paths over the account's family (the account and its subsidiaries).

    Paths start from ``from_member_ids`` when given, from every member who touched the family
    when ``any_member``, and otherwise from the account team. With a ``cache``, the account's
    path graph is reused while the store's data is unchanged.
    """
    entry = _path_graph(store, account_id, as_of, params, cache, _seen(store, scope, visible))
    if target_person_id not in entry.person_ids:
        raise NotFoundError("person at this account", target_person_id)
    if from_member_ids is not None:
        sources: list[str] | None = list(from_member_ids)
    elif any_member:
        sources = None
    else:
        sources = entry.account_team
    paths = influence_paths(
        entry.graph,
        target_person_id,
        from_member_ids=sources,
        avoid_person_ids=avoid_person_ids,
        k=k or params.k_paths,
        max_hops=max_hops or params.max_hops,
    )
    return InfluenceAnswer(target_person_id, paths, introducers(paths))


def next_best(
    store: Store,
    account_id: str,
    as_of: date,
    params: AnalyticsParams = DEFAULT,
    cache: PathGraphCache | None = None,
    *,
    scope: Scope | None = None,
    visible: frozenset[str] | None = None,
) -> list[NextBestTouch]:
    """For each missing or cold required role, whom to reach and the warmest first step
    (with a ``cache``, kept while the data is unchanged)."""
    visible = _seen(store, scope, visible)

    def compute() -> list[NextBestTouch]:
        view = account_view(store, account_id, as_of, visible=visible)
        entry = _path_graph(store, account_id, as_of, params, cache, visible)
        return next_best_touches(view, entry.graph, as_of, params)

    if cache is None:
        return compute()
    return cache.answer(store, ("next best", account_id, as_of, repr(params), visible), compute)


def _path_graph(
    store: Store,
    account_id: str,
    as_of: date,
    params: AnalyticsParams,
    cache: PathGraphCache | None,
    visible: frozenset[str] | None = None,
) -> AccountPathGraph:
    if cache is None:
        return fetch_path_graph(store, account_id, as_of, params, visible=visible)
    return cache.get(store, account_id, as_of, params, visible=visible)


def wallet_share(
    store: Store,
    account_id: str,
    as_of: date,
    *,
    include_subsidiaries: bool = False,
    params: AnalyticsParams = DEFAULT,
    scope: Scope | None = None,
    visible: frozenset[str] | None = None,
) -> ShareOfWallet:
    """Share of wallet of the account alone or with all its (visible) subsidiaries.

    Where no explicit estimate exists, the wallet is modeled over the whole portfolio (in a
    scope, over the visible accounts).
    """
    visible = _seen(store, scope, visible)
    views = (
        family_views(store, account_id, as_of, visible=visible)
        if include_subsidiaries
        else [account_view(store, account_id, as_of, visible=visible)]
    )
    rates = rates_for(store, params)
    money = in_reporting_currency(
        [d for v in views for d in v.deals], [w for v in views for w in v.wallet], rates, as_of
    )
    modeled = None
    inputs: dict[str, float | str | None] | None = None
    if not money.wallet:
        facts = _facts(store, as_of, params, rates, visible)
        wallets, model = portfolio_wallets(facts, params)
        companies = {v.company.id: v.company for v in views}
        found = [wallets[i] for i in companies if i in wallets and wallets[i].share.modeled]
        if found and model is not None:
            modeled = sum(w.share.wallet or 0.0 for w in found)
            inputs = {"quantile": model.quantile, "trained_on": float(model.trained_on)}
            for w in found:
                for key, value in (model.features(companies[w.account_id]) or {}).items():
                    inputs[f"{w.account_id}:{key}"] = value
    return share_of_wallet(
        account_id,
        money.deals,
        money.wallet,
        as_of,
        params,
        modeled_wallet=modeled,
        model_inputs=inputs,
        company_ids=[v.company.id for v in views],
        currency=rates.reporting,
        unconverted=money.unconverted,
    )


@dataclass(frozen=True, slots=True)
class PortfolioFilter:
    """Which accounts a portfolio answer covers; every given condition must hold.

    ``region`` matches the company's country; ``owner_id`` a member of the account team.
    """

    industry: str | None = None
    region: str | None = None
    owner_id: str | None = None
    segment: Segment | None = None
    tier: Tier | None = None
    min_whitespace: float | None = None

    def keeps(self, f: AccountFacts) -> bool:
        return (
            (self.industry is None or f.company.industry == self.industry)
            and (self.region is None or f.company.country == self.region)
            and (self.owner_id is None or self.owner_id in f.owner_ids)
        )


def portfolio_facts(
    store: Store,
    as_of: date,
    params: AnalyticsParams = DEFAULT,
    *,
    scope: Scope | None = None,
    visible: frozenset[str] | None = None,
) -> list[AccountFacts]:
    """Every (visible) account's rollup, its amounts in the answer's currency
    (:func:`rates_for`). ``visible``, already resolved, stands in for ``scope``."""
    if scope is not None:
        visible = visible_ids(store, scope)
    return _facts(store, as_of, params, rates_for(store, params), visible)


def _facts(
    store: Store,
    as_of: date,
    params: AnalyticsParams,
    rates: Rates,
    visible: frozenset[str] | None = None,
) -> list[AccountFacts]:
    return store.portfolio_facts(
        as_of,
        engagement_days=params.engagement_days,
        spend_window_days=params.spend_window_days,
        rates=rates,
        visible=visible,
    )


def targets(
    store: Store,
    as_of: date,
    where: PortfolioFilter | None = None,
    weights: dict[str, float] | None = None,
    params: AnalyticsParams = DEFAULT,
    *,
    scope: Scope | None = None,
    visible: frozenset[str] | None = None,
) -> list[Target]:
    """The ranked, tiered target list (ranked over the whole portfolio, or the scope's
    visible accounts, then filtered)."""
    where = where or PortfolioFilter()
    import_in_background(MODEL_LIBRARY)
    facts = portfolio_facts(store, as_of, params, visible=_seen(store, scope, visible))
    keep = {f.company.id for f in facts if where.keeps(f)}
    return [
        t
        for t in target_list(facts, as_of, params, weights)
        if t.account_id in keep
        and (where.segment is None or t.segment is where.segment)
        and (where.tier is None or t.tier is where.tier)
        and (where.min_whitespace is None or (t.whitespace or 0.0) >= where.min_whitespace)
    ]


def rfm_segments(
    store: Store,
    as_of: date,
    where: PortfolioFilter | None = None,
    params: AnalyticsParams = DEFAULT,
    *,
    scope: Scope | None = None,
    visible: frozenset[str] | None = None,
) -> list[Rfm]:
    """RFM of every account (scored over the whole portfolio, or the scope's visible
    accounts, then filtered)."""
    where = where or PortfolioFilter()
    facts = portfolio_facts(store, as_of, params, visible=_seen(store, scope, visible))
    keep = {f.company.id for f in facts if where.keeps(f)}
    return [
        r
        for r in rfm(facts, as_of)
        if r.account_id in keep and (where.segment is None or r.segment is where.segment)
    ]


@dataclass(frozen=True, slots=True)
class PortfolioCoverageRow:
    """One account in the portfolio coverage view."""

    account_id: str
    name: str
    coverage: float
    whitespace: float
    priority: float
    #: The currency of ``whitespace`` and ``priority``; the amounts left out of them.
    currency: str = ""
    unconverted: list[Unconverted] = field(default_factory=list)


def portfolio_coverage(
    store: Store,
    as_of: date,
    where: PortfolioFilter | None = None,
    params: AnalyticsParams = DEFAULT,
    *,
    scope: Scope | None = None,
    visible: frozenset[str] | None = None,
) -> list[PortfolioCoverageRow]:
    """All (visible) accounts sorted by whitespace x (1 - coverage), largest first (ties by
    id)."""
    where = where or PortfolioFilter()
    import_in_background(MODEL_LIBRARY)
    facts = portfolio_facts(store, as_of, params, visible=_seen(store, scope, visible))
    wallets, _ = portfolio_wallets(facts, params)
    rows = []
    for f in facts:
        if not where.keeps(f):
            continue
        cov = account_coverage_score(f, params)
        white = wallets[f.company.id].share.whitespace or 0.0
        if where.min_whitespace is not None and white < where.min_whitespace:
            continue
        rows.append(
            PortfolioCoverageRow(
                f.company.id,
                f.company.name,
                cov,
                white,
                white * (1 - cov),
                f.currency,
                f.unconverted,
            )
        )
    return sorted(rows, key=lambda r: (-r.priority, r.account_id))
