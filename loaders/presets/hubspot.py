"""HubSpot CRM exports with HubSpot's default property names: companies, contacts, deals and
engagements (activities). Files are found by name: ``companies.csv``, ``contacts.csv``,
``deals.csv``, ``engagements.csv``, or the one ``.csv`` whose name contains ``compan``,
``contact``, ``deal`` or ``engagement``/``activit`` (as HubSpot names its export files). Mapping
tables in ``docs/presets.md``.

- companies -> companies (``Record ID``, ``Company name``, ``Company Domain Name``,
  ``Industry``, ``Number of Employees``, ``Annual Revenue``, ``Country/Region``, ``Parent
  Company`` by id or name); ``companies.csv (owners)`` and ``companies.csv (account teams)``:
  the ``Company owner`` is a team member on the company's account team as ``owner``.
- contacts -> people (``First Name``, ``Last Name`` — family name first when Japanese —
  ``Email``, ``Job Title``, ``Associated Company`` by id or name); ``contacts.csv (buying
  roles)`` from the ``Buying Role`` property by :data:`~loaders.presets.vocab.HUBSPOT_ROLES`.
- deals -> deals (``Deal Stage`` by :func:`~loaders.presets.vocab.hubspot_stage`, ``Deal
  owner`` -> owner); ``deals.csv (contacts)``: the deal's associated contacts.
- engagements -> touches (``CALL``, ``EMAIL``, ``MEETING``, ...: by
  :func:`~loaders.presets.vocab.touch_type`; notes and tasks are rejected as not touches). An
  engagement with several contacts is one touch per contact: the first in the main table, the
  others in ``engagements.csv (other contacts)``.

Owners are exported as names (or owner ids): a team member's id is the
:func:`~loaders.presets.base.slug` of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from graph_service.domain import Kind
from graph_service.errors import InputFileError
from loaders.csvfile import rejection
from loaders.normalize import normalize_email
from loaders.presets.base import (
    BundleRow,
    Col,
    ExportDir,
    PresetSource,
    Source,
    SourceRow,
    reject,
    slug,
    split_list,
    table,
)
from loaders.presets.salesforce import full_name
from loaders.presets.vocab import hubspot_role, hubspot_stage, touch_type
from loaders.tables import SourceTable

FILES = ("companies.csv", "contacts.csv", "deals.csv", "engagements.csv")

RECORD_ID = ("Record ID", "hs_object_id")
COMPANY_REF = (
    "Associated Company IDs (Primary)",
    "Primary Associated Company ID",
    "Associated Company ID",
    "Associated Company IDs",
    "associatedcompanyid",
    "Associated Company",
    "Company",
)
CONTACT_REF = (
    "Associated Contact IDs",
    "Associated Contact ID",
    "associations.contactIds",
    "Associated Contacts",
    "Associated Contact",
)
DEAL_REF = ("Associated Deal IDs", "Associated Deal ID", "associations.dealIds", "Associated Deal")
#: Engagement types that are not interactions with a person.
NOT_TOUCHES = frozenset({"note", "task"})

_PAREN_EMAIL = re.compile(r"\(([^()]*@[^()]*)\)\s*$")


class Index:
    """Ids of one export file, and the ids its names and emails stand for, so that a reference
    written as a name (``Sakura Holdings``) or ``Name (email)`` finds its record. Built on first
    use; a name two records share stands for neither."""

    def __init__(self, source: Source | None, id_cols: tuple[str, ...], name_cols: tuple[str, ...]):
        self._source = source
        self._id_cols, self._name_cols = id_cols, name_cols
        self._ids: set[str] | None = None
        self._names: dict[str, str | None] = {}
        self._emails: dict[str, str] = {}

    def _build(self) -> set[str]:
        if self._ids is not None:
            return self._ids
        self._ids = set()
        if self._source is None:
            return self._ids
        try:
            id_col = self._source.column(*self._id_cols)
            name_col = self._source.column(*self._name_cols)
            first, last = self._source.column("First Name"), self._source.column("Last Name")
            email_col = self._source.column("Email")
            if id_col is None:
                return self._ids
            for _, raw in self._source.rows():
                if rejection(raw) or not (id_ := (raw.get(id_col) or "").strip()):
                    continue
                self._ids.add(id_)
                names = [(raw.get(name_col) or "").strip()] if name_col else []
                if first or last:
                    f = (raw.get(first) or "").strip() if first else ""
                    la = (raw.get(last) or "").strip() if last else ""
                    names += [full_name(f, la), f"{f} {la}".strip()]
                for key in {slug(n) for n in names if slug(n)}:
                    self._names[key] = id_ if key not in self._names else None
                if email_col and (email := normalize_email(raw.get(email_col) or "")):
                    self._emails[email] = id_
        except InputFileError:
            pass  # the file's own table reports it
        return self._ids

    def resolve(self, value: str) -> str:
        """The record id ``value`` stands for: an id, ``Name (email)``, an email or a name; else
        ``value`` itself (the loader then rejects it as unknown)."""
        ids = self._build()
        if value in ids:
            return value
        if (m := _PAREN_EMAIL.search(value)) and (e := normalize_email(m[1])) in self._emails:
            return self._emails[e]
        if (e := normalize_email(value)) and e in self._emails:
            return self._emails[e]
        name = _PAREN_EMAIL.sub("", value).strip()
        return self._names.get(slug(name)) or value


def tables(path: Path, encoding: str | None = "auto") -> PresetSource:
    """The tables of a HubSpot export folder, in load order."""
    export = ExportDir(path, encoding, "hubspot")
    companies = export.find("companies.csv", contains="compan")
    contacts = export.find("contacts.csv", contains="contact")
    deals = export.find("deals.csv", contains="deal")
    engagements = export.find("engagements.csv", "activities.csv", contains="engagement")
    if engagements is None:
        engagements = export.find(contains="activit")
    export.require_some((companies, contacts, deals, engagements), FILES)
    company_index = Index(companies, RECORD_ID, ("Company name", "Name"))
    contact_index = Index(contacts, RECORD_ID, ())
    out: list[SourceTable] = []
    if companies:
        out.append(_companies(companies, company_index))
    if contacts:
        out += [_contacts(contacts, company_index), _buying_roles(contacts)]
    if companies:
        out.append(_owners(companies, _COMPANY_OWNER))
    if deals:
        out.append(_owners(deals, _DEAL_OWNER))
    if engagements:
        out.append(_owners(engagements, _ENGAGEMENT_OWNER))
    if companies:
        out.append(_account_teams(companies))
    if deals:
        out += [_deals(deals, company_index), _deal_contacts(deals, contact_index)]
    if engagements:
        out += [
            _engagements(engagements, contact_index, first=True),
            _engagements(engagements, contact_index, first=False),
        ]
    return PresetSource(tables=out)


_COMPANY_OWNER = ("Company owner", "HubSpot Owner", "hubspot_owner_id")
_DEAL_OWNER = ("Deal owner", "HubSpot Owner", "hubspot_owner_id")
_ENGAGEMENT_OWNER = (
    "Activity assigned to",
    "Assigned to",
    "Owner",
    "HubSpot Owner",
    "engagement.ownerId",
    "hubspot_owner_id",
)


def _first(raw: str) -> str:
    items = split_list(raw)
    return items[0] if items else ""


def _companies(source: Source, index: Index) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        parent = index.resolve(_first(r["parent"])) if r["parent"] else None
        yield {
            "company_id": r["id"],
            "name": r["name"],
            "domain": r["domain"] or None,
            "industry": r["industry"] or None,
            "employees": r["employees"] or None,
            "annual_revenue": r["revenue"] or None,
            "country": r["country"] or None,
            "parent_company_id": parent,
            "corporate_number": r["corporate_number"] or None,
        }

    return table(
        Kind.COMPANIES,
        source.name,
        source,
        {
            "id": Col.of(*RECORD_ID, "Company ID", required=True),
            "name": Col.of("Company name", "Name", required=True),
            "domain": Col.of("Company Domain Name", "Website URL", "domain"),
            "industry": Col.of("Industry"),
            "employees": Col.of("Number of Employees", "numberofemployees"),
            "revenue": Col.of("Annual Revenue", "annualrevenue"),
            "country": Col.of("Country/Region", "Country"),
            "parent": Col.of("Parent Company", "Parent Company ID", "hs_parent_company_id"),
            "owner": Col.of(*_COMPANY_OWNER),
            "corporate_number": Col.of("Corporate Number", "corporate_number", "法人番号"),
        },
        convert,
        unique="company_id",
        names={
            "company_id": "id",
            "domain": "domain",
            "employees": "employees",
            "annual_revenue": "revenue",
            "parent_company_id": "parent",
        },
    )


def _owners(source: Source, columns: tuple[str, ...]) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        if slug(r["owner"]):
            yield {"member_id": slug(r["owner"]), "full_name": r["owner"]}

    return table(
        Kind.TEAM,
        f"{source.name} (owners)",
        source,
        {"owner": Col.of(*columns)},
        convert,
        main=False,
        distinct=lambda row: row["member_id"],
        names={"member_id": "owner", "full_name": "owner"},
    )


def _account_teams(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        if r["id"] and slug(r["owner"]):
            yield {"company_id": r["id"], "member_id": slug(r["owner"]), "role": "owner"}

    return table(
        Kind.ACCOUNT_TEAM,
        f"{source.name} (account teams)",
        source,
        {"id": Col.of(*RECORD_ID, "Company ID", required=True), "owner": Col.of(*_COMPANY_OWNER)},
        convert,
        main=False,
        distinct=lambda row: (row["company_id"], row["member_id"]),
        names={"company_id": "id", "member_id": "owner"},
    )


_CONTACT_SPEC = {
    "id": Col.of(*RECORD_ID, "Contact ID", required=True),
    "first": Col.of("First Name", "firstname"),
    "last": Col.of("Last Name", "lastname"),
    "email": Col.of("Email", "email"),
    "title": Col.of("Job Title", "jobtitle"),
    "company": Col.of(*COMPANY_REF, required=True),
    "role": Col.of("Buying Role", "hs_buying_role"),
}


def _contacts(source: Source, companies: Index) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        company = _first(r["company"])
        name = full_name(r["first"], r["last"]) or r["email"]
        yield {
            "person_id": r["id"],
            "company_id": companies.resolve(company) if company else None,
            "full_name": name,
            "email": r["email"] or None,
            "title": r["title"] or None,
        }

    return table(
        Kind.PEOPLE,
        source.name,
        source,
        _CONTACT_SPEC,
        convert,
        unique="person_id",
        names={
            "person_id": "id",
            "company_id": "company",
            "full_name": "last",
            "email": "email",
            "title": "title",
        },
    )


def _buying_roles(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        for label in split_list(r["role"]):
            known, role = hubspot_role(label)
            if not known:
                reason = f"HubSpot buying role {label!r} is not in the preset's table"
                yield reject(reason, r.column("role"), label)
            elif role is not None and r["id"]:
                yield {"person_id": r["id"], "role": role.value}

    return table(
        Kind.BUYING_ROLES,
        f"{source.name} (buying roles)",
        source,
        _CONTACT_SPEC,
        convert,
        main=False,
        distinct=lambda row: (row["person_id"], row["role"]),
        names={"person_id": "id", "role": "role"},
    )


_DEAL_SPEC = {
    "id": Col.of(*RECORD_ID, "Deal ID", required=True),
    "name": Col.of("Deal Name", "dealname"),
    "stage": Col.of("Deal Stage", "dealstage", required=True),
    "amount": Col.of("Amount", "amount"),
    "currency": Col.of("Currency", "deal_currency_code"),
    "close": Col.of("Close Date", "closedate"),
    "create": Col.of("Create Date", "createdate"),
    "owner": Col.of(*_DEAL_OWNER),
    "company": Col.of(*COMPANY_REF, required=True),
    "contacts": Col.of(*CONTACT_REF),
    "product": Col.of("Product", "Product Name"),
    "category": Col.of("Product Category", "Deal Category", "Product line"),
    "channel": Col.of("Original Source", "Original Traffic Source", "hs_analytics_source"),
}


def _deals(source: Source, companies: Index) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        company = _first(r["company"])
        yield {
            "deal_id": r["id"],
            "company_id": companies.resolve(company) if company else None,
            "stage": hubspot_stage(r["stage"]).value if r["stage"] else None,
            "name": r["name"] or None,
            "product": r["product"] or None,
            "category": r["category"] or None,
            "amount": r["amount"] or None,
            "currency": r["currency"] or None,
            "created_date": r["create"] or None,
            "close_date": r["close"] or None,
            "owner_id": slug(r["owner"]) or None,
            "channel": r["channel"] or None,
        }

    return table(
        Kind.DEALS,
        source.name,
        source,
        _DEAL_SPEC,
        convert,
        unique="deal_id",
        names={
            "deal_id": "id",
            "company_id": "company",
            "stage": "stage",
            "amount": "amount",
            "currency": "currency",
            "created_date": "create",
            "close_date": "close",
            "owner_id": "owner",
        },
    )


def _deal_contacts(source: Source, contacts: Index) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        for contact in split_list(r["contacts"]):
            yield {"deal_id": r["id"], "person_id": contacts.resolve(contact)}

    return table(
        Kind.DEAL_CONTACTS,
        f"{source.name} (contacts)",
        source,
        _DEAL_SPEC,
        convert,
        main=False,
        distinct=lambda row: (row["deal_id"], row["person_id"]),
        names={"deal_id": "id", "person_id": "contacts"},
    )


_ENGAGEMENT_SPEC = {
    "id": Col.of(*RECORD_ID, "Engagement ID", "Activity ID", "engagement.id", required=True),
    "type": Col.of(
        "Activity type",
        "Engagement type",
        "Type",
        "engagement.type",
        "hs_engagement_type",
        required=True,
    ),
    "when": Col.of(
        "Activity date",
        "Timestamp",
        "engagement.timestamp",
        "hs_timestamp",
        "Create date",
        required=True,
    ),
    "owner": Col.of(*_ENGAGEMENT_OWNER, required=True),
    "contacts": Col.of(*CONTACT_REF, required=True),
    "deals": Col.of(*DEAL_REF),
    "subject": Col.of(
        "Subject",
        "Activity title",
        "Call title",
        "Meeting name",
        "Email subject",
        "engagement.bodyPreview",
        "Body preview",
    ),
    "direction": Col.of("Call direction", "Direction", "hs_call_direction"),
}


def _engagements(source: Source, contacts: Index, *, first: bool) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        people = split_list(r["contacts"])
        if not first and len(people) < 2:
            return
        label = r["type"]
        if slug(label) in NOT_TOUCHES:
            if first:
                yield reject(f"a HubSpot {label} is not a touch", r.column("type"), label)
            return
        kind = touch_type((label,), r["subject"], None)
        if kind is None:
            if first:
                yield reject(f"unknown engagement type {label!r}", r.column("type"), label)
            return
        direction = slug(r["direction"])
        if slug(label) == "incomingemail":
            direction = "inbound"
        base = {
            "member_id": slug(r["owner"]) or None,
            "type": kind.value,
            "occurred_at": r["when"],
            "direction": direction if direction in {"inbound", "outbound"} else None,
            "deal_id": _first(r["deals"]) or None,
            "notes": r["subject"] or None,
        }
        if first:
            person = contacts.resolve(people[0]) if people else None
            yield {**base, "touch_id": r["id"], "person_id": person}
            return
        for other in people[1:]:
            person = contacts.resolve(other)
            yield {**base, "touch_id": f"{r['id']}/{person}", "person_id": person}

    name = source.name if first else f"{source.name} (other contacts)"
    return table(
        Kind.TOUCHES,
        name,
        source,
        _ENGAGEMENT_SPEC,
        convert,
        main=first,
        unique="touch_id",
        names={
            "touch_id": "id",
            "member_id": "owner",
            "person_id": "contacts",
            "type": "type",
            "occurred_at": "when",
            "deal_id": "deals",
            "notes": "subject",
        },
    )
