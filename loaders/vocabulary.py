"""The values of the bundle's optional descriptive fields, in the spellings CRMs export them.

A person's ``seniority``, a business unit's ``org_type``, a team member's ``team_role``, a
touch's ``direction``, a next action's ``status`` and a wallet estimate's ``source`` describe a
record; none of them identifies or links it. A value the vocabulary here does not know never
costs the row: the row is loaded with a warning naming file, line, field and value
(:class:`~loaders.parsing.Flagged`). A seniority is kept as written (``Person.seniority`` holds
either a :class:`~graph_service.domain.Seniority` or the raw text, which the analytics treat as
no known level); the other fields are left empty, since their values steer the analytics.

Labels are compared by :func:`~loaders.normalize.normalize_key` (case, spaces, punctuation and
full-width/half-width do not matter). Every function here is total.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TypeVar

from graph_service.domain import (
    ActionStatus,
    Direction,
    OrgType,
    Seniority,
    TeamRole,
    WalletSource,
)
from loaders.normalize import first_keyword, normalize_key
from loaders.parsing import Flagged

E = TypeVar("E", bound=StrEnum)
_WORDS = re.compile(r"[\W_]+", re.UNICODE)


def _keyed(enum: type[E], table: Mapping[str, E]) -> dict[str, E]:
    keyed = {normalize_key(e.value): e for e in enum}
    keyed.update({normalize_key(k): v for k, v in table.items()})
    return keyed


# -- seniority ---------------------------------------------------------------------------------

#: Whole values that name a level (CRM picklists and enrichment services: Salesforce-style
#: ``VP-Level``/``Non-Manager``, Apollo-style ``c_suite``/``head``/``entry``, Japanese ranks).
SENIORITY_LABELS: dict[str, Seniority] = _keyed(
    Seniority,
    {
        # c_level
        "C-Level": Seniority.C_LEVEL,
        "C Suite": Seniority.C_LEVEL,
        "CxO": Seniority.C_LEVEL,
        "CXO": Seniority.C_LEVEL,
        "Chief": Seniority.C_LEVEL,
        "Executive": Seniority.C_LEVEL,
        "Exec": Seniority.C_LEVEL,
        "Owner": Seniority.C_LEVEL,
        "Founder": Seniority.C_LEVEL,
        "Partner": Seniority.C_LEVEL,
        "President": Seniority.C_LEVEL,
        "Board": Seniority.C_LEVEL,
        "役員": Seniority.C_LEVEL,
        "取締役": Seniority.C_LEVEL,
        "代表取締役": Seniority.C_LEVEL,
        "社長": Seniority.C_LEVEL,
        "会長": Seniority.C_LEVEL,
        "副社長": Seniority.C_LEVEL,
        "専務": Seniority.C_LEVEL,
        "常務": Seniority.C_LEVEL,
        "経営層": Seniority.C_LEVEL,
        # vp
        "VP-Level": Seniority.VP,
        "Vice President": Seniority.VP,
        "SVP": Seniority.VP,
        "EVP": Seniority.VP,
        "AVP": Seniority.VP,
        "執行役員": Seniority.VP,
        "本部長": Seniority.VP,
        "事業部長": Seniority.VP,
        # director
        "Head": Seniority.DIRECTOR,
        "Head of": Seniority.DIRECTOR,
        "部長": Seniority.DIRECTOR,
        "次長": Seniority.DIRECTOR,
        "室長": Seniority.DIRECTOR,
        "センター長": Seniority.DIRECTOR,
        # manager
        "Mgr": Seniority.MANAGER,
        "Management": Seniority.MANAGER,
        "Lead": Seniority.MANAGER,
        "Team Lead": Seniority.MANAGER,
        "Supervisor": Seniority.MANAGER,
        "課長": Seniority.MANAGER,
        "係長": Seniority.MANAGER,
        "マネージャー": Seniority.MANAGER,
        "マネジャー": Seniority.MANAGER,
        "管理職": Seniority.MANAGER,
        "グループ長": Seniority.MANAGER,
        "リーダー": Seniority.MANAGER,
        # staff
        "Individual Contributor": Seniority.STAFF,
        "IC": Seniority.STAFF,
        "Non-Manager": Seniority.STAFF,
        "Employee": Seniority.STAFF,
        "Entry": Seniority.STAFF,
        "Entry Level": Seniority.STAFF,
        "Junior": Seniority.STAFF,
        "Senior": Seniority.STAFF,
        "Associate": Seniority.STAFF,
        "Intern": Seniority.STAFF,
        "Training": Seniority.STAFF,
        "主任": Seniority.STAFF,
        "担当": Seniority.STAFF,
        "担当者": Seniority.STAFF,
        "一般": Seniority.STAFF,
        "一般社員": Seniority.STAFF,
        "社員": Seniority.STAFF,
        "スタッフ": Seniority.STAFF,
        "メンバー": Seniority.STAFF,
    },
)

#: Words in a longer value that tell the level, most specific first (``Senior Vice President``
#: is ``vp`` before ``President`` could make it ``c_level``; ``Senior Manager`` is ``manager``
#: before ``Senior`` could make it ``staff``).
SENIORITY_KEYWORDS: tuple[tuple[str, Seniority], ...] = (
    ("vicepresident", Seniority.VP),
    ("執行役員", Seniority.VP),
    ("nonmanager", Seniority.STAFF),
    ("individualcontributor", Seniority.STAFF),
    ("chief", Seniority.C_LEVEL),
    ("cxo", Seniority.C_LEVEL),
    ("csuite", Seniority.C_LEVEL),
    ("clevel", Seniority.C_LEVEL),
    ("ceo", Seniority.C_LEVEL),
    ("cfo", Seniority.C_LEVEL),
    ("cio", Seniority.C_LEVEL),
    ("cto", Seniority.C_LEVEL),
    ("coo", Seniority.C_LEVEL),
    ("cmo", Seniority.C_LEVEL),
    ("president", Seniority.C_LEVEL),
    ("founder", Seniority.C_LEVEL),
    ("代表", Seniority.C_LEVEL),
    ("社長", Seniority.C_LEVEL),
    ("取締役", Seniority.C_LEVEL),
    ("役員", Seniority.C_LEVEL),
    ("vp", Seniority.VP),
    ("svp", Seniority.VP),
    ("evp", Seniority.VP),
    ("本部長", Seniority.VP),
    ("事業部長", Seniority.VP),
    ("director", Seniority.DIRECTOR),
    ("headof", Seniority.DIRECTOR),
    ("head", Seniority.DIRECTOR),
    ("部長", Seniority.DIRECTOR),
    ("manager", Seniority.MANAGER),
    ("mgr", Seniority.MANAGER),
    ("lead", Seniority.MANAGER),
    ("supervisor", Seniority.MANAGER),
    ("課長", Seniority.MANAGER),
    ("係長", Seniority.MANAGER),
    ("マネージャー", Seniority.MANAGER),
    ("リーダー", Seniority.MANAGER),
    ("主任", Seniority.STAFF),
    ("担当", Seniority.STAFF),
    ("senior", Seniority.STAFF),
    ("junior", Seniority.STAFF),
    ("entry", Seniority.STAFF),
    ("intern", Seniority.STAFF),
    ("staff", Seniority.STAFF),
)


def seniority_level(label: str) -> Seniority | None:
    """The level a seniority value names, or ``None`` when it names none the vocabulary knows.

    >>> seniority_level("C-Level"), seniority_level("SVP"), seniority_level("Head of Sales")
    (<Seniority.C_LEVEL: 'c_level'>, <Seniority.VP: 'vp'>, <Seniority.DIRECTOR: 'director'>)
    >>> seniority_level("部長"), seniority_level("主任"), seniority_level("Senior Manager")
    (<Seniority.DIRECTOR: 'director'>, <Seniority.STAFF: 'staff'>, <Seniority.MANAGER: 'manager'>)
    >>> seniority_level("Senior Vice President"), seniority_level("king") is None
    (<Seniority.VP: 'vp'>, True)
    """
    found = SENIORITY_LABELS.get(normalize_key(label))
    return found if found is not None else first_keyword(SENIORITY_KEYWORDS, label)


# -- the other descriptive fields --------------------------------------------------------------

ORG_TYPE_LABELS: dict[str, OrgType] = _keyed(
    OrgType,
    {
        "Division": OrgType.DIVISIONAL,
        "Business Unit": OrgType.DIVISIONAL,
        "事業部": OrgType.DIVISIONAL,
        "事業部制": OrgType.DIVISIONAL,
        "Function": OrgType.FUNCTIONAL,
        "Department": OrgType.FUNCTIONAL,
        "機能別": OrgType.FUNCTIONAL,
        "部門": OrgType.FUNCTIONAL,
        "Projects": OrgType.PROJECT,
        "Project Team": OrgType.PROJECT,
        "プロジェクト": OrgType.PROJECT,
    },
)

TEAM_ROLE_LABELS: dict[str, TeamRole] = _keyed(
    TeamRole,
    {
        "Account Executive": TeamRole.AE,
        "Account Manager": TeamRole.AE,
        "Sales Rep": TeamRole.AE,
        "営業": TeamRole.AE,
        "Sales Engineer": TeamRole.SE,
        "Solutions Engineer": TeamRole.SE,
        "Solution Engineer": TeamRole.SE,
        "Presales": TeamRole.SE,
        "Customer Success": TeamRole.CSM,
        "Customer Success Manager": TeamRole.CSM,
        "BDR": TeamRole.SDR,
        "Sales Development": TeamRole.SDR,
        "Executive": TeamRole.EXEC,
        "Sales Manager": TeamRole.MANAGER,
    },
)

DIRECTION_LABELS: dict[str, Direction] = _keyed(
    Direction,
    {
        "in": Direction.INBOUND,
        "incoming": Direction.INBOUND,
        "received": Direction.INBOUND,
        "受信": Direction.INBOUND,
        "インバウンド": Direction.INBOUND,
        "out": Direction.OUTBOUND,
        "outgoing": Direction.OUTBOUND,
        "sent": Direction.OUTBOUND,
        "送信": Direction.OUTBOUND,
        "アウトバウンド": Direction.OUTBOUND,
    },
)

ACTION_STATUS_LABELS: dict[str, ActionStatus] = _keyed(
    ActionStatus,
    {
        "to do": ActionStatus.OPEN,
        "todo": ActionStatus.OPEN,
        "not started": ActionStatus.OPEN,
        "pending": ActionStatus.OPEN,
        "in progress": ActionStatus.OPEN,
        "waiting": ActionStatus.OPEN,
        "未着手": ActionStatus.OPEN,
        "未完了": ActionStatus.OPEN,
        "対応中": ActionStatus.OPEN,
        "completed": ActionStatus.DONE,
        "complete": ActionStatus.DONE,
        "closed": ActionStatus.DONE,
        "finished": ActionStatus.DONE,
        "完了": ActionStatus.DONE,
        "済": ActionStatus.DONE,
        "対応済": ActionStatus.DONE,
    },
)

WALLET_SOURCE_LABELS: dict[str, WalletSource] = _keyed(
    WalletSource,
    {
        "questionnaire": WalletSource.SURVEY,
        "interview": WalletSource.SURVEY,
        "アンケート": WalletSource.SURVEY,
        "analyst report": WalletSource.ANALYST,
        "third party": WalletSource.ANALYST,
        "estimate": WalletSource.MODEL,
        "modelled": WalletSource.MODEL,
        "modeled": WalletSource.MODEL,
        "entered by hand": WalletSource.MANUAL,
        "hand": WalletSource.MANUAL,
        "手入力": WalletSource.MANUAL,
    },
)


def _allowed(enum: type[StrEnum]) -> str:
    return ", ".join(e.value for e in enum)


def seniority_parser() -> Callable[[str], Seniority | Flagged]:
    """The bundle's ``seniority`` parser: a known level, or the value kept as written with a
    warning (never a reject).

    >>> seniority_parser()("Head of IT")
    <Seniority.DIRECTOR: 'director'>
    >>> seniority_parser()("Principal Wizard").value
    'Principal Wizard'
    """

    def parse(raw: str) -> Seniority | Flagged:
        level = seniority_level(raw)
        if level is not None:
            return level
        return Flagged(
            raw,
            f"{raw!r} is not a seniority level ({_allowed(Seniority)}): kept as written, "
            "counted as no known level",
        )

    return parse


def descriptive_parser(enum: type[E], labels: Mapping[str, E]) -> Callable[[str], E | Flagged]:
    """A parser for an optional descriptive field: one of ``enum``'s values by any spelling in
    ``labels``, or nothing with a warning (never a reject).

    >>> descriptive_parser(Direction, DIRECTION_LABELS)("Incoming")
    <Direction.INBOUND: 'inbound'>
    >>> descriptive_parser(Direction, DIRECTION_LABELS)("sideways").value is None
    True
    """

    def parse(raw: str) -> E | Flagged:
        found = labels.get(normalize_key(raw))
        if found is not None:
            return found
        return Flagged(None, f"{raw!r} is not one of: {_allowed(enum)}: loaded without it")

    return parse
