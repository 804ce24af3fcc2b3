"""Salesforce standard object exports (Data Loader, Data Export, reports with API field names):
``Account.csv``, ``Contact.csv``, ``User.csv``, ``Opportunity.csv``,
``OpportunityContactRole.csv``, ``Task.csv``, ``Event.csv`` (names in any case; absent files are
skipped). Mapping tables in ``docs/presets.md``.

- Account -> companies (``ParentId`` -> parent, ``Website`` -> domain, ``BillingCountry`` ->
  country, a ``CorporateNumber__c`` column -> corporate number); ``Account.csv (owners)``: the
  account's ``OwnerId`` is on its account team as ``owner``.
- Contact -> people (``FirstName`` ``LastName``, family name first when the name is Japanese;
  ``ReportsToId`` -> reports to; seniority from ``Title``); ``Contact.csv (departments)``: each
  account's ``Department`` values become functional business units the contacts are in.
- User -> team members (``ManagerId``; team role from ``UserRole``).
- Opportunity -> deals (stage by :func:`~loaders.presets.vocab.salesforce_stage`, ``LeadSource``
  -> channel, ``CurrencyIsoCode`` -> currency).
- OpportunityContactRole -> deal contacts (the Salesforce role as the contact's role on the
  deal) and ``OpportunityContactRole.csv (buying roles)`` by
  :data:`~loaders.presets.vocab.SALESFORCE_ROLES`.
- Task and Event -> touches (type by :func:`~loaders.presets.vocab.touch_type`; ``WhoId`` must
  be a Contact, ``WhatId`` an Opportunity to tie the touch to a deal; ``CallType`` ->
  direction).
- CurrencyType -> static exchange rates, DatedConversionRate -> dated ones (``StartDate`` up
  to, not including, ``NextStartDate``; ``9999-12-31`` is open-ended). ``ConversionRate`` is
  units of the currency per one unit of the corporate currency, the direction of
  :class:`~graph_service.domain.FxRate`. Inactive currencies are loaded too: old deals were
  converted with them. :func:`corporate_currency` names the corporate currency.
- ``IsDeleted`` true (an export with deleted records, ``queryAll``) on an Account, Contact or
  Opportunity row: the record is loaded retired, dated by the row's ``SystemModstamp`` (else
  ``LastModifiedDate``, else the load date), in any load, snapshot or not. What it derives
  (a department, an account owner) is loaded as from any row: a retired record's unit or team
  is no reason to retire them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from graph_service.domain import Kind, OrgType, TouchType
from graph_service.errors import InputFileError
from graph_service.money import parse_currency
from loaders.csvfile import REJECT_REASON
from loaders.parsing import parse_date, parse_rate
from loaders.presets.base import (
    BundleRow,
    Col,
    ExportDir,
    PresetSource,
    Source,
    SourceRow,
    reject,
    slug,
    table,
)
from loaders.presets.vocab import (
    parse_bool,
    salesforce_role,
    salesforce_stage,
    seniority_from_title,
    team_role,
    touch_type,
)
from loaders.tables import SourceTable

FILES = (
    "Account.csv",
    "Contact.csv",
    "User.csv",
    "Opportunity.csv",
    "OpportunityContactRole.csv",
    "Task.csv",
    "Event.csv",
    "CurrencyType.csv",
    "DatedConversionRate.csv",
)
#: Salesforce id key prefixes (the first three characters say the object).
CONTACT_PREFIX, LEAD_PREFIX, OPPORTUNITY_PREFIX = "003", "00Q", "006"

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")


def full_name(first: str, last: str) -> str:
    """A person's full name from its parts: family name first when it is written in Japanese.

    >>> full_name("Taro", "Yamada"), full_name("太郎", "山田")
    ('Taro Yamada', '山田 太郎')
    """
    if _CJK.search(first + last):
        return f"{last} {first}".strip()
    return f"{first} {last}".strip()


def department_id(account_id: str, department: str) -> str:
    """The business unit id of a department of an account.

    >>> department_id("0015g00000AbCdE", "Information Systems")
    '0015g00000AbCdE/informationsystems'
    """
    return f"{account_id}/{slug(department)}"


#: The columns that say a row is a deleted record, and when it was deleted.
_DELETED_SPEC = {
    "IsDeleted": Col.of("IsDeleted"),
    "Modstamp": Col.of("SystemModstamp", "LastModifiedDate"),
}


def _deleted(r: SourceRow) -> bool:
    return parse_bool(r["IsDeleted"]) is True


def _retired_at(r: SourceRow, load_date: date) -> str | None:
    """A deleted row's ``retired_at``: its modification stamp, else the load date."""
    if not _deleted(r):
        return None
    return r["Modstamp"] or load_date.isoformat()


