"""The domain model: the records the account graph is made of.

Every record is a frozen dataclass whose fields are plain Python values (``str``, ``int``,
``float``, ``date``, timezone-aware ``datetime``). Loaders produce them, stores keep them and
analytics read them; nothing here knows about files, Cypher or GraphQL.

Graph shape (labels and relationship types; see ``docs/model.md``)::

    (Company)-[:SUBSIDIARY_OF]->(Company)
    (BusinessUnit)-[:PART_OF]->(Company)      (BusinessUnit)-[:CHILD_OF]->(BusinessUnit)
    (Person)-[:WORKS_AT]->(Company)           (Person)-[:IN_UNIT]->(BusinessUnit)
    (Person)-[:REPORTS_TO]->(Person)
    (Person)-[:HAS_ROLE {role, since, until}]->(Company|BusinessUnit)
    (Person)-[:INFLUENCES|WORKED_WITH|KNOWS {strength}]->(Person)
    (TeamMember)-[:REPORTS_TO]->(TeamMember)  (TeamMember)-[:ON_ACCOUNT_TEAM {role}]->(Company)
    (Deal)-[:FOR]->(Company)  (Deal)-[:IN_UNIT]->(BusinessUnit)  (Deal)-[:OWNED_BY]->(TeamMember)
    (Person)-[:CONTACT_ON {role}]->(Deal)
    (Touch)-[:BY]->(TeamMember)  (Touch)-[:WITH]->(Person)  (Touch)-[:ABOUT]->(Deal)
    (NextAction)-[:FOR]->(Company)  (NextAction)-[:ASSIGNED_TO]->(TeamMember)
    (NextAction)-[:WITH]->(Person)
    (WalletEstimate)-[:OF]->(Company)  (WalletEstimate)-[:IN_UNIT]->(BusinessUnit)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, NamedTuple, TypeAlias, cast, get_type_hints


class OrgType(StrEnum):
    """How a business unit is organised."""

    DIVISIONAL = "divisional"
    FUNCTIONAL = "functional"
    PROJECT = "project"


class Seniority(StrEnum):
    """A person's level in their company."""

    C_LEVEL = "c_level"
    VP = "vp"
    DIRECTOR = "director"
    MANAGER = "manager"
    STAFF = "staff"


class Role(StrEnum):
    """A buying role in the decision-making unit (DMU), plus ``champion``.

    A champion is a person inside the account who actively sells for us; it is recorded as a
    buying role so that it can be scoped to a business unit like the others.
    """

    DECIDER = "decider"
    BUYER = "buyer"
    INFLUENCER = "influencer"
    USER = "user"
    GATEKEEPER = "gatekeeper"
    INITIATOR = "initiator"
    CHAMPION = "champion"


class RelationshipType(StrEnum):
    """A known tie between two people at our accounts."""

    INFLUENCES = "influences"
    WORKED_WITH = "worked_with"
    KNOWS = "knows"


class TeamRole(StrEnum):
    """A team member's job on our (the seller's) side."""

    AE = "ae"
    SE = "se"
    CSM = "csm"
    SDR = "sdr"
    EXEC = "exec"
    MANAGER = "manager"


class Stage(StrEnum):
    """A deal's stage. ``won`` and ``lost`` are closed; the others are open."""

    PROSPECTING = "prospecting"
    QUALIFYING = "qualifying"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"

    @property
    def is_open(self) -> bool:
        """Whether a deal in this stage is still being worked."""
        return self not in (Stage.WON, Stage.LOST)


class TouchType(StrEnum):
    """The channel of a logged touch."""

    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    EVENT = "event"
    WEBINAR = "webinar"
    CHAT = "chat"
    VISIT = "visit"


