"""Adding a person to an account, or changing one.

The input is a patch: the fields given replace the person's (a field given as null clears
it); fields not given keep their values. With an ``id`` it changes that person, who must
exist at an account the caller sees (an unknown id and a hidden one answer alike: missing);
without one it adds a person, who needs ``company_id`` and ``full_name`` and gets a fresh
``person-<uuid4>`` id. Moving a person to another company needs the caller to see both.
A business unit must be at the person's company, a manager (``reports_to``) must work there
too and must not be the person.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from typing import Any

from graph_service.domain import BusinessUnit, Kind, Person, Seniority
from graph_service.writes.checks import Problems, clean
from graph_service.writes.outcome import Missing, Outcome, Written
from graph_service.writes.writer import Writer

#: The fields a patch may set.
PERSON_FIELDS = frozenset(
    {"company_id", "full_name", "bu_id", "email", "title", "seniority", "reports_to", "left_at"}
)


def upsert_person(
    writer: Writer, person_id: str | None, patch: Mapping[str, Any]
) -> Outcome[Person]:
    """Create or change the person ``person_id`` with ``patch`` (field name -> value, of
    :data:`PERSON_FIELDS`); operation ``upsertPerson``."""
    if (refused := writer.refusal()) is not None:
        return refused
    unknown = set(patch) - PERSON_FIELDS
    if unknown:
        raise ValueError(f"not person fields: {sorted(unknown)}")
    before: Person | None = None
    if person_id is not None:
        before = writer.in_scope(Kind.PEOPLE, person_id, Person)
        if before is None:
            return Missing("person", person_id)
    problems = Problems()
    values = _cleaned(patch)
    if "company_id" in values and values["company_id"] is None:
        problems.add("accountId", "is required")
    if "full_name" in patch or before is None:
        problems.text("fullName", patch.get("full_name"), required=True)
    problems.email("email", values.get("email"))
    problems.text("title", patch.get("title"))
    problems.not_after("leftAt", values.get("left_at"), writer.today())
    company_id = values.get("company_id") or (before.company_id if before else None)
    if company_id is None:
        if not problems.has("accountId"):
            problems.add("accountId", "is required for a new person")
    elif not writer.sees(company_id):
        return Missing("account", company_id)
    if (invalid := problems.invalid()) is not None:
        return invalid
    assert company_id is not None
    after = (
        dataclasses.replace(before, **values)
        if before is not None
        else Person(
            id=f"person-{uuid.uuid4()}",
            company_id=company_id,
            full_name=values["full_name"],
            **{k: v for k, v in values.items() if k not in ("company_id", "full_name")},
        )
    )
    _check_links(writer, after, problems)
    if (invalid := problems.invalid()) is not None:
        return invalid
    if after == before:
        return Written(after, company_id, created=False, changed=False)
    accounts = {after.company_id} | ({before.company_id} if before else set())
    audit = writer.audit("upsertPerson", Kind.PEOPLE, {after.id: (before, after)}, accounts)
    if before is None:
        writer.store.create(Kind.PEOPLE, after, audit=audit)  # a fresh id: always new
        return Written(after, company_id, created=True)
    writer.store.upsert(Kind.PEOPLE, [after], audit=audit)
    return Written(after, company_id)


def _cleaned(patch: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, given in patch.items():
        value = clean(given) if isinstance(given, str) else given
        out[name] = Seniority(value) if name == "seniority" and value is not None else value
    return out


def _check_links(writer: Writer, person: Person, problems: Problems) -> None:
    if person.bu_id is not None:
        unit = writer.current(Kind.BUSINESS_UNITS, person.bu_id, BusinessUnit)
        if unit is None or unit.company_id != person.company_id:
            problems.add("businessUnitId", f"no business unit {person.bu_id!r} at the account")
    if person.reports_to is not None:
        manager = writer.current(Kind.PEOPLE, person.reports_to, Person)
        if person.reports_to == person.id:
            problems.add("reportsToId", "a person cannot report to themself")
        elif manager is None or manager.company_id != person.company_id:
            problems.add("reportsToId", f"no person {person.reports_to!r} at the account")
