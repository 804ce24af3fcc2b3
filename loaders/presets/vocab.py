"""The value maps of the presets: CRM stage names, contact roles, activity types, user roles and
job titles onto abmgraph's vocabulary. Every table is documented in ``docs/presets.md``.

Labels are compared by :func:`~loaders.normalize.normalize_key` (case, spaces, punctuation,
full-width/half-width do not matter), so ``Closed Won``, ``closedwon`` and ``CLOSED_WON`` are one
label. Every function here is total: it returns a value (or ``None`` for "no such thing") for any
string and never raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeVar

from graph_service.domain import Role, Seniority, Stage, TeamRole, TouchType
from loaders.normalize import first_keyword, normalize_key

V = TypeVar("V")
_WORDS = re.compile(r"[\W_]+", re.UNICODE)


def _keyed(table: Mapping[str, V]) -> dict[str, V]:
    return {normalize_key(k): v for k, v in table.items()}


# -- deal stages -------------------------------------------------------------------------------

#: Maven CRM's four stages. ``Engaging`` (an agent in active conversation after prospecting, no
#: proposal recorded) is the first engaged, unqualified-as-proposal stage: ``qualifying``.
MAVEN_STAGES: dict[str, Stage] = {
    "Prospecting": Stage.PROSPECTING,
    "Engaging": Stage.QUALIFYING,
    "Won": Stage.WON,
    "Lost": Stage.LOST,
}

#: Salesforce's default sales process (and common variants).
SALESFORCE_STAGES: dict[str, Stage] = {
    "Prospecting": Stage.PROSPECTING,
    "Qualification": Stage.QUALIFYING,
    "Needs Analysis": Stage.QUALIFYING,
    "Value Proposition": Stage.PROPOSAL,
    "Id. Decision Makers": Stage.PROPOSAL,
    "Perception Analysis": Stage.PROPOSAL,
    "Proposal/Price Quote": Stage.PROPOSAL,
    "Negotiation/Review": Stage.NEGOTIATION,
    "Closed Won": Stage.WON,
    "Closed Lost": Stage.LOST,
}

#: HubSpot's default sales pipeline: internal values and their labels.
HUBSPOT_STAGES: dict[str, Stage] = {
    "appointmentscheduled": Stage.PROSPECTING,
    "Appointment Scheduled": Stage.PROSPECTING,
    "qualifiedtobuy": Stage.QUALIFYING,
    "Qualified To Buy": Stage.QUALIFYING,
    "presentationscheduled": Stage.PROPOSAL,
    "Presentation Scheduled": Stage.PROPOSAL,
    "decisionmakerboughtin": Stage.NEGOTIATION,
    "Decision Maker Bought-In": Stage.NEGOTIATION,
    "contractsent": Stage.NEGOTIATION,
    "Contract Sent": Stage.NEGOTIATION,
    "closedwon": Stage.WON,
    "Closed Won": Stage.WON,
    "closedlost": Stage.LOST,
    "Closed Lost": Stage.LOST,
}

#: Words that place a stage name no table knows, tried in this order (English and Japanese).
STAGE_KEYWORDS: tuple[tuple[str, Stage], ...] = (
    ("lost", Stage.LOST),
    ("失注", Stage.LOST),
    ("won", Stage.WON),
    ("受注", Stage.WON),
    ("成約", Stage.WON),
    ("negotiat", Stage.NEGOTIATION),
    ("contract", Stage.NEGOTIATION),
    ("交渉", Stage.NEGOTIATION),
    ("契約", Stage.NEGOTIATION),
    ("proposal", Stage.PROPOSAL),
    ("quote", Stage.PROPOSAL),
    ("presentation", Stage.PROPOSAL),
    ("提案", Stage.PROPOSAL),
    ("見積", Stage.PROPOSAL),
    ("qualif", Stage.QUALIFYING),
    ("prospect", Stage.PROSPECTING),
    ("lead", Stage.PROSPECTING),
)

#: Where an open stage nobody recognises goes: it is being worked, so past prospecting, but
#: nothing says a proposal is out. Placing it later would overstate pipeline maturity.
UNKNOWN_OPEN_STAGE = Stage.QUALIFYING

_SF_STAGES = _keyed(SALESFORCE_STAGES)
_HS_STAGES = _keyed(HUBSPOT_STAGES)
_MAVEN_STAGES = _keyed(MAVEN_STAGES)


def _keyword_stage(label: str) -> Stage | None:
    return first_keyword(STAGE_KEYWORDS, label)


def maven_stage(label: str) -> Stage | None:
    """Maven CRM's stage, or ``None`` for a stage that dataset does not have.

    >>> maven_stage("Engaging"), maven_stage("Won"), maven_stage("Pending")
    (<Stage.QUALIFYING: 'qualifying'>, <Stage.WON: 'won'>, None)
    """
    return _MAVEN_STAGES.get(normalize_key(label))


def parse_bool(raw: str) -> bool | None:
    """``true``/``false`` as CRMs export them (``1``/``0``, ``yes``/``no``), else ``None``.

    >>> parse_bool("TRUE"), parse_bool("0"), parse_bool("maybe")
    (True, False, None)
    """
    key = normalize_key(raw)
    if key in {"true", "1", "yes", "y", "t"}:
        return True
    if key in {"false", "0", "no", "n", "f"}:
        return False
    return None


def _crm_stage(table: dict[str, Stage], label: str) -> Stage:
    return table.get(normalize_key(label)) or _keyword_stage(label) or UNKNOWN_OPEN_STAGE


def salesforce_stage(label: str, is_closed: str = "", is_won: str = "") -> Stage:
    """A Salesforce opportunity's stage: ``IsWon`` true is ``won``; else ``IsClosed`` true is
    ``lost``; else the stage name by :data:`SALESFORCE_STAGES`, then :data:`STAGE_KEYWORDS`, then
    :data:`UNKNOWN_OPEN_STAGE`. A closed stage name on an opportunity whose ``IsClosed`` is false
    is taken as the open stage it is most likely to have been: ``negotiation``.

    >>> salesforce_stage("Needs Analysis"), salesforce_stage("Signed", "true", "true")
    (<Stage.QUALIFYING: 'qualifying'>, <Stage.WON: 'won'>)
    >>> salesforce_stage("Closed - Dead", "true", "false"), salesforce_stage("Discovery")
    (<Stage.LOST: 'lost'>, <Stage.QUALIFYING: 'qualifying'>)
    """
    won, closed = parse_bool(is_won), parse_bool(is_closed)
    if won:
        return Stage.WON
    if closed:
        return Stage.LOST
    stage = _crm_stage(_SF_STAGES, label)
    if closed is False and not stage.is_open:
        return Stage.NEGOTIATION
    if won is False and stage is Stage.WON:
        return Stage.LOST
    return stage


def hubspot_stage(label: str) -> Stage:
    """A HubSpot deal stage (internal value or label) by :data:`HUBSPOT_STAGES`, then
    :data:`STAGE_KEYWORDS`, then :data:`UNKNOWN_OPEN_STAGE`.

    >>> hubspot_stage("decisionmakerboughtin"), hubspot_stage("Closed Won")
    (<Stage.NEGOTIATION: 'negotiation'>, <Stage.WON: 'won'>)
    """
    return _crm_stage(_HS_STAGES, label)


# -- buying roles ------------------------------------------------------------------------------

#: Salesforce OpportunityContactRole.Role (default picklist, plus our own role names). ``None``:
#: the contact is on the deal but holds no buying role.
SALESFORCE_ROLES: dict[str, Role | None] = {
    "Decision Maker": Role.DECIDER,
    "Economic Buyer": Role.BUYER,
    "Economic Decision Maker": Role.DECIDER,
    "Evaluator": Role.INFLUENCER,
    "Influencer": Role.INFLUENCER,
    "Technical Buyer": Role.INFLUENCER,
    "Business User": Role.USER,
    "Executive Sponsor": Role.CHAMPION,
    "Champion": Role.CHAMPION,
    "Gatekeeper": Role.GATEKEEPER,
    "Initiator": Role.INITIATOR,
    "Other": None,
}

#: HubSpot's "Buying Role" contact property (hs_buying_role), labels and internal values.
HUBSPOT_ROLES: dict[str, Role | None] = {
    "Decision Maker": Role.DECIDER,
    "Budget Holder": Role.BUYER,
    "Champion": Role.CHAMPION,
    "Influencer": Role.INFLUENCER,
    "End User": Role.USER,
    "Blocker": Role.GATEKEEPER,
    "Executive Sponsor": Role.CHAMPION,
    "Legal and Compliance": Role.GATEKEEPER,
    "Other": None,
}

_SF_ROLES = _keyed(SALESFORCE_ROLES)
_HS_ROLES = _keyed(HUBSPOT_ROLES)
_OWN_ROLES = {normalize_key(r.value): r for r in Role}


def _role(table: dict[str, Role | None], label: str) -> tuple[bool, Role | None]:
    key = normalize_key(label)
    if key in table:
        return True, table[key]
    if key in _OWN_ROLES:
        return True, _OWN_ROLES[key]
    return False, None


def salesforce_role(label: str) -> tuple[bool, Role | None]:
    """Whether the Salesforce contact role is known, and the buying role it is (``None``: none).

    >>> salesforce_role("Technical Buyer"), salesforce_role("Other"), salesforce_role("Coach")
    ((True, <Role.INFLUENCER: 'influencer'>), (True, None), (False, None))
    """
    return _role(_SF_ROLES, label)


def hubspot_role(label: str) -> tuple[bool, Role | None]:
    """Whether the HubSpot buying role is known, and the buying role it is (``None``: none).

    >>> hubspot_role("BUDGET_HOLDER"), hubspot_role("Blocker")
    ((True, <Role.BUYER: 'buyer'>), (True, <Role.GATEKEEPER: 'gatekeeper'>))
    """
    return _role(_HS_ROLES, label)


# -- touch types -------------------------------------------------------------------------------

#: Activity types (Salesforce Task/Event ``Type`` and ``TaskSubtype``/``EventSubtype``, HubSpot
#: engagement types) onto touch types. ``None``: not a touch (a note, a to-do).
ACTIVITY_TYPES: dict[str, TouchType | None] = {
    "Call": TouchType.CALL,
    "Phone": TouchType.CALL,
    "Email": TouchType.EMAIL,
    "Send Letter": TouchType.EMAIL,
    "List Email": TouchType.EMAIL,
    "ListEmail": TouchType.EMAIL,
    "INCOMING_EMAIL": TouchType.EMAIL,
    "FORWARDED_EMAIL": TouchType.EMAIL,
    "Meeting": TouchType.MEETING,
    "Demo": TouchType.MEETING,
    "Presentation": TouchType.MEETING,
    "Visit": TouchType.VISIT,
    "Site Visit": TouchType.VISIT,
    "On-site": TouchType.VISIT,
    "Event": TouchType.EVENT,
    "Conference": TouchType.EVENT,
    "Trade Show": TouchType.EVENT,
    "Webinar": TouchType.WEBINAR,
    "Chat": TouchType.CHAT,
    "LinkedIn": TouchType.CHAT,
    "LINKEDIN_MESSAGE": TouchType.CHAT,
    "SMS": TouchType.CHAT,
    "WHATS_APP": TouchType.CHAT,
    "Note": None,
}

#: Words in a subject that tell the touch type when the type column does not (tried in order).
SUBJECT_KEYWORDS: tuple[tuple[str, TouchType], ...] = (
    ("webinar", TouchType.WEBINAR),
    ("ウェビナー", TouchType.WEBINAR),
    ("セミナー", TouchType.EVENT),
    ("conference", TouchType.EVENT),
    ("展示会", TouchType.EVENT),
    ("visit", TouchType.VISIT),
    ("訪問", TouchType.VISIT),
    ("meeting", TouchType.MEETING),
    ("mtg", TouchType.MEETING),
    ("demo", TouchType.MEETING),
    ("lunch", TouchType.MEETING),
    ("打ち合わせ", TouchType.MEETING),
    ("打合せ", TouchType.MEETING),
    ("商談", TouchType.MEETING),
    ("面談", TouchType.MEETING),
    ("call", TouchType.CALL),
    ("電話", TouchType.CALL),
    ("email", TouchType.EMAIL),
    ("mail", TouchType.EMAIL),
    ("メール", TouchType.EMAIL),
    ("chat", TouchType.CHAT),
    ("linkedin", TouchType.CHAT),
)

_ACTIVITY = {normalize_key(k): v for k, v in ACTIVITY_TYPES.items()}
_OWN_TOUCH = {normalize_key(t.value): t for t in TouchType}
_NOT_A_TOUCH = object()


def _activity(label: str) -> TouchType | object | None:
    key = normalize_key(label)
    if not key:
        return None
    if key in _ACTIVITY:
        found = _ACTIVITY[key]
        return _NOT_A_TOUCH if found is None else found
    return _OWN_TOUCH.get(key)


def touch_type(types: tuple[str, ...], subject: str, default: TouchType | None) -> TouchType | None:
    """The touch type of an activity: the first of ``types`` (type, subtype) that
    :data:`ACTIVITY_TYPES` knows, else a keyword of ``subject`` (:data:`SUBJECT_KEYWORDS`), else
    ``default``. ``None`` when the activity is not a touch (a note or a to-do), or nothing tells
    and there is no default.

    >>> touch_type(("Other",), "訪問: 新工場の見学", TouchType.CALL)
    <TouchType.VISIT: 'visit'>
    >>> touch_type(("NOTE",), "call summary", TouchType.CALL) is None
    True
    """
    for label in types:
        found = _activity(label)
        if found is _NOT_A_TOUCH:
            return None
        if isinstance(found, TouchType):
            return found
    return first_keyword(SUBJECT_KEYWORDS, subject) or default


# -- our team and their titles -----------------------------------------------------------------

#: Words in a Salesforce ``UserRole`` (a role hierarchy name) that tell the team role, in order.
TEAM_ROLE_KEYWORDS: tuple[tuple[str, TeamRole], ...] = (
    ("ceo", TeamRole.EXEC),
    ("chief", TeamRole.EXEC),
    ("vp", TeamRole.EXEC),
    ("vicepresident", TeamRole.EXEC),
    ("役員", TeamRole.EXEC),
    ("accountexecutive", TeamRole.AE),
    ("accountmanager", TeamRole.AE),
    ("manager", TeamRole.MANAGER),
    ("director", TeamRole.MANAGER),
    ("head", TeamRole.MANAGER),
    ("lead", TeamRole.MANAGER),
    ("部長", TeamRole.MANAGER),
    ("課長", TeamRole.MANAGER),
    ("マネージャー", TeamRole.MANAGER),
    ("executive", TeamRole.EXEC),
    ("customersuccess", TeamRole.CSM),
    ("csm", TeamRole.CSM),
    ("salesengineer", TeamRole.SE),
    ("solutionengineer", TeamRole.SE),
    ("solutionsengineer", TeamRole.SE),
    ("presales", TeamRole.SE),
    ("sdr", TeamRole.SDR),
    ("bdr", TeamRole.SDR),
    ("businessdevelopment", TeamRole.SDR),
    ("insidesales", TeamRole.SDR),
    ("salesrep", TeamRole.AE),
    ("ae", TeamRole.AE),
    ("営業", TeamRole.AE),
)


def team_role(label: str) -> TeamRole | None:
    """Our team member's role from a role or title name, or ``None``.

    >>> team_role("VP, Sales"), team_role("Western Sales Manager"), team_role("SDR - Japan")
    (<TeamRole.EXEC: 'exec'>, <TeamRole.MANAGER: 'manager'>, <TeamRole.SDR: 'sdr'>)
    >>> team_role("Account Executive"), team_role("Sales Engineer")
    (<TeamRole.AE: 'ae'>, <TeamRole.SE: 'se'>)
    """
    key = normalize_key(label)
    if key in {t.value for t in TeamRole}:
        return TeamRole(key)
    return first_keyword(TEAM_ROLE_KEYWORDS, label)


#: Words in a contact's job title that tell their seniority, in order (English and Japanese).
SENIORITY_KEYWORDS: tuple[tuple[str, Seniority], ...] = (
    ("chief", Seniority.C_LEVEL),
    ("ceo", Seniority.C_LEVEL),
    ("cfo", Seniority.C_LEVEL),
    ("cio", Seniority.C_LEVEL),
    ("cto", Seniority.C_LEVEL),
    ("coo", Seniority.C_LEVEL),
    ("president", Seniority.C_LEVEL),
    ("社長", Seniority.C_LEVEL),
    ("取締役", Seniority.C_LEVEL),
    ("vp", Seniority.VP),
    ("vicepresident", Seniority.VP),
    ("執行役員", Seniority.VP),
    ("本部長", Seniority.VP),
    ("director", Seniority.DIRECTOR),
    ("headof", Seniority.DIRECTOR),
    ("部長", Seniority.DIRECTOR),
    ("manager", Seniority.MANAGER),
    ("課長", Seniority.MANAGER),
    ("マネージャー", Seniority.MANAGER),
    ("係長", Seniority.MANAGER),
)


def seniority_from_title(title: str) -> Seniority | None:
    """A contact's seniority from their job title, or ``None`` when the title does not say.

    "Vice President" is read as ``vp`` before "President" is read as ``c_level``.

    >>> seniority_from_title("Vice President, IT"), seniority_from_title("情報システム部 部長")
    (<Seniority.VP: 'vp'>, <Seniority.DIRECTOR: 'director'>)
    >>> seniority_from_title("Engineer") is None
    True
    """
    key = normalize_key(title)
    if "vicepresident" in key or "執行役員" in key:
        return Seniority.VP
    return first_keyword(SENIORITY_KEYWORDS, title)