class Direction(StrEnum):
    """Who started a touch: ``inbound`` (the person reached us) or ``outbound``."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class ActionStatus(StrEnum):
    """Whether a next action is still to do."""

    OPEN = "open"
    DONE = "done"


class WalletSource(StrEnum):
    """Where a wallet estimate comes from."""

    SURVEY = "survey"
    ANALYST = "analyst"
    MODEL = "model"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class Company:
    """An organisation we sell to (an account), possibly a subsidiary of another."""

    label: ClassVar[str] = "Company"
    id: str
    name: str
    domain: str | None = None
    industry: str | None = None
    employees: int | None = None
    annual_revenue: float | None = None
    country: str | None = None
    parent_company_id: str | None = None
    corporate_number: str | None = None
    #: ISO 4217 code of ``annual_revenue``; None means the reporting currency.
    annual_revenue_currency: str | None = None
    #: The day a snapshot load found the record gone from its source (see
    #: :func:`graph_service.as_of.is_current`); None while its source still has it.
    retired_at: date | None = None


@dataclass(frozen=True, slots=True)
class BusinessUnit:
    """A division, function or project inside a company; units may nest."""

    label: ClassVar[str] = "BusinessUnit"
    id: str
    company_id: str
    name: str
    parent_bu_id: str | None = None
    org_type: OrgType | None = None
    #: The day a snapshot load found the record gone from its source (see
    #: :func:`graph_service.as_of.is_current`); None while its source still has it.
    retired_at: date | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who works (or, with ``left_at``, worked) at an account.

    A person who has left is never engaged and never a hop on an influence path.
    """

    label: ClassVar[str] = "Person"
    id: str
    company_id: str
    full_name: str
    bu_id: str | None = None
    email: str | None = None
    title: str | None = None
    #: A level, or the text the source gave when it names none abmgraph knows (loaded with a
    #: warning; the analytics count it as no known level).
    seniority: Seniority | str | None = None
    reports_to: str | None = None
    left_at: date | None = None
    #: The day a snapshot load found the record gone from its source (see
    #: :func:`graph_service.as_of.is_current`); None while its source still has it.
    retired_at: date | None = None


@dataclass(frozen=True, slots=True)
class BuyingRole:
    """A person's role in a buying decision, for the whole company or one business unit.

    Its identity is (person, role, scope): the same person may be the decider for one unit and
    an influencer company-wide. The role is held from ``since`` (None: for as long as we know)
    until the day before ``until`` (None: still held); see :func:`graph_service.as_of.role_held_on`.
    """

    label: ClassVar[str] = "HAS_ROLE"
    person_id: str
    role: Role
    bu_id: str | None = None
    since: date | None = None
    until: date | None = None
    #: The day a snapshot load found the record gone from its source (see
    #: :func:`graph_service.as_of.is_current`); None while its source still has it.
    retired_at: date | None = None

    @property
    def id(self) -> str:
        return f"{self.person_id}|{self.role}|{self.bu_id or ''}"


@dataclass(frozen=True, slots=True)
class Relationship:
    """A directed tie between two people; ``strength`` in [0, 1] when known."""

    label: ClassVar[str] = "RELATIONSHIP"
    from_person_id: str
    to_person_id: str
    type: RelationshipType
    strength: float | None = None
    #: The day a snapshot load found the record gone from its source (see
    #: :func:`graph_service.as_of.is_current`); None while its source still has it.
    retired_at: date | None = None

    @property
    def id(self) -> str:
        return f"{self.from_person_id}|{self.type}|{self.to_person_id}"


@dataclass(frozen=True, slots=True)
class TeamMember:
    """One of our own people (the seller's side)."""

    label: ClassVar[str] = "TeamMember"
    id: str
    full_name: str
    email: str | None = None
    team_role: TeamRole | None = None
    manager_id: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class AccountTeamMember:
    """A team member assigned to an account, with their role on it (free text)."""

    label: ClassVar[str] = "ON_ACCOUNT_TEAM"
    company_id: str
    member_id: str
    role: str | None = None
    #: The day a snapshot load found the record gone from its source (see
    #: :func:`graph_service.as_of.is_current`); None while its source still has it.
    retired_at: date | None = None

    @property
    def id(self) -> str:
        return f"{self.company_id}|{self.member_id}"


