"""What a load reads: the bundle's columns for each kind of record, and tables of rows.

:data:`COLUMNS` is the bundle contract (docs/bundle.md): for each kind, its columns in file order,
the record field each feeds, how it parses and what it references. A :class:`SourceTable` is one
input file's rows in the bundle's column names; the bundle loader (:mod:`loaders.bundle`) reads
them from a folder, each CRM preset (:mod:`loaders.presets`) builds them from its export's files,
and entity resolution (:mod:`loaders.resolve`) reads them again to find duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graph_service.domain import (
    ActionStatus,
    BuyingRole,
    Direction,
    Kind,
    OrgType,
    RelationshipType,
    Role,
    Stage,
    TeamRole,
    TouchType,
    WalletSource,
)
from graph_service.money import parse_currency
from loaders.parsing import (
    enum_parser,
    parse_amount,
    parse_count,
    parse_date,
    parse_datetime,
    parse_rate,
    parse_strength,
    parse_text,
)
from loaders.vocabulary import (
    ACTION_STATUS_LABELS,
    DIRECTION_LABELS,
    ORG_TYPE_LABELS,
    TEAM_ROLE_LABELS,
    WALLET_SOURCE_LABELS,
    descriptive_parser,
    seniority_parser,
)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a bundle file: the record field it feeds, how it parses, what it references."""

    name: str
    field: str
    required: bool = False
    parse: Callable[[str], Any] = parse_text
    ref: Kind | None = None


def _c(
    name: str,
    *,
    field: str | None = None,
    required: bool = False,
    parse: Callable[[str], Any] = parse_text,
    ref: Kind | None = None,
) -> Column:
    return Column(name, field or name, required, parse, ref)


