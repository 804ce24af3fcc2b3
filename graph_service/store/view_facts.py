"""Per-account rollups (:class:`~graph_service.domain.AccountFacts`) computed from an account view.

The embedded store answers ``portfolio_facts`` with this function; the Neo4j store computes the
same figures inside Cypher, and the conformance suite holds the two equal. The date rules both
follow are :mod:`graph_service.as_of`'s.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from graph_service.as_of import (
    current_view,
    has_left,
    in_window,
    is_exchange,
    is_open_at,
    role_held_on,
    touch_day,
    wallet_by_category,
)
from graph_service.domain import AccountFacts, AccountView, ActionStatus, RoleHolding, Stage
from graph_service.money import Rates, company_in_reporting_currency, in_reporting_currency


def facts_from_view(
    view: AccountView,
    as_of: date,
    *,
    engagement_days: int,
    spend_window_days: int,
    rates: Rates,
) -> AccountFacts:
    """The account's rollup as of ``as_of`` in ``rates``' reporting currency (definitions on
    :class:`AccountFacts`)."""
    view = current_view(view, as_of)  # what a snapshot load retired by then does not count
    money = in_reporting_currency(view.deals, view.wallet, rates, as_of)
    company, revenue_left_out = company_in_reporting_currency(view.company, rates, as_of)
    won_all = [
        d
        for d in money.deals
        if d.stage is Stage.WON and d.close_date is not None and d.close_date <= as_of
    ]
    won_window = [d for d in won_all if in_window(d.close_date, as_of, spend_window_days)]  # type: ignore[arg-type]
    by_category: dict[str, float] = defaultdict(float)
    by_channel: dict[str, float] = defaultdict(float)
    for d in won_window:
        by_category[d.category or ""] += d.amount or 0.0
        by_channel[d.channel or ""] += d.amount or 0.0
    days = [touch_day(t) for t in view.touches]
    prior_end = as_of - timedelta(days=engagement_days)
    people = {p.id: p for p in view.people if not has_left(p, as_of)}
    # Engaged: an exchange (a meeting, visit or call, or an inbound message) in the window.
    engaged = {
        t.person_id
        for t in view.touches
        if is_exchange(t) and in_window(touch_day(t), as_of, engagement_days)
    }
    actions = sorted(
        (a for a in view.next_actions if a.status is not ActionStatus.DONE),
        key=lambda a: (a.due_date, a.id),
    )
    return AccountFacts(
        company=company,
        owner_ids=sorted(a.member_id for a in view.account_team),
        won_window_spend=sum(d.amount or 0.0 for d in won_window),
        won_window_count=len(won_window),
        won_all_spend=sum(d.amount or 0.0 for d in won_all),
        won_all_count=len(won_all),
        last_won=max((d.close_date for d in won_all if d.close_date), default=None),
        open_deals=sum(1 for d in view.deals if is_open_at(d, as_of)),
        spend_by_category=dict(by_category),
        spend_by_channel=dict(by_channel),
        wallet_by_category=wallet_by_category(money.wallet),
        touches_recent=sum(1 for d in days if in_window(d, as_of, engagement_days)),
        touches_prior=sum(1 for d in days if in_window(d, prior_end, engagement_days)),
        roles=[
            RoleHolding(r.role, r.person_id, r.person_id in engaged)
            for r in view.buying_roles
            if r.person_id in people and role_held_on(r, as_of)
        ],
        next_action=actions[0] if actions else None,
        unconverted=sorted([*money.unconverted, *([revenue_left_out] if revenue_left_out else [])]),
        currency=rates.reporting,
    )