@dataclass(frozen=True, slots=True)
class Deal:
    """An opportunity with an account. ``amount`` is in ``currency``."""

    label: ClassVar[str] = "Deal"
    id: str
    company_id: str
    stage: Stage
    bu_id: str | None = None
    name: str | None = None
    product: str | None = None
    category: str | None = None
    amount: float | None = None
    currency: str | None = None
    created_date: date | None = None
    close_date: date | None = None
    owner_id: str | None = None
    channel: str | None = None
    #: The day a snapshot load found the record gone from its source (see
    #: :func:`graph_service.as_of.is_current`); None while its source still has it.
    retired_at: date | None = None


@dataclass(frozen=True, slots=True)
class DealContact:
    """A person involved in a deal, with their role on it (free text)."""

    label: ClassVar[str] = "CONTACT_ON"
    deal_id: str
    person_id: str
    role: str | None = None

    @property
    def id(self) -> str:
        return f"{self.deal_id}|{self.person_id}"


@dataclass(frozen=True, slots=True)
class Touch:
    """A logged interaction between a team member and a person at an account."""

    label: ClassVar[str] = "Touch"
    id: str
    member_id: str
    person_id: str
    type: TouchType
    occurred_at: datetime
    direction: Direction | None = None
    deal_id: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class NextAction:
    """A planned step on an account."""

    label: ClassVar[str] = "NextAction"
    id: str
    company_id: str
    member_id: str
    due_date: date
    description: str
    person_id: str | None = None
    status: ActionStatus | None = None


@dataclass(frozen=True, slots=True)
class WalletEstimate:
    """What an account (or one of its units) spends per year in a category, from all vendors.

    Its identity is (company, business unit, category, as-of date): a newer estimate is added
    beside the older ones, and analytics use the latest one on or before their as-of date.
    ``vendor_rank`` (1 = the account's preferred vendor) and ``vendor_count`` come from surveys
    and feed the Wallet Allocation Rule.
    """

    label: ClassVar[str] = "WalletEstimate"
    company_id: str
    category: str
    amount: float
    as_of: date
    bu_id: str | None = None
    source: WalletSource | None = None
    vendor_rank: int | None = None
    vendor_count: int | None = None
    #: ISO 4217 code of ``amount``; None means the reporting currency.
    currency: str | None = None

    @property
    def id(self) -> str:
        return f"{self.company_id}|{self.bu_id or ''}|{self.category}|{self.as_of.isoformat()}"


@dataclass(frozen=True, slots=True)
class FxRate:
    """An exchange rate: ``rate`` units of ``currency`` buy one unit of the reporting currency.

    This is the direction of Salesforce's ``ConversionRate``: with JPY reporting, a USD rate of
    0.0066 says 1 JPY = 0.0066 USD, so an amount of 1,000 USD is 1,000 / 0.0066 JPY. A rate with
    ``valid_from`` is a dated rate, valid from that day up to, not including, ``valid_to``
    (Salesforce's ``StartDate`` and ``NextStartDate``; open-ended without it); a rate without
    ``valid_from`` is the currency's static rate, used where no dated rate covers the day.
    """

    label: ClassVar[str] = "FxRate"
    currency: str
    rate: float
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def id(self) -> str:
        return f"{self.currency}|{self.valid_from.isoformat() if self.valid_from else 'static'}"


Record: TypeAlias = (
    Company
    | BusinessUnit
    | Person
    | BuyingRole
    | Relationship
    | TeamMember
    | AccountTeamMember
    | Deal
    | DealContact
    | Touch
    | NextAction
    | WalletEstimate
    | FxRate
)