def tables(
    path: Path, encoding: str | None = "auto", *, load_date: date | None = None
) -> PresetSource:
    """The tables of a Salesforce export folder, in load order; ``load_date`` (default today)
    dates deleted rows without a modification stamp."""
    day = load_date or date.today()
    export = ExportDir(path, encoding, "salesforce")
    found = {name: export.find(name) for name in FILES}
    export.require_some(found.values(), FILES)
    account, contact, user = found["Account.csv"], found["Contact.csv"], found["User.csv"]
    opportunity, roles = found["Opportunity.csv"], found["OpportunityContactRole.csv"]
    out: list[SourceTable] = []
    if account:
        out.append(_accounts(account, day))
    if contact:
        out += [_departments(contact), _contacts(contact, day)]
    if roles:
        out.append(_buying_roles(roles))
    if user:
        out.append(_users(user))
    if account:
        out.append(_owners(account))
    if opportunity:
        out.append(_opportunities(opportunity, day))
    if roles:
        out.append(_contact_roles(roles))
    for name in ("Task.csv", "Event.csv"):
        if (activity := found[name]) is not None:
            out.append(_activities(activity, event=name == "Event.csv"))
    if (currencies := found["CurrencyType.csv"]) is not None:
        out.append(_static_rates(currencies))
    if (dated := found["DatedConversionRate.csv"]) is not None:
        out.append(_dated_rates(dated))
    return PresetSource(tables=out, rates_file="CurrencyType.csv or DatedConversionRate.csv")


#: Salesforce's end of an open-ended dated rate (``NextStartDate`` of the last range).
OPEN_END = date(9999, 12, 31)


def corporate_currency(export_dir: Path) -> str | None:
    """The corporate currency of a Salesforce export: the ISO code of ``CurrencyType.csv``'s
    row with ``IsCorporate`` true, upper-cased; ``None`` when the folder has no such file or no
    row claims it. The rates of the export are against it, so it is the reporting currency the
    export's amounts are meant in. Two corporate rows, or a corporate row whose ``IsoCode`` is
    not an ISO 4217 code, raise :class:`InputFileError` naming the file and the lines.
    """
    export = ExportDir(export_dir, "auto", "salesforce")
    source = export.find("CurrencyType.csv")
    if source is None:
        return None
    iso = source.require("IsoCode")
    flag = source.column("IsCorporate")
    if flag is None:
        return None
    found: tuple[int, str] | None = None
    for line, raw in source.rows():
        if REJECT_REASON in raw or not parse_bool(raw.get(flag) or ""):
            continue
        code = (raw.get(iso) or "").strip()
        try:
            code = parse_currency(code)
        except ValueError as exc:
            raise InputFileError(source.name, f"line {line}: {exc}", column=iso) from None
        if found is not None:
            raise InputFileError(
                source.name,
                f"two corporate currencies: {found[1]} (line {found[0]}) and {code} "
                f"(line {line}); Salesforce has one",
                column=flag,
            )
        found = (line, code)
    return found[1] if found else None


