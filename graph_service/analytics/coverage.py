"""Account coverage: who in the buying group we have identified, who we engage, and the gaps.

Definitions:

* A **holder** of a role in a business unit is a person (who has not left) holding the role
  scoped to that unit or to a unit above it (units nest through ``parent_bu_id``: a role held
  in a unit covers its sub-units), or holding it company-wide (a role without a unit scope
  covers the whole company). At the account level every holder counts, whatever the scope.
* A role's **status** is *engaged* when some holder is engaged (an exchange in the engagement
  window, :mod:`~graph_service.analytics.engagement`), *cold* when there are holders but none
  is engaged, and *missing* when there is no holder. The champion's is *cooling* when its
  engaged holders' last exchanges are all more than ``champion_cooling_days`` old.
* **Coverage score** of a unit or the account: the mean over the required roles of
  1 (engaged), 0.5 (cold) or 0 (missing); in [0, 1].
* A **single-threaded deal** is an open deal with at most one engaged contact. An account is
  **structurally single-threaded** when all its engaged people sit in one manager's reports-to
  subtree below the top of the company, or only one person is engaged, or (the worst case,
  flagged ``no_engaged_people``) nobody is.
* **Our side single-threaded**: one of our members holds at least ``member_share`` (80 %) of
  the account's touches in the engagement window, given at least ``member_share_min_touches``
  (5); for an open deal, of the touches about the deal or with its contacts. The relationship
  leaves with that member.
* A **whitespace unit** has a wallet estimate above zero, no won spend in the spend window and
  no open deal.
* **Champion risk**: a champion who is *cooling* (last exchange more than
  ``champion_cooling_days`` ago), *cold* (no exchange in the engagement window) or never
  touched, a champion who left, or a champion with no path over people's ties to a decider of
  their unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

import networkx as nx

from graph_service.analytics.engagement import (
    DEFAULT,
    Engagement,
    Standing,
    champion_engagement,
    last_exchange,
    last_touch,
    person_engagement,
    standing,
)
from graph_service.analytics.params import AnalyticsParams
from graph_service.as_of import (
    current_view,
    has_left,
    in_window,
    is_open_at,
    latest_estimates,
    roles_held_on,
    touch_day,
)
from graph_service.domain import (
    AccountView,
    BusinessUnit,
    BuyingRole,
    Deal,
    Person,
    Role,
    Stage,
    Touch,
)

_SCORE = {
    Engagement.ENGAGED: 1.0,
    Engagement.COOLING: 1.0,
    Engagement.COLD: 0.5,
    Engagement.MISSING: 0.0,
}


@dataclass(frozen=True, slots=True)
class RoleCell:
    """One role in one scope: its status and the people holding it."""

    role: Role
    status: Engagement
    engaged: list[str] = field(default_factory=list)
    cold: list[str] = field(default_factory=list)
    #: Champions only: engaged holders whose last exchange is older than the cooling days.
    cooling: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UnitCoverage:
    """A business unit's row of the unit x role matrix (``bu_id`` None: the company as a whole)."""

    bu_id: str | None
    name: str
    cells: list[RoleCell]
    champion: RoleCell
    score: float


@dataclass(frozen=True, slots=True)
class SingleThreadedDeal:
    """An open deal with at most one engaged contact."""

    deal_id: str
    name: str | None
    engaged_contacts: list[str]
    contacts: list[str]


@dataclass(frozen=True, slots=True)
class OurThread:
    """One of our members holding most of an account's (or an open deal's) recent touches."""

    deal_id: str | None  # None: the account as a whole
    member_id: str
    member_touches: int
    touches: int

    @property
    def share(self) -> float:
        return self.member_touches / self.touches