class Kind(StrEnum):
    """The kinds of record, in the order a load must write them (referenced kinds first).

    The value is the file stem of the kind in the native CSV bundle.
    """

    COMPANIES = "companies"
    BUSINESS_UNITS = "business_units"
    PEOPLE = "people"
    BUYING_ROLES = "buying_roles"
    RELATIONSHIPS = "relationships"
    TEAM = "team"
    ACCOUNT_TEAM = "account_team"
    DEALS = "deals"
    DEAL_CONTACTS = "deal_contacts"
    TOUCHES = "touches"
    NEXT_ACTIONS = "next_actions"
    WALLET = "wallet"
    FX_RATES = "fx_rates"

    @property
    def record_type(self) -> type[Record]:
        return RECORD_TYPES[self]


RECORD_TYPES: dict[Kind, type[Record]] = {
    Kind.COMPANIES: Company,
    Kind.BUSINESS_UNITS: BusinessUnit,
    Kind.PEOPLE: Person,
    Kind.BUYING_ROLES: BuyingRole,
    Kind.RELATIONSHIPS: Relationship,
    Kind.TEAM: TeamMember,
    Kind.ACCOUNT_TEAM: AccountTeamMember,
    Kind.DEALS: Deal,
    Kind.DEAL_CONTACTS: DealContact,
    Kind.TOUCHES: Touch,
    Kind.NEXT_ACTIONS: NextAction,
    Kind.WALLET: WalletEstimate,
    Kind.FX_RATES: FxRate,
}

KIND_OF: dict[type[Record], Kind] = {t: k for k, t in RECORD_TYPES.items()}

#: Kinds whose records are nodes with an ``id`` that other records reference.
ENTITY_KINDS: tuple[Kind, ...] = (
    Kind.COMPANIES,
    Kind.BUSINESS_UNITS,
    Kind.PEOPLE,
    Kind.TEAM,
    Kind.DEALS,
)


#: Kinds whose records carry ``retired_at``: a snapshot load retires those its source no longer
#: has (:meth:`graph_service.store.base.Store.retire`). Team members, deal contacts, touches,
#: next actions, wallet estimates and exchange rates are never retired.
RETIRABLE_KINDS: tuple[Kind, ...] = (
    Kind.COMPANIES,
    Kind.BUSINESS_UNITS,
    Kind.PEOPLE,
    Kind.BUYING_ROLES,
    Kind.RELATIONSHIPS,
    Kind.ACCOUNT_TEAM,
    Kind.DEALS,
)


def record_id(record: Record) -> str:
    """The identity of a record: its id, or the key its natural identity is made of."""
    return record.id


def to_row(record: Record) -> dict[str, Any]:
    """The record as a flat dict of its fields (enum members as their string values).

    >>> to_row(Company(id="c1", name="Acme"))["name"]
    'Acme'
    """
    row: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        row[f.name] = value.value if isinstance(value, StrEnum) else value
    return row


def to_json_row(record: Record) -> dict[str, Any]:
    """The record as JSON-safe values (dates and datetimes in ISO 8601)."""
    return {
        k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in to_row(record).items()
    }


def from_row(cls: type[Record], row: dict[str, Any]) -> Record:
    """Rebuild a record from a row of :func:`to_row` or :func:`to_json_row` values.

    Unknown keys are ignored and missing optional fields take their defaults.

    >>> from_row(Deal, {"id": "d1", "company_id": "c1", "stage": "won",
    ...                 "close_date": "2026-01-31"}).close_date
    datetime.date(2026, 1, 31)
    """
    return from_props(cls, row, _identity)


def from_props(cls: type[Record], props: dict[str, Any], prepare: Callable[[Any], Any]) -> Record:
    """:func:`from_row` of ``props``, each of the record's values first passed through
    ``prepare`` (the store's own values made plain), in one pass over the record's fields.

    >>> from_props(Deal, {"id": "d1", "company_id": "c1", "stage": "won", "x": 1},
    ...            prepare=lambda v: v).stage
    <Stage.WON: 'won'>
    """
    kwargs: dict[str, Any] = {}
    for name, convert in _converters(cls):
        if name in props:
            value = props[name]
            if value is not None:
                value = prepare(value)
                if convert is not _identity:
                    value = convert(value)
            kwargs[name] = value
    return cls(**kwargs)


