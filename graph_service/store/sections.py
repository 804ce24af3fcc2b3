"""An account view cut down to the parts a reader asked for
(:class:`~graph_service.domain.AccountSections`): what the embedded store answers, and what
the Neo4j store's query reads, part for part."""

from __future__ import annotations

import dataclasses

from graph_service.domain import AccountSections, AccountView, Touch


def newest_first(touches: list[Touch]) -> list[Touch]:
    """Touches newest first: by ``occurred_at`` (as instants), then id, both descending."""
    return sorted(touches, key=lambda t: (t.occurred_at, t.id), reverse=True)


def within(view: AccountView, sections: AccountSections) -> AccountView:
    """``view`` with only the parts ``sections`` asks for, its touches the latest
    ``touch_limit`` when there is one, its ``touch_count`` when asked for, and its members
    those the remaining parts refer to.

    >>> from datetime import UTC, datetime
    >>> from graph_service.domain import Company, TeamMember, TouchType
    >>> at = datetime(2026, 11, 20, tzinfo=UTC)
    >>> view = AccountView(company=Company(id="c1", name="Acme"),
    ...     members=[TeamMember(id="m1", full_name="Eve"), TeamMember(id="m2", full_name="Max")],
    ...     touches=[Touch("t1", "m1", "p1", TouchType.CALL, at),
    ...              Touch("t2", "m2", "p1", TouchType.CALL, at)])
    >>> cut = within(view, AccountSections.only(touch_limit=1, touch_count=True))
    >>> [t.id for t in cut.touches], cut.touch_count, [m.id for m in cut.members]
    (['t2'], 2, ['m2'])
    """
    s = sections
    touches = list(view.touches) if s.touches else []
    if s.touch_limit is not None:
        touches = newest_first(touches)[: max(0, s.touch_limit)]
    team = list(view.account_team) if s.account_team else []
    deals = list(view.deals) if s.deals else []
    actions = list(view.next_actions) if s.next_actions else []
    referred = {a.member_id for a in team}
    referred |= {d.owner_id for d in deals if d.owner_id}
    referred |= {t.member_id for t in touches}
    referred |= {a.member_id for a in actions}
    return dataclasses.replace(
        view,
        business_units=list(view.business_units) if s.business_units else [],
        people=list(view.people) if s.people else [],
        buying_roles=list(view.buying_roles) if s.buying_roles else [],
        relationships=list(view.relationships) if s.relationships else [],
        account_team=team,
        members=[m for m in view.members if m.id in referred],
        deals=deals,
        deal_contacts=list(view.deal_contacts) if s.deal_contacts else [],
        touches=touches,
        next_actions=actions,
        wallet=list(view.wallet) if s.wallet else [],
        touch_count=len(view.touches) if s.touch_count else None,
    )