@dataclass(frozen=True, slots=True)
class ChampionRisk:
    """A champion and what puts them at risk (``reasons`` in words)."""

    person_id: str
    reasons: list[str]


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Everything the coverage-gap view shows for one account as of a date."""

    account_id: str
    as_of: date
    account: UnitCoverage
    units: list[UnitCoverage]
    single_threaded_deals: list[SingleThreadedDeal]
    structurally_single_threaded: bool
    thread_root: str | None
    champion_risks: list[ChampionRisk]
    whitespace_units: list[str]
    engaged_people: list[str]
    #: Nobody at the account is engaged: the worst case of single-threading.
    no_engaged_people: bool = False
    #: Our side single-threaded on the account (``deal_id`` None), if so.
    our_thread: OurThread | None = None
    #: Open deals our side is single-threaded on, by deal id.
    our_threaded_deals: list[OurThread] = field(default_factory=list)
    #: Where we stand with each person of the account (by id): engagement, strength, band.
    people: list[Standing] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.account.score


def _cell(role: Role, holders: Iterable[Person], status_of: dict[str, Engagement]) -> RoleCell:
    holders = list(holders)
    engaged = sorted(p.id for p in holders if status_of[p.id] is Engagement.ENGAGED)
    cooling = sorted(p.id for p in holders if status_of[p.id] is Engagement.COOLING)
    cold = sorted(p.id for p in holders if status_of[p.id] is Engagement.COLD)
    if engaged:
        status = Engagement.ENGAGED
    elif cooling:
        status = Engagement.COOLING
    elif cold:
        status = Engagement.COLD
    else:
        status = Engagement.MISSING
    return RoleCell(role, status, engaged, cold, cooling)


def unit_ancestors(units: Iterable[BusinessUnit]) -> dict[str, set[str]]:
    """Each unit's id with the ids of the units above it (a parent cycle stops the climb)."""
    parent = {b.id: b.parent_bu_id for b in units}
    out: dict[str, set[str]] = {}
    for bu_id in parent:
        seen = {bu_id}
        up = parent.get(bu_id)
        while up is not None and up not in seen:
            seen.add(up)
            up = parent.get(up)
        out[bu_id] = seen
    return out


def _holders(
    roles: list[BuyingRole],
    people: dict[str, Person],
    role: Role,
    scopes: set[str] | None,
    as_of: date,
) -> list[Person]:
    """Holders of ``role`` scoped to one of ``scopes`` or company-wide (``scopes`` None:
    anywhere in the account), not left."""
    out = {}
    for r in roles:
        if r.role is not role or r.person_id not in people:
            continue
        if scopes is not None and r.bu_id is not None and r.bu_id not in scopes:
            continue
        person = people[r.person_id]
        if not has_left(person, as_of):
            out[person.id] = person
    return list(out.values())


def _unit(
    bu_id: str | None,
    name: str,
    roles: list[BuyingRole],
    people: dict[str, Person],
    status_of: dict[str, Engagement],
    champion_of: dict[str, Engagement],
    scopes: set[str] | None,
    as_of: date,
    params: AnalyticsParams,
) -> UnitCoverage:
    cells = [
        _cell(role, _holders(roles, people, role, scopes, as_of), status_of)
        for role in params.required_roles
    ]
    champion = _cell(
        Role.CHAMPION, _holders(roles, people, Role.CHAMPION, scopes, as_of), champion_of
    )
    score = sum(_SCORE[c.status] for c in cells) / len(cells) if cells else 0.0
    return UnitCoverage(bu_id, name, cells, champion, score)