def from_value_rows(cls: type[Record], rows: Sequence[Sequence[Any]]) -> list[Record]:
    """Rebuild records from rows of one value per field, in the order the class declares them.

    The same conversions as :func:`from_row`, a column at a time and without a key per value
    (for bulk reads). Rows may leave out trailing fields, all the same ones.

    >>> [c.employees for c in from_value_rows(Company, [["c1", "A", None, None, "120"],
    ...                                                 ["c2", "B", None, None, None]])]
    [120, None]
    """
    if not rows:
        return []
    columns = list(zip(*rows, strict=True))
    if len(columns) > len(_converters(cls)):
        raise ValueError(f"{cls.__name__} has {len(_converters(cls))} fields, got {len(columns)}")
    for i, convert in _value_converters(cls):
        if i < len(columns):
            columns[i] = tuple(None if v is None else convert(v) for v in columns[i])
    return list(map(cls, *columns))


_CONVERTERS: dict[type[Record], list[tuple[str, Callable[[Any], Any]]]] = {}
_VALUE_CONVERTERS: dict[type[Record], list[tuple[int, Callable[[Any], Any]]]] = {}


def _value_converters(cls: type[Record]) -> list[tuple[int, Callable[[Any], Any]]]:
    """The positions of ``cls``'s fields whose values need converting, with the conversion."""
    if cls not in _VALUE_CONVERTERS:
        _VALUE_CONVERTERS[cls] = [
            (i, convert)
            for i, (_, convert) in enumerate(_converters(cls))
            if convert is not _identity
        ]
    return _VALUE_CONVERTERS[cls]


def _converters(cls: type[Record]) -> list[tuple[str, Callable[[Any], Any]]]:
    """Each field of ``cls`` with the function that turns a row value into the field's type."""
    if cls not in _CONVERTERS:
        hints = get_type_hints(cls)
        _CONVERTERS[cls] = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls)]
    return _CONVERTERS[cls]


def _to_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(value)


def _to_enum(enum: type[StrEnum], *, or_text: bool = False) -> Callable[[Any], Any]:
    """The member of ``enum`` a value names; with ``or_text`` (a field typed ``Enum | str``)
    any other text stays as it is."""
    members = {m.value: m for m in enum}

    def convert(value: Any) -> Any:
        member = members.get(value)
        if member is not None:
            return member
        return value if or_text and isinstance(value, str) else enum(value)

    return convert


def _converter(hint: Any) -> Callable[[Any], Any]:
    """The conversion for the first of the hint's types that needs one (else the value as is)."""
    types = getattr(hint, "__args__", (hint,))
    for t in types:
        if t is datetime:
            return _to_datetime
        if t is date:
            return _to_date
        if isinstance(t, type) and issubclass(t, StrEnum):
            return _to_enum(t, or_text=str in types)
        if t is float or t is int:
            return cast(Callable[[Any], Any], t)
    return _identity


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True, slots=True)
class GraphStats:
    """Node counts by label and relationship counts by type."""

    nodes: dict[str, int]
    relationships: dict[str, int]

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": dict(sorted(self.nodes.items())),
            "relationships": dict(sorted(self.relationships.items())),
        }


@dataclass(frozen=True, slots=True)
class AccountFilter:
    """Which accounts a listing returns; every given condition must hold.

    ``owner_id`` keeps accounts whose account team includes that team member;
    ``name_contains`` matches case-insensitively.
    """

    industry: str | None = None
    country: str | None = None
    owner_id: str | None = None
    name_contains: str | None = None


@dataclass(frozen=True, slots=True)
class AccountPage:
    """One page of accounts in id order, for keyset pagination."""

    companies: list[Company]
    has_next: bool
    total: int


