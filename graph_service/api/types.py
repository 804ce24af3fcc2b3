"""GraphQL object types: read-only views over domain records.

An :class:`Account` starts from a company row (all a listing needs) and fetches the account's
subgraph from the store once, the first time a field needs it, among the companies the caller
sees (a hidden parent or subsidiary never shows).

Ids that point at objects also resolve to them (a touch's person and member, a deal's owner and
contacts, a next action's person and member), from the account view already fetched, through a
:class:`ViewIndex`: no extra round trip. An id that names someone outside the view (a contact
at a company the caller does not see) resolves to null.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info

from graph_service import domain as dm
from graph_service.analytics.engagement import Band, standing
from graph_service.api import context, lookup
from graph_service.api.money import Money, money
from graph_service.as_of import supported_day, today, touch_day
from graph_service.store.base import Store

_R = TypeVar("_R", bound=dm.Record)

strawberry.enum(dm.Role, description="A buying role in the decision-making unit.")
strawberry.enum(dm.Stage, description="A deal's stage; won and lost are closed.")
strawberry.enum(dm.TouchType, description="The channel of a touch.")
strawberry.enum(dm.Seniority, description="A person's level.")
strawberry.enum(dm.OrgType, description="How a business unit is organised.")
strawberry.enum(dm.TeamRole, description="A team member's job on our side.")
strawberry.enum(dm.Direction, description="Who started a touch.")
strawberry.enum(dm.RelationshipType, description="A tie between people.")
strawberry.enum(dm.WalletSource, description="Where an estimate comes from.")
strawberry.enum(dm.ActionStatus, description="Whether an action is to do.")
strawberry.enum(  # registered here, before Person's band names it
    Band,
    name="RelationshipBand",
    description="Our strongest member's touch strength: strong >= 0.6 > moderate >= 0.3 > "
    "weak; none: nobody on our side ever touched the person.",
)


@strawberry.type(description="One of our own people (the seller's side).")
class TeamMember:
    id: strawberry.ID
    full_name: str
    email: str | None
    team_role: dm.TeamRole | None
    manager_id: strawberry.ID | None
    region: str | None

    @classmethod
    def of(cls, m: dm.TeamMember) -> TeamMember:
        return cls(
            id=strawberry.ID(m.id),
            full_name=m.full_name,
            email=m.email,
            team_role=m.team_role,
            manager_id=_id(m.manager_id),
            region=m.region,
        )

    @strawberry.field(
        description="The accounts whose team the member is on, among those the caller sees, "
        "in id order."
    )
    def accounts(self, info: Info[Any, Any]) -> list[Account]:
        store = context.store(info)
        visible = context.visible(info)
        where = dm.AccountFilter(owner_id=str(self.id))
        return [
            Account.of(c, store, visible=visible) for c in lookup.companies(store, where, visible)
        ]


@strawberry.type(description="A team member assigned to the account, with their role on it.")
class AccountTeamMember:
    member: TeamMember
    role: str | None


@strawberry.type(description="A person's buying role, company-wide or for one business unit.")
class BuyingRole:
    role: dm.Role
    business_unit_id: strawberry.ID | None = strawberry.field(
        description="The unit the role is scoped to; null means the whole company."
    )
    since: date | None = strawberry.field(description="The first day the role is held.")
    until: date | None = strawberry.field(
        description="The first day the role is no longer held; null: still held."
    )


@strawberry.type(description="A known tie from this person to another.")
class PersonTie:
    to_person_id: strawberry.ID
    type: dm.RelationshipType
    strength: float | None


@strawberry.type(description="Someone who works at an account.")
class Person:
    id: strawberry.ID
    account_id: strawberry.ID = strawberry.field(description="The company the person is at.")
    full_name: str
    title: str | None
    seniority: dm.Seniority | None
    email: str | None
    business_unit_id: strawberry.ID | None
    reports_to_id: strawberry.ID | None = strawberry.field(description="The person's manager.")
    left_at: date | None = strawberry.field(description="When the person left the company.")
    roles: list[BuyingRole]
    ties: list[PersonTie]
    is_champion: bool = strawberry.field(description="Holds the champion role anywhere.")
    _record: strawberry.Private[dm.Person]
    _index: strawberry.Private[ViewIndex]

    def _touches(self, as_of: date | None) -> tuple[date, list[dm.Touch]]:
        day = supported_day(as_of) if as_of else today()
        mine = [t for t in self._index.touches if t.person_id == self.id and touch_day(t) <= day]
        return day, mine

    @strawberry.field(
        description="The latest touch with the person on or before asOf (default: today)."
    )
    def last_touch(self, as_of: date | None = None) -> Touch | None:
        _, mine = self._touches(as_of)
        latest = max(mine, key=lambda t: (t.occurred_at, t.id), default=None)
        return Touch.of(latest, self._index) if latest else None

    @strawberry.field(
        description="Our strongest member's relationship band with the person as of asOf "
        "(default: today): strong >= 0.6 > moderate >= 0.3 > weak; none: nobody on our side "
        "ever touched the person."
    )
    def band(self, info: Info[Any, Any], as_of: date | None = None) -> Band:
        day, mine = self._touches(as_of)
        return standing(self._record, mine, day, context.params(info)).band


@strawberry.type(description="A division, function or project inside the company.")
class BusinessUnit:
    id: strawberry.ID
    name: str
    org_type: dm.OrgType | None
    parent_id: strawberry.ID | None


@strawberry.type(description="A person involved in a deal.")
class DealContact:
    person_id: strawberry.ID
    role: str | None
    _index: strawberry.Private[ViewIndex]

    @strawberry.field(description="The person (null when the caller may not see them).")
    def person(self) -> Person | None:
        return self._index.person(self.person_id)


@strawberry.type(description="An opportunity with the account.")
class Deal:
    id: strawberry.ID
    name: str | None
    stage: dm.Stage
    is_open: bool
    amount: Money | None = strawberry.field(
        description="In the deal's own currency (none given: the data's base currency)."
    )
    product: str | None
    category: str | None
    channel: str | None
    business_unit_id: strawberry.ID | None
    owner_id: strawberry.ID | None
    created_date: date | None
    close_date: date | None
    contacts: list[DealContact]
    account_id: strawberry.ID = strawberry.field(description="The company the deal is with.")
    _index: strawberry.Private[ViewIndex]

    @strawberry.field(description="The team member who owns the deal.")
    def owner(self) -> TeamMember | None:
        return self._index.member(self.owner_id)

    @strawberry.field(description="The people involved in the deal (those the caller sees).")
    def contact_people(self) -> list[Person]:
        found = (self._index.person(c.person_id) for c in self.contacts)
        return [p for p in found if p is not None]

    @classmethod
    def of(cls, info: Info[Any, Any], d: dm.Deal, index: ViewIndex) -> Deal:
        return cls(
            id=strawberry.ID(d.id),
            name=d.name,
            stage=d.stage,
            is_open=d.stage.is_open,
            amount=_money(info, d.amount, d.currency),
            product=d.product,
            category=d.category,
            channel=d.channel,
            business_unit_id=_id(d.bu_id),
            owner_id=_id(d.owner_id),
            created_date=d.created_date,
            close_date=d.close_date,
            contacts=[
                DealContact(person_id=strawberry.ID(c.person_id), role=c.role, _index=index)
                for c in index.contacts.get(d.id, [])
            ],
            account_id=strawberry.ID(d.company_id),
            _index=index,
        )


@strawberry.type(description="A logged interaction between a team member and a person.")
class Touch:
    id: strawberry.ID
    type: dm.TouchType
    occurred_at: datetime
    direction: dm.Direction | None
    member_id: strawberry.ID
    person_id: strawberry.ID
    deal_id: strawberry.ID | None
    notes: str | None
    _index: strawberry.Private[ViewIndex]

    @strawberry.field(description="The person touched.")
    def person(self) -> Person | None:
        return self._index.person(self.person_id)

    @strawberry.field(description="Our team member who made the touch.")
    def member(self) -> TeamMember | None:
        return self._index.member(self.member_id)

    @classmethod
    def of(cls, t: dm.Touch, index: ViewIndex) -> Touch:
        return cls(
            id=strawberry.ID(t.id),
            type=t.type,
            occurred_at=t.occurred_at,
            direction=t.direction,
            member_id=strawberry.ID(t.member_id),
            person_id=strawberry.ID(t.person_id),
            deal_id=_id(t.deal_id),
            notes=t.notes,
            _index=index,
        )


@strawberry.type(description="A planned step on the account.")
class NextAction:
    id: strawberry.ID
    due_date: date
    description: str
    status: dm.ActionStatus | None
    member_id: strawberry.ID
    person_id: strawberry.ID | None
    _index: strawberry.Private[ViewIndex]

    @strawberry.field(description="The person the step is with, if any.")
    def person(self) -> Person | None:
        return self._index.person(self.person_id)

    @strawberry.field(description="Our team member who is to take the step.")
    def member(self) -> TeamMember | None:
        return self._index.member(self.member_id)

    @classmethod
    def of(cls, a: dm.NextAction, index: ViewIndex) -> NextAction:
        return cls(
            id=strawberry.ID(a.id),
            due_date=a.due_date,
            description=a.description,
            status=a.status,
            member_id=strawberry.ID(a.member_id),
            person_id=_id(a.person_id),
            _index=index,
        )


@strawberry.type(
    description="What the account (or a unit) spends per year in a category, from all vendors."
)
class WalletEstimate:
    category: str
    amount: Money = strawberry.field(
        description="In the estimate's own currency (none given: the data's base currency)."
    )
    as_of: date
    business_unit_id: strawberry.ID | None
    source: dm.WalletSource | None
    vendor_rank: int | None = strawberry.field(
        description="Our rank among the vendors (1 = first)."
    )
    vendor_count: int | None = strawberry.field(description="How many vendors the account uses.")

    @classmethod
    def of(cls, info: Info[Any, Any], w: dm.WalletEstimate) -> WalletEstimate:
        return cls(
            category=w.category,
            amount=Money(amount=w.amount, currency=w.currency or context.base_currency(info)),
            as_of=w.as_of,
            business_unit_id=_id(w.bu_id),
            source=w.source,
            vendor_rank=w.vendor_rank,
            vendor_count=w.vendor_count,
        )


@strawberry.type(description="A company in the portfolio with its relationship graph.")
class Account:
    id: strawberry.ID
    name: str
    domain: str | None
    industry: str | None
    employees: int | None
    country: str | None
    parent_id: strawberry.ID | None = strawberry.field(description="The parent company's id.")
    corporate_number: str | None = strawberry.field(
        description="Japanese corporate number (法人番号), 13 digits."
    )
    _store: strawberry.Private[Store]
    _company: strawberry.Private[dm.Company]
    _view: strawberry.Private[dm.AccountView | None] = None
    _visible: strawberry.Private[frozenset[str] | None] = None
    _index: strawberry.Private[ViewIndex | None] = None
    #: Its fields may resolve on several store threads at once: the view is read once.
    _guard: strawberry.Private[contextlib.AbstractContextManager[Any] | None] = None
    #: The parts of the view the query's selection needs (all, unless told).
    _sections: strawberry.Private[dm.AccountSections] = dm.ALL_SECTIONS

    @classmethod
    def of(
        cls,
        c: dm.Company,
        store: Store,
        view: dm.AccountView | None = None,
        *,
        visible: frozenset[str] | None,
        sections: dm.AccountSections = dm.ALL_SECTIONS,
    ) -> Account:
        return cls(
            id=strawberry.ID(c.id),
            name=c.name,
            domain=c.domain,
            industry=c.industry,
            employees=c.employees,
            country=c.country,
            parent_id=_id(c.parent_company_id),
            corporate_number=c.corporate_number,
            _store=store,
            _company=c,
            _view=view,
            _visible=visible,
            _guard=threading.Lock(),
            _sections=sections,
        )

    @strawberry.field(
        description="Annual revenue in the company's own currency (none given: the data's "
        "base currency)."
    )
    def annual_revenue(self, info: Info[Any, Any]) -> Money | None:
        c = self._company
        if c.annual_revenue is None:
            return None
        return money(c.annual_revenue, c.annual_revenue_currency or context.base_currency(info))

    def view(self) -> dm.AccountView:
        if self._view is None:
            with self._guard or contextlib.nullcontext():
                if self._view is None:
                    self._view = self._store.account(
                        self.id, visible=self._visible, sections=self._sections
                    ) or dm.AccountView(company=dm.Company(id=self.id, name=self.name))
        return self._view

    def index(self) -> ViewIndex:
        if self._index is None:
            view = self.view()
            with self._guard or contextlib.nullcontext():
                if self._index is None:
                    self._index = ViewIndex([view])
        return self._index

    @strawberry.field(description="The parent company, if any (and the caller sees it).")
    def parent(self) -> Account | None:
        p = self.view().parent
        return Account.of(p, self._store, visible=self._visible) if p else None

    @strawberry.field(description="Direct subsidiaries (those the caller sees).")
    def subsidiaries(self) -> list[Account]:
        return [
            Account.of(s, self._store, visible=self._visible)
            for s in _by_id(self.view().subsidiaries)
        ]

    @strawberry.field
    def business_units(self) -> list[BusinessUnit]:
        return [
            BusinessUnit(
                id=strawberry.ID(b.id),
                name=b.name,
                org_type=b.org_type,
                parent_id=_id(b.parent_bu_id),
            )
            for b in _by_id(self.view().business_units)
        ]

    @strawberry.field(description="People at the account with their buying roles and ties.")
    def people(self) -> list[Person]:
        index = self.index()
        found = (index.person(p.id) for p in _by_id(self.view().people))
        return [p for p in found if p is not None]

    @strawberry.field(description="Our team members assigned to the account.")
    def account_team(self) -> list[AccountTeamMember]:
        v = self.view()
        members = {m.id: m for m in v.members}
        return [
            AccountTeamMember(member=TeamMember.of(members[a.member_id]), role=a.role)
            for a in _by_id(v.account_team)
            if a.member_id in members
        ]

    @strawberry.field(description="Deals, newest first; openOnly keeps deals not yet won or lost.")
    def deals(self, info: Info[Any, Any], open_only: bool = False) -> list[Deal]:
        deals = sorted(
            self.view().deals, key=lambda d: (d.created_date or date.min, d.id), reverse=True
        )
        index = self.index()
        return [Deal.of(info, d, index) for d in deals if d.stage.is_open or not open_only]

    @strawberry.field(description="The latest touches with the account's people, newest first.")
    def recent_touches(
        self, limit: Annotated[int, strawberry.argument(description="At most 500.")] = 20
    ) -> list[Touch]:
        touches = sorted(self.view().touches, key=lambda t: (t.occurred_at, t.id), reverse=True)
        index = self.index()
        return [Touch.of(t, index) for t in touches[: max(0, min(limit, 500))]]

    @strawberry.field
    def touch_count(self) -> int:
        view = self.view()
        return view.touch_count if view.touch_count is not None else len(view.touches)

    @strawberry.field(description="Planned next steps, soonest first.")
    def next_actions(self) -> list[NextAction]:
        actions = sorted(self.view().next_actions, key=lambda a: (a.due_date, a.id))
        return [NextAction.of(a, self.index()) for a in actions]

    @strawberry.field(description="Wallet estimates, newest first.")
    def wallet_estimates(self, info: Info[Any, Any]) -> list[WalletEstimate]:
        rows = sorted(self.view().wallet, key=lambda w: (w.as_of, w.category), reverse=True)
        return [WalletEstimate.of(info, w) for w in rows]


@strawberry.type(description="The requested entity does not exist.")
class NotFound:
    id: strawberry.ID
    message: str


AccountResult = Annotated[Account | NotFound, strawberry.union("AccountResult")]
PersonResult = Annotated[Person | NotFound, strawberry.union("PersonResult")]
DealResult = Annotated[Deal | NotFound, strawberry.union("DealResult")]
TeamMemberResult = Annotated[TeamMember | NotFound, strawberry.union("TeamMemberResult")]


@strawberry.input(description="Keep accounts for which every given condition holds.")
class AccountFilter:
    industry: str | None = None
    country: str | None = None
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="A team member on the account team."
    )
    name_contains: str | None = strawberry.field(
        default=None, description="Case-insensitive substring of the name."
    )

    def to_domain(self) -> dm.AccountFilter:
        return dm.AccountFilter(
            industry=self.industry,
            country=self.country,
            owner_id=str(self.owner_id) if self.owner_id else None,
            name_contains=self.name_contains,
        )


class ViewIndex:
    """The people, team members, touches and deal contacts of account views (an account's,
    or its family's), by id: what ids in them resolve to. Person objects are built once."""

    def __init__(self, views: list[dm.AccountView]) -> None:
        self.views = views
        self.records = {p.id: p for v in views for p in v.people}
        self.members = {m.id: m for v in views for m in v.members}
        self.touches = [t for v in views for t in v.touches]
        self.contacts: dict[str, list[dm.DealContact]] = {}
        for v in views:
            for c in sorted(v.deal_contacts, key=dm.record_id):
                self.contacts.setdefault(c.deal_id, []).append(c)
        self._people: dict[str, Person] | None = None

    def person(self, person_id: str | None) -> Person | None:
        """The person ``person_id`` (None: not among the views' people)."""
        if person_id is None:
            return None
        if self._people is None:
            self._people = {}
            for v in self.views:
                self._people.update(_people(v, self))
        return self._people.get(person_id)

    def member(self, member_id: str | None) -> TeamMember | None:
        m = self.members.get(member_id) if member_id is not None else None
        return TeamMember.of(m) if m else None

    def deal(self, info: Info[Any, Any], deal_id: str) -> Deal | None:
        for v in self.views:
            for d in v.deals:
                if d.id == deal_id:
                    return Deal.of(info, d, self)
        return None


def _people(v: dm.AccountView, index: ViewIndex) -> dict[str, Person]:
    roles: dict[str, list[BuyingRole]] = {}
    for r in sorted(v.buying_roles, key=dm.record_id):
        roles.setdefault(r.person_id, []).append(
            BuyingRole(role=r.role, business_unit_id=_id(r.bu_id), since=r.since, until=r.until)
        )
    ties: dict[str, list[PersonTie]] = {}
    for t in sorted(v.relationships, key=dm.record_id):
        ties.setdefault(t.from_person_id, []).append(
            PersonTie(to_person_id=strawberry.ID(t.to_person_id), type=t.type, strength=t.strength)
        )
    return {
        p.id: Person(
            id=strawberry.ID(p.id),
            account_id=strawberry.ID(p.company_id),
            full_name=p.full_name,
            title=p.title,
            # a level the source spelled in no known way is no level here
            seniority=p.seniority if isinstance(p.seniority, dm.Seniority) else None,
            email=p.email,
            business_unit_id=_id(p.bu_id),
            reports_to_id=_id(p.reports_to),
            left_at=p.left_at,
            roles=roles.get(p.id, []),
            ties=ties.get(p.id, []),
            is_champion=any(r.role == dm.Role.CHAMPION for r in roles.get(p.id, [])),
            _record=p,
            _index=index,
        )
        for p in v.people
    }


def _money(info: Info[Any, Any], amount: float | None, currency: str | None) -> Money | None:
    if amount is None:
        return None
    return money(amount, currency or context.base_currency(info))


def _id(value: str | None) -> strawberry.ID | None:
    return strawberry.ID(value) if value is not None else None


def _by_id(records: list[_R]) -> list[_R]:
    return sorted(records, key=dm.record_id)