def coverage(view: AccountView, as_of: date, params: AnalyticsParams = DEFAULT) -> CoverageReport:
    """The coverage-gap report of one account (its own people, not its subsidiaries')."""
    view = current_view(view, as_of)  # without what a snapshot load retired by then
    view = replace(view, buying_roles=roles_held_on(view.buying_roles, as_of))
    people = {p.id: p for p in view.people}
    touches_of = _touches_by_person(view)
    status_of = {
        p.id: person_engagement(p, touches_of.get(p.id, ()), as_of, params) for p in view.people
    }
    champion_of = {
        p.id: champion_engagement(p, touches_of.get(p.id, ()), as_of, params) for p in view.people
    }
    roles = view.buying_roles
    name = view.company.name
    account = _unit(None, name, roles, people, status_of, champion_of, None, as_of, params)
    above = unit_ancestors(view.business_units)
    units = [
        _unit(b.id, b.name, roles, people, status_of, champion_of, above[b.id], as_of, params)
        for b in sorted(view.business_units, key=lambda b: b.id)
    ]
    engaged = sorted(pid for pid, s in status_of.items() if s is Engagement.ENGAGED)
    root = _thread_root(view.people, set(engaged))
    our_thread, our_deals = our_threads(view, as_of, params)
    return CoverageReport(
        account_id=view.company.id,
        as_of=as_of,
        account=account,
        units=units,
        single_threaded_deals=_single_threaded(view, status_of, as_of),
        structurally_single_threaded=len(engaged) <= 1 or root is not None,
        thread_root=root,
        champion_risks=_champion_risks(view, people, as_of, params),
        whitespace_units=_whitespace_units(view, as_of, params),
        engaged_people=engaged,
        no_engaged_people=not engaged,
        our_thread=our_thread,
        our_threaded_deals=our_deals,
        people=[
            standing(p, touches_of.get(p.id, ()), as_of, params)
            for p in sorted(view.people, key=lambda p: p.id)
        ],
    )


def _touches_by_person(view: AccountView) -> dict[str, list[Touch]]:
    """The view's touches by the person touched (each person's own, in the view's order): a
    person's engagement reads their touches, not the whole account's."""
    by_person: dict[str, list[Touch]] = {}
    for t in view.touches:
        by_person.setdefault(t.person_id, []).append(t)
    return by_person


def _our_thread(
    deal_id: str | None, member_ids: list[str], params: AnalyticsParams
) -> OurThread | None:
    """The member holding at least ``member_share`` of these touches' members, if any."""
    total = len(member_ids)
    if total < params.member_share_min_touches:
        return None
    counts: dict[str, int] = {}
    for m in member_ids:
        counts[m] = counts.get(m, 0) + 1
    member, top = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if top / total < params.member_share:
        return None
    return OurThread(deal_id, member, top, total)


def our_threads(
    view: AccountView, as_of: date, params: AnalyticsParams = DEFAULT
) -> tuple[OurThread | None, list[OurThread]]:
    """Our side single-threaded on the account, and on each open deal (see the module)."""
    recent = [t for t in view.touches if in_window(touch_day(t), as_of, params.engagement_days)]
    account = _our_thread(None, [t.member_id for t in recent], params)
    contacts: dict[str, set[str]] = {}
    for c in view.deal_contacts:
        contacts.setdefault(c.deal_id, set()).add(c.person_id)
    deals = []
    for d in sorted(view.deals, key=lambda d: d.id):
        if not is_open_at(d, as_of):
            continue
        mine = contacts.get(d.id, set())
        about = [t.member_id for t in recent if t.deal_id == d.id or t.person_id in mine]
        found = _our_thread(d.id, about, params)
        if found is not None:
            deals.append(found)
    return account, deals


def is_won_in_window(deal: Deal, as_of: date, days: int) -> bool:
    """A won deal closed in the ``days`` days up to ``as_of``."""
    return (
        deal.stage is Stage.WON
        and deal.close_date is not None
        and in_window(deal.close_date, as_of, days)
    )


def _single_threaded(
    view: AccountView, status_of: dict[str, Engagement], as_of: date
) -> list[SingleThreadedDeal]:
    contacts: dict[str, list[str]] = {}
    for c in view.deal_contacts:
        contacts.setdefault(c.deal_id, []).append(c.person_id)
    out = []
    for d in sorted(view.deals, key=lambda d: d.id):
        if not is_open_at(d, as_of):
            continue
        all_contacts = sorted(contacts.get(d.id, []))
        engaged = [p for p in all_contacts if status_of.get(p) is Engagement.ENGAGED]
        if len(engaged) <= 1:
            out.append(SingleThreadedDeal(d.id, d.name, engaged, all_contacts))
    return out