@dataclass(frozen=True, slots=True)
class AccountSections:
    """Which parts of an account's view a read fetches: everything by default.

    A reader that shows a few parts asks for those only, and the store reads no more (the
    company, its parent and its subsidiaries always come). ``touch_limit`` keeps the latest
    touches only, newest first by ``occurred_at`` and then id, and ``touch_count`` asks for
    how many there are in all; ``members`` are always those the returned parts refer to.

    >>> AccountSections.only(people=True, touch_limit=20).touches
    True
    >>> AccountSections.only(people=True).deals
    False
    """

    business_units: bool = True
    people: bool = True
    buying_roles: bool = True
    relationships: bool = True
    account_team: bool = True
    deals: bool = True
    deal_contacts: bool = True
    touches: bool = True
    touch_limit: int | None = None
    touch_count: bool = True
    next_actions: bool = True
    wallet: bool = True

    @classmethod
    def only(cls, *, touch_limit: int | None = None, **wanted: bool) -> AccountSections:
        """The parts named (``touches`` too when ``touch_limit`` is given), no others."""
        flags = {f.name: False for f in dataclasses.fields(cls) if f.name != "touch_limit"}
        unknown = set(wanted) - set(flags)
        if unknown:
            raise ValueError(f"no such parts of an account view: {sorted(unknown)}")
        flags.update(wanted)
        if touch_limit is not None:
            flags["touches"] = True
        return cls(touch_limit=touch_limit, **flags)

    def params(self) -> dict[str, Any]:
        """The sections as a Cypher parameter map."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


#: Every part of an account's view.
ALL_SECTIONS = AccountSections()


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account's subgraph: the company and everything attached to it, in one piece.

    ``members`` are the team members the other parts refer to (account team, deal owners,
    touches, next actions). ``relationships`` are the ties with at least one end among the
    account's people (a tie to a person at another company shows on both accounts).
    A view read with :class:`AccountSections` holds only the parts asked for (the others
    empty); ``touch_count`` is how many touches the account has, when asked for (``None``
    otherwise: then ``len(touches)`` is the count of a complete view).
    """

    company: Company
    parent: Company | None = None
    subsidiaries: list[Company] = field(default_factory=list)
    business_units: list[BusinessUnit] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    buying_roles: list[BuyingRole] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    account_team: list[AccountTeamMember] = field(default_factory=list)
    members: list[TeamMember] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)
    deal_contacts: list[DealContact] = field(default_factory=list)
    touches: list[Touch] = field(default_factory=list)
    next_actions: list[NextAction] = field(default_factory=list)
    wallet: list[WalletEstimate] = field(default_factory=list)
    touch_count: int | None = None

    def normalized(self) -> AccountView:
        """The same view with every list in a canonical order (for comparing stores)."""
        return dataclasses.replace(
            self,
            subsidiaries=sorted(self.subsidiaries, key=record_id),
            business_units=sorted(self.business_units, key=record_id),
            people=sorted(self.people, key=record_id),
            buying_roles=sorted(self.buying_roles, key=record_id),
            relationships=sorted(self.relationships, key=record_id),
            account_team=sorted(self.account_team, key=record_id),
            members=sorted(self.members, key=record_id),
            deals=sorted(self.deals, key=record_id),
            deal_contacts=sorted(self.deal_contacts, key=record_id),
            touches=sorted(self.touches, key=record_id),
            next_actions=sorted(self.next_actions, key=record_id),
            wallet=sorted(self.wallet, key=record_id),
        )


@dataclass(frozen=True, slots=True)
class PathPerson:
    """A person as influence paths see them: who they report to, when they left, and when a
    snapshot load retired them."""

    id: str
    reports_to: str | None = None
    left_at: date | None = None
    retired_at: date | None = None


@dataclass(frozen=True, slots=True)
class TouchMark:
    """A touch as relationship strength sees it: who, with whom, which local day, how."""

    member_id: str
    person_id: str
    day: date
    type: TouchType
    direction: Direction | None = None