#: The bundle contract: for each kind, its columns in file order. ``retired_at`` (the kinds of
#: :data:`~graph_service.domain.RETIRABLE_KINDS`): the day the source deleted the record; a row
#: with it is loaded retired (see docs/bundle.md, "Snapshots and retired records").
COLUMNS: dict[Kind, tuple[Column, ...]] = {
    Kind.COMPANIES: (
        _c("company_id", field="id", required=True),
        _c("name", required=True),
        _c("domain"),
        _c("industry"),
        _c("employees", parse=parse_count),
        _c("annual_revenue", parse=parse_amount),
        _c("country"),
        _c("parent_company_id", ref=Kind.COMPANIES),
        _c("corporate_number"),
        _c("annual_revenue_currency", parse=parse_currency),
        _c("retired_at", parse=parse_date),
    ),
    Kind.BUSINESS_UNITS: (
        _c("bu_id", field="id", required=True),
        _c("company_id", required=True, ref=Kind.COMPANIES),
        _c("name", required=True),
        _c("parent_bu_id", ref=Kind.BUSINESS_UNITS),
        _c("org_type", parse=descriptive_parser(OrgType, ORG_TYPE_LABELS)),
        _c("retired_at", parse=parse_date),
    ),
    Kind.PEOPLE: (
        _c("person_id", field="id", required=True),
        _c("company_id", required=True, ref=Kind.COMPANIES),
        _c("full_name", required=True),
        _c("bu_id", ref=Kind.BUSINESS_UNITS),
        _c("email"),
        _c("title"),
        _c("seniority", parse=seniority_parser()),
        _c("reports_to", ref=Kind.PEOPLE),
        _c("left_at", parse=parse_date),
        _c("retired_at", parse=parse_date),
    ),
    Kind.BUYING_ROLES: (
        _c("person_id", required=True, ref=Kind.PEOPLE),
        _c("role", required=True, parse=enum_parser(Role)),
        _c("bu_id", ref=Kind.BUSINESS_UNITS),
        _c("since", parse=parse_date),
        _c("until", parse=parse_date),
        _c("retired_at", parse=parse_date),
    ),
    Kind.RELATIONSHIPS: (
        _c("from_person_id", required=True, ref=Kind.PEOPLE),
        _c("to_person_id", required=True, ref=Kind.PEOPLE),
        _c("type", required=True, parse=enum_parser(RelationshipType)),
        _c("strength", parse=parse_strength),
        _c("retired_at", parse=parse_date),
    ),
    Kind.TEAM: (
        _c("member_id", field="id", required=True),
        _c("full_name", required=True),
        _c("email"),
        _c("team_role", parse=descriptive_parser(TeamRole, TEAM_ROLE_LABELS)),
        _c("manager_id", ref=Kind.TEAM),
        _c("region"),
    ),
    Kind.ACCOUNT_TEAM: (
        _c("company_id", required=True, ref=Kind.COMPANIES),
        _c("member_id", required=True, ref=Kind.TEAM),
        _c("role"),
        _c("retired_at", parse=parse_date),
    ),
    Kind.DEALS: (
        _c("deal_id", field="id", required=True),
        _c("company_id", required=True, ref=Kind.COMPANIES),
        _c("stage", required=True, parse=enum_parser(Stage)),
        _c("bu_id", ref=Kind.BUSINESS_UNITS),
        _c("name"),
        _c("product"),
        _c("category"),
        _c("amount", parse=parse_amount),
        _c("currency", parse=parse_currency),
        _c("created_date", parse=parse_date),
        _c("close_date", parse=parse_date),
        _c("owner_id", ref=Kind.TEAM),
        _c("channel"),
        _c("retired_at", parse=parse_date),
    ),
    Kind.DEAL_CONTACTS: (
        _c("deal_id", required=True, ref=Kind.DEALS),
        _c("person_id", required=True, ref=Kind.PEOPLE),
        _c("role"),
    ),
    Kind.TOUCHES: (
        _c("touch_id", field="id", required=True),
        _c("member_id", required=True, ref=Kind.TEAM),
        _c("person_id", required=True, ref=Kind.PEOPLE),
        _c("type", required=True, parse=enum_parser(TouchType)),
        _c("occurred_at", required=True, parse=parse_datetime),
        _c("direction", parse=descriptive_parser(Direction, DIRECTION_LABELS)),
        _c("deal_id", ref=Kind.DEALS),
        _c("notes"),
    ),
    Kind.NEXT_ACTIONS: (
        _c("action_id", field="id", required=True),
        _c("company_id", required=True, ref=Kind.COMPANIES),
        _c("member_id", required=True, ref=Kind.TEAM),
        _c("due_date", required=True, parse=parse_date),
        _c("description", required=True),
        _c("person_id", ref=Kind.PEOPLE),
        _c("status", parse=descriptive_parser(ActionStatus, ACTION_STATUS_LABELS)),
    ),
    Kind.WALLET: (
        _c("company_id", required=True, ref=Kind.COMPANIES),
        _c("category", required=True),
        _c("amount", required=True, parse=parse_amount),
        _c("as_of", required=True, parse=parse_date),
        _c("bu_id", ref=Kind.BUSINESS_UNITS),
        _c("source", parse=descriptive_parser(WalletSource, WALLET_SOURCE_LABELS)),
        _c("vendor_rank", parse=parse_count),
        _c("vendor_count", parse=parse_count),
        _c("currency", parse=parse_currency),
    ),
    Kind.FX_RATES: (
        _c("currency", required=True, parse=parse_currency),
        _c("rate", required=True, parse=parse_rate),
        _c("valid_from", parse=parse_date),
        _c("valid_to", parse=parse_date),
    ),
}


def record_problem(record: object) -> tuple[str, str, str] | None:
    """What makes a parsed row's record contradict itself, as (column, value, reason), or None.

    A buying role's ``until`` (the first day it is no longer held) must be after its ``since``.
    """
    if (
        isinstance(record, BuyingRole)
        and record.since is not None
        and record.until is not None
        and record.until <= record.since
    ):
        return (
            "until",
            record.until.isoformat(),
            f"until must be after since ({record.since.isoformat()})",
        )
    return None


Rows = Iterator[tuple[int, dict[str, str | None]]]


@dataclass(frozen=True, slots=True)
class SourceTable:
    """Rows of one kind, in the bundle's column names, from one input file.

    ``read_header`` and ``read_rows`` may be called more than once (a file that refers to its
    own rows is read twice) and raise :class:`InputFileError` when the file cannot be read. The
    line of each row is the line of the input file it came from, so rejects point at the source.
    Presets for other CRM exports build these from their own files; ``source_columns`` (bundle
    column -> the source column it comes from) makes rejects name the source's column. A row may
    ask to be rejected as it is read (:func:`loaders.csvfile.rejection`).
    """

    kind: Kind
    name: str
    read_header: Callable[[], list[str]]
    read_rows: Callable[[], Rows]
    source_columns: Mapping[str, str] | None = None