def _thread_root(people: list[Person], engaged: set[str]) -> str | None:
    """The manager below the top whose subtree holds every engaged person, if any.

    Returns the lowest such manager (the lowest common reports-to ancestor, inclusive), or
    None when the engaged people only meet at the top of the company or not at all.
    """
    if len(engaged) < 2:
        return None
    manager = {p.id: p.reports_to for p in people}

    def chain(pid: str) -> list[str]:
        seen: list[str] = []
        while pid is not None and pid not in seen:
            seen.append(pid)
            nxt = manager.get(pid)
            if nxt is None:
                break
            pid = nxt
        return seen

    chains = [chain(p) for p in sorted(engaged)]
    common = set(chains[0]).intersection(*map(set, chains[1:]))
    if not common:
        return None
    lowest = next(a for a in chains[0] if a in common)
    return lowest if manager.get(lowest) is not None else None


def tie_graph(view: AccountView, as_of: date) -> nx.Graph:
    """People of the account (not left) joined by reports-to and relationship ties."""
    g = nx.Graph()
    active = {p.id for p in view.people if not has_left(p, as_of)}
    g.add_nodes_from(active)
    for p in view.people:
        if p.reports_to in active and p.id in active:
            g.add_edge(p.id, p.reports_to)
    for r in view.relationships:
        if r.from_person_id in active and r.to_person_id in active:
            g.add_edge(r.from_person_id, r.to_person_id)
    return g


def _champion_risks(
    view: AccountView,
    people: dict[str, Person],
    as_of: date,
    params: AnalyticsParams,
) -> list[ChampionRisk]:
    g = tie_graph(view, as_of)
    deciders = [r for r in view.buying_roles if r.role is Role.DECIDER and r.person_id in g]
    out = []
    seen = set()
    for r in sorted(view.buying_roles, key=lambda r: r.id):
        if r.role is not Role.CHAMPION or r.person_id not in people or r.person_id in seen:
            continue
        seen.add(r.person_id)
        person = people[r.person_id]
        reasons = []
        if has_left(person, as_of):
            reasons.append(f"left the company on {person.left_at}")
        else:
            last = last_touch(person.id, view.touches, as_of)
            state = champion_engagement(person, view.touches, as_of, params)
            exchanged = last_exchange(person.id, view.touches, as_of)
            if last is None:
                reasons.append("never touched")
            elif state is Engagement.COOLING and exchanged is not None:
                days = (as_of - exchanged).days
                reasons.append(f"cooling: last exchange {days} days ago ({exchanged})")
            elif state is Engagement.COLD and exchanged is not None:
                reasons.append(
                    f"cold: no exchange in the last {params.engagement_days} days "
                    f"(last exchange {(as_of - exchanged).days} days ago, {exchanged})"
                )
            elif state is Engagement.COLD:
                reasons.append(
                    f"cold: no exchange ever (last touched {(as_of - last).days} days ago, {last})"
                )
            scope = [d for d in deciders if r.bu_id is None or d.bu_id in (None, r.bu_id)]
            targets = {d.person_id for d in scope} - {person.id}
            if not scope:
                reasons.append("no decider identified to reach")
            elif targets and not any(nx.has_path(g, person.id, t) for t in targets):
                reasons.append("no path to the decider")
        if reasons:
            out.append(ChampionRisk(person.id, reasons))
    return out


def _whitespace_units(view: AccountView, as_of: date, params: AnalyticsParams) -> list[str]:
    wallet_units = {
        w.bu_id for w in latest_estimates(view.wallet, as_of) if w.bu_id and w.amount > 0
    }
    busy = {
        d.bu_id
        for d in view.deals
        if d.bu_id
        and (is_open_at(d, as_of) or is_won_in_window(d, as_of, params.spend_window_days))
    }
    return sorted(wallet_units - busy)