@dataclass(frozen=True, slots=True)
class PathSubgraph:
    """What influence paths need of an account, and nothing more (one store round trip).

    The *family* is the company and all its subsidiaries, recursively. ``people`` are the
    family's people; ``relationships`` the ties with both ends among them; ``touches`` every
    touch with them (any date: the as-of cut is the analytics' job); ``account_team`` the
    member ids on the company's own account team.
    """

    company_id: str
    people: list[PathPerson] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    touches: list[TouchMark] = field(default_factory=list)
    account_team: list[str] = field(default_factory=list)

    @classmethod
    def from_views(cls, views: list[AccountView]) -> PathSubgraph:
        """The path subgraph of a family given as account views (the account's first)."""
        people = {p.id: p for v in views for p in v.people}
        ties = {
            record_id(r): r
            for v in views
            for r in v.relationships
            if r.from_person_id in people and r.to_person_id in people
        }
        return cls(
            company_id=views[0].company.id,
            people=[
                PathPerson(p.id, p.reports_to, p.left_at, p.retired_at) for p in people.values()
            ],
            relationships=list(ties.values()),
            touches=[
                TouchMark(t.member_id, t.person_id, t.occurred_at.date(), t.type, t.direction)
                for v in views
                for t in v.touches
                if t.person_id in people
            ],
            account_team=sorted({a.member_id for a in views[0].account_team}),
        )

    def normalized(self) -> PathSubgraph:
        """The same subgraph with every list in a canonical order (for comparing stores)."""
        return dataclasses.replace(
            self,
            people=sorted(self.people, key=lambda p: p.id),
            relationships=sorted(self.relationships, key=record_id),
            touches=sorted(
                self.touches,
                key=lambda t: (t.member_id, t.person_id, t.day, t.type, t.direction or ""),
            ),
            account_team=sorted(self.account_team),
        )


class RoleHolding(NamedTuple):
    """A buying role held by a current (not departed) person, and whether they are engaged.

    A named tuple rather than a dataclass: a portfolio's rollup holds hundreds of thousands.
    """

    role: Role
    person_id: str
    engaged: bool


class Unconverted(NamedTuple):
    """An amount left out of an answer's totals: its currency has no rate on its day.

    ``kind`` says what holds it: ``deal`` (a won deal's amount), ``wallet`` (the latest wallet
    estimate of a unit and category) or ``revenue`` (a company's annual revenue). ``record_id``
    is that record's id (see :func:`record_id`); ``amount`` is in ``currency``, as loaded.
    """

    kind: str
    record_id: str
    company_id: str
    amount: float
    currency: str