def _static_rates(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        rate = r["ConversionRate"]
        if parse_bool(r["IsCorporate"]) and _rate_or_none(rate) not in (None, 1.0):
            reason = "the corporate currency's rate must be 1: every rate is against it"
            yield reject(reason, r.column("ConversionRate"), rate)
            return
        yield {"currency": r["IsoCode"], "rate": rate, "valid_from": None, "valid_to": None}

    return table(
        Kind.FX_RATES,
        source.name,
        source,
        {
            "IsoCode": Col.of("IsoCode", required=True),
            "ConversionRate": Col.of("ConversionRate", required=True),
            "IsCorporate": Col.of("IsCorporate"),
            # read so it is not reported as an extra column: inactive rates load too
            "IsActive": Col.of("IsActive"),
            "DecimalPlaces": Col.of("DecimalPlaces"),
        },
        convert,
        unique="currency",
        names={"currency": "IsoCode", "rate": "ConversionRate"},
    )


def _dated_rates(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        end = r["NextStartDate"]
        yield {
            "currency": r["IsoCode"],
            "rate": r["ConversionRate"],
            "valid_from": r["StartDate"],
            "valid_to": None if not end or _is_open_end(end) else end,
        }

    return table(
        Kind.FX_RATES,
        source.name,
        source,
        {
            "IsoCode": Col.of("IsoCode", required=True),
            "ConversionRate": Col.of("ConversionRate", required=True),
            "StartDate": Col.of("StartDate", required=True),
            "NextStartDate": Col.of("NextStartDate"),
        },
        convert,
        names={
            "currency": "IsoCode",
            "rate": "ConversionRate",
            "valid_from": "StartDate",
            "valid_to": "NextStartDate",
        },
    )


def _rate_or_none(raw: str) -> float | None:
    """The rate, or None where it is no rate at all (the bundle loader rejects it then)."""
    try:
        return parse_rate(raw)
    except ValueError:
        return None


def _is_open_end(raw: str) -> bool:
    try:
        return parse_date(raw) == OPEN_END
    except ValueError:
        return False


def _accounts(source: Source, load_date: date) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        yield {
            "company_id": r["Id"],
            "name": r["Name"],
            "domain": r["Website"] or None,
            "industry": r["Industry"] or None,
            "employees": r["NumberOfEmployees"] or None,
            "annual_revenue": r["AnnualRevenue"] or None,
            "country": r["BillingCountry"] or None,
            "parent_company_id": r["ParentId"] or None,
            "corporate_number": r["corporate_number"] or None,
            # A multi-currency org gives each record its currency; AnnualRevenue is in it.
            "annual_revenue_currency": r["CurrencyIsoCode"] or None,
            "retired_at": _retired_at(r, load_date),
        }

    return table(
        Kind.COMPANIES,
        source.name,
        source,
        {
            "Id": Col.of("Id", required=True),
            "Name": Col.of("Name", required=True),
            "ParentId": Col.of("ParentId"),
            "Website": Col.of("Website"),
            "Industry": Col.of("Industry"),
            "NumberOfEmployees": Col.of("NumberOfEmployees"),
            "AnnualRevenue": Col.of("AnnualRevenue"),
            "BillingCountry": Col.of("BillingCountry"),
            "CurrencyIsoCode": Col.of("CurrencyIsoCode"),
            "OwnerId": Col.of("OwnerId"),
            "corporate_number": Col.of(
                "CorporateNumber__c", "Corporate_Number__c", "HojinBango__c", "法人番号"
            ),
            **_DELETED_SPEC,
        },
        convert,
        unique="company_id",
        names={
            "company_id": "Id",
            "name": "Name",
            "domain": "Website",
            "industry": "Industry",
            "employees": "NumberOfEmployees",
            "annual_revenue": "AnnualRevenue",
            "country": "BillingCountry",
            "parent_company_id": "ParentId",
            "annual_revenue_currency": "CurrencyIsoCode",
            "retired_at": "Modstamp",
        },
    )


def _owners(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        if r["Id"] and r["OwnerId"]:
            yield {"company_id": r["Id"], "member_id": r["OwnerId"], "role": "owner"}

    return table(
        Kind.ACCOUNT_TEAM,
        f"{source.name} (owners)",
        source,
        {"Id": Col.of("Id", required=True), "OwnerId": Col.of("OwnerId", required=True)},
        convert,
        main=False,
        distinct=lambda row: (row["company_id"], row["member_id"]),
        names={"company_id": "Id", "member_id": "OwnerId"},
    )


_CONTACT_SPEC = {
    "Id": Col.of("Id", required=True),
    "AccountId": Col.of("AccountId", required=True),
    "FirstName": Col.of("FirstName"),
    "LastName": Col.of("LastName"),
    "Name": Col.of("Name"),
    "Email": Col.of("Email"),
    "Title": Col.of("Title"),
    "Department": Col.of("Department"),
    "ReportsToId": Col.of("ReportsToId"),
    **_DELETED_SPEC,
}


def _departments(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        if r["AccountId"] and slug(r["Department"]):
            yield {
                "bu_id": department_id(r["AccountId"], r["Department"]),
                "company_id": r["AccountId"],
                "name": r["Department"],
                "org_type": OrgType.FUNCTIONAL.value,
            }

    return table(
        Kind.BUSINESS_UNITS,
        f"{source.name} (departments)",
        source,
        _CONTACT_SPEC,
        convert,
        main=False,
        distinct=lambda row: row["bu_id"],
        names={"company_id": "AccountId", "name": "Department", "bu_id": "Department"},
    )


def _contacts(source: Source, load_date: date) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        seniority = seniority_from_title(r["Title"])
        yield {
            "person_id": r["Id"],
            "company_id": r["AccountId"],
            "full_name": r["Name"] or full_name(r["FirstName"], r["LastName"]),
            "bu_id": (
                department_id(r["AccountId"], r["Department"])
                if r["AccountId"] and slug(r["Department"])
                else None
            ),
            "email": r["Email"] or None,
            "title": r["Title"] or None,
            "seniority": seniority.value if seniority else None,
            "reports_to": r["ReportsToId"] or None,
            "retired_at": _retired_at(r, load_date),
        }

    return table(
        Kind.PEOPLE,
        source.name,
        source,
        _CONTACT_SPEC,
        convert,
        unique="person_id",
        names={
            "person_id": "Id",
            "company_id": "AccountId",
            "full_name": "LastName",
            "bu_id": "Department",
            "email": "Email",
            "title": "Title",
            "reports_to": "ReportsToId",
            "retired_at": "Modstamp",
        },
    )


_ROLE_SPEC = {
    "OpportunityId": Col.of("OpportunityId", required=True),
    "ContactId": Col.of("ContactId", required=True),
    "Role": Col.of("Role"),
    "IsPrimary": Col.of("IsPrimary"),
}


def _buying_roles(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        if not r["ContactId"] or not r["Role"]:
            return
        known, role = salesforce_role(r["Role"])
        if not known:
            reason = (
                f"Salesforce contact role {r['Role']!r} has no buying role in the preset's "
                "table (docs/presets.md); the contact is still on the deal"
            )
            yield reject(reason, r.column("Role"), r["Role"])
        elif role is not None:
            yield {"person_id": r["ContactId"], "role": role.value}

    return table(
        Kind.BUYING_ROLES,
        f"{source.name} (buying roles)",
        source,
        _ROLE_SPEC,
        convert,
        main=False,
        distinct=lambda row: (row["person_id"], row["role"]),
        names={"person_id": "ContactId", "role": "Role"},
    )


def _contact_roles(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        yield {
            "deal_id": r["OpportunityId"],
            "person_id": r["ContactId"],
            "role": r["Role"] or None,
        }

    return table(
        Kind.DEAL_CONTACTS,
        source.name,
        source,
        _ROLE_SPEC,
        convert,
        names={"deal_id": "OpportunityId", "person_id": "ContactId", "role": "Role"},
    )


def _users(source: Source) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        role = team_role(r["UserRole"]) or team_role(r["Title"])
        yield {
            "member_id": r["Id"],
            "full_name": r["Name"] or full_name(r["FirstName"], r["LastName"]),
            "email": r["Email"] or None,
            "team_role": role.value if role else None,
            "manager_id": r["ManagerId"] or None,
            "region": r["Region"] or None,
        }

    return table(
        Kind.TEAM,
        source.name,
        source,
        {
            "Id": Col.of("Id", required=True),
            "Name": Col.of("Name"),
            "FirstName": Col.of("FirstName"),
            "LastName": Col.of("LastName"),
            "Email": Col.of("Email"),
            "ManagerId": Col.of("ManagerId"),
            "UserRole": Col.of("UserRole", "UserRole.Name", "UserRoleName"),
            "Title": Col.of("Title"),
            "Region": Col.of("Division", "Country"),
        },
        convert,
        unique="member_id",
        names={
            "member_id": "Id",
            "full_name": "Name",
            "email": "Email",
            "manager_id": "ManagerId",
            "team_role": "UserRole",
        },
    )


def _opportunities(source: Source, load_date: date) -> SourceTable:
    def convert(r: SourceRow) -> Iterator[BundleRow]:
        stage = salesforce_stage(r["StageName"], r["IsClosed"], r["IsWon"])
        yield {
            "deal_id": r["Id"],
            "company_id": r["AccountId"],
            "stage": stage.value,
            "name": r["Name"] or None,
            "product": r["Product"] or None,
            "category": r["Category"] or None,
            "amount": r["Amount"] or None,
            "currency": r["CurrencyIsoCode"] or None,
            "created_date": r["CreatedDate"] or None,
            "close_date": r["CloseDate"] or None,
            "owner_id": r["OwnerId"] or None,
            "channel": r["LeadSource"] or None,
            "retired_at": _retired_at(r, load_date),
        }

    return table(
        Kind.DEALS,
        source.name,
        source,
        {
            "Id": Col.of("Id", required=True),
            "AccountId": Col.of("AccountId", required=True),
            "Name": Col.of("Name"),
            "StageName": Col.of("StageName", required=True),
            "Amount": Col.of("Amount"),
            "CurrencyIsoCode": Col.of("CurrencyIsoCode"),
            "CloseDate": Col.of("CloseDate"),
            "CreatedDate": Col.of("CreatedDate"),
            "IsClosed": Col.of("IsClosed"),
            "IsWon": Col.of("IsWon"),
            "OwnerId": Col.of("OwnerId"),
            "LeadSource": Col.of("LeadSource"),
            "Product": Col.of("Product__c", "Product2.Name", "Product"),
            "Category": Col.of("Product2.Family", "ProductFamily__c", "Product_Family__c"),
            **_DELETED_SPEC,
        },
        convert,
        unique="deal_id",
        names={
            "deal_id": "Id",
            "company_id": "AccountId",
            "stage": "StageName",
            "name": "Name",
            "amount": "Amount",
            "currency": "CurrencyIsoCode",
            "created_date": "CreatedDate",
            "close_date": "CloseDate",
            "owner_id": "OwnerId",
            "channel": "LeadSource",
            "product": "Product",
            "category": "Category",
            "retired_at": "Modstamp",
        },
    )


_DIRECTIONS = {"inbound": "inbound", "outbound": "outbound"}


def _activities(source: Source, *, event: bool) -> SourceTable:
    when_keys = (
        ("StartDateTime", "ActivityDateTime", "ActivityDate", "CreatedDate")
        if event
        else ("CompletedDateTime", "ActivityDate", "CreatedDate")
    )

    def convert(r: SourceRow) -> Iterator[BundleRow]:
        who = r["WhoId"]
        if who.startswith(LEAD_PREFIX):
            yield reject(
                "WhoId is a Lead: only Contacts are people of the graph", r.column("WhoId"), who
            )
            return
        kind = touch_type(
            (r["Type"], r["Subtype"]),
            r["Subject"],
            TouchType.MEETING if event else TouchType.CALL,
        )
        if kind is None:
            yield reject("a note is not a touch", r.column("Type"), r["Type"])
            return
        when_key = next((k for k in when_keys if r[k]), when_keys[0])
        what = r["WhatId"]
        direction = _DIRECTIONS.get(r["CallType"].casefold())
        yield {
            "touch_id": r["Id"],
            "member_id": r["OwnerId"],
            "person_id": who,
            "type": kind.value,
            "occurred_at": r[when_key],
            "direction": direction,
            "deal_id": what if what.startswith(OPPORTUNITY_PREFIX) else None,
            "notes": r["Subject"] or None,
        }

    spec = {
        "Id": Col.of("Id", required=True),
        "WhoId": Col.of("WhoId", required=True),
        "WhatId": Col.of("WhatId"),
        "OwnerId": Col.of("OwnerId", required=True),
        "Subject": Col.of("Subject"),
        "Type": Col.of("Type"),
        # EventSubtype is always "Event": it tells nothing, so only tasks' subtype is read
        "Subtype": Col.of("TaskSubtype") if not event else Col.of("\x00none"),
        "CallType": Col.of("CallType"),
        **{k: Col.of(k) for k in when_keys},
    }
    first_when = when_keys[0]
    return table(
        Kind.TOUCHES,
        source.name,
        source,
        spec,
        convert,
        unique="touch_id",
        names={
            "touch_id": "Id",
            "member_id": "OwnerId",
            "person_id": "WhoId",
            "type": "Type",
            "occurred_at": first_when if event else "ActivityDate",
            "deal_id": "WhatId",
            "notes": "Subject",
        },
    )