@dataclass(slots=True)
class AccountFacts:
    """One account's per-account rollup as of a date: what portfolio-wide analytics score.

    Not frozen, unlike the records: a rollup holds one per account, and a frozen dataclass of
    this many fields takes twice as long to build. Treat it as read-only.

    Windows end on and include ``as_of``: the spend window covers won deals closed in the last
    ``spend_window_days``; ``touches_recent`` counts touches in the last ``engagement_days`` and
    ``touches_prior`` those in the window before it. ``won_all_*`` cover every won deal closed
    on or before ``as_of``. Every amount is in the reporting currency the rollup was asked for
    (:mod:`graph_service.money`), the company's ``annual_revenue`` too; an amount that has no
    rate is counted nowhere (a won deal still counts in the counts and ``last_won``) and listed
    in ``unconverted`` (in kind and record id order). ``wallet`` holds the estimates dated on
    or before ``as_of``.
    ``next_action`` is the earliest-due action not marked done. ``wallet_by_category`` is the
    account's explicit wallet per category as of ``as_of``: of each (unit, category), the latest
    estimate on or before ``as_of``; per category the company-wide estimate, else the sum of its
    units' (empty without estimates; see :mod:`graph_service.analytics.wallet`).
    """

    company: Company
    owner_ids: list[str]
    won_window_spend: float
    won_window_count: int
    won_all_spend: float
    won_all_count: int
    last_won: date | None
    open_deals: int
    spend_by_category: dict[str, float]
    spend_by_channel: dict[str, float]
    wallet_by_category: dict[str, float]
    touches_recent: int
    touches_prior: int
    roles: list[RoleHolding]
    next_action: NextAction | None
    unconverted: list[Unconverted] = dataclasses.field(default_factory=list)
    #: The ISO 4217 code every amount above is in.
    currency: str = ""

    def normalized(self) -> AccountFacts:
        """The same facts with lists in canonical order and sums rounded (to compare stores)."""
        return dataclasses.replace(
            self,
            owner_ids=sorted(self.owner_ids),
            won_window_spend=round(self.won_window_spend, 6),
            won_all_spend=round(self.won_all_spend, 6),
            spend_by_category={k: round(v, 6) for k, v in sorted(self.spend_by_category.items())},
            spend_by_channel={k: round(v, 6) for k, v in sorted(self.spend_by_channel.items())},
            wallet_by_category={k: round(v, 6) for k, v in sorted(self.wallet_by_category.items())},
            roles=sorted(self.roles, key=lambda r: (r.role.value, r.person_id)),
            unconverted=sorted(self.unconverted),
        )


@dataclass(frozen=True, slots=True)
class ResolutionRecords:
    """What entity resolution matches new rows of one kind (companies or people) against.

    ``records`` are every complete record of the kind in id order; ``aliases`` map ids that
    earlier merges folded away to the id they now live on as.
    """

    records: list[Record]
    aliases: dict[str, str]


class AccessRole(StrEnum):
    """What a caller may see of the portfolio (see :class:`Scope`)."""

    REP = "rep"
    MANAGER = "manager"
    STRATEGIST = "strategist"
    ADMIN = "admin"


#: The roles that see every account.
SEES_EVERYTHING: frozenset[AccessRole] = frozenset({AccessRole.STRATEGIST, AccessRole.ADMIN})


@dataclass(frozen=True, slots=True)
class Scope:
    """Which accounts a caller may see: everything, or a team member's accounts by role.

    - A **rep** sees the companies on their account teams (current ``ON_ACCOUNT_TEAM``
      assignments: one a snapshot load retired no longer counts) and those companies'
      subsidiaries, the whole ``SUBSIDIARY_OF`` tree below each of them.
    - A **manager** sees what each of their reports sees, down the team hierarchy (every team
      member whose chain of ``manager_id`` leads to them, at any depth), plus their own
      accounts, as a rep would.
    - A **strategist** and an **admin** see everything.

    Stores answer :meth:`~graph_service.store.base.Store.visible_company_ids` for a scope;
    reads given those ids answer an account outside them exactly as one that does not exist,
    and portfolio answers are computed over the visible accounts only.
    """

    role: AccessRole
    member_id: str | None = None

    def __post_init__(self) -> None:
        if self.role not in SEES_EVERYTHING and not self.member_id:
            raise ValueError(f"a {self.role.value} scope needs a team member id")

    @classmethod
    def everything(cls, role: AccessRole = AccessRole.STRATEGIST) -> Scope:
        """The scope of a strategist or an admin (every account)."""
        if role not in SEES_EVERYTHING:
            raise ValueError(f"a {role.value} does not see everything")
        return cls(role)

    @classmethod
    def rep(cls, member_id: str) -> Scope:
        """A rep's scope: their accounts and those accounts' subsidiaries."""
        return cls(AccessRole.REP, member_id)

    @classmethod
    def manager(cls, member_id: str) -> Scope:
        """A manager's scope: their own accounts and their reports', down the hierarchy."""
        return cls(AccessRole.MANAGER, member_id)

    @property
    def sees_everything(self) -> bool:
        return self.role in SEES_EVERYTHING
