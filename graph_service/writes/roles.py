"""Setting and ending a person's buying role.

A buying role's identity is (person, role, business unit; none: company-wide), see
:class:`~graph_service.domain.BuyingRole`. ``setBuyingRole`` creates it or changes its
``since`` (given; else kept, else none) and makes it held again (``until`` cleared);
``endBuyingRole`` sets ``until``, the first day it is no longer held (default: today), on a
role the person holds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from graph_service.domain import BusinessUnit, BuyingRole, Kind, Person, Role
from graph_service.writes.checks import Problems
from graph_service.writes.outcome import FieldProblem, Invalid, Missing, Outcome, Refused, Written
from graph_service.writes.writer import Writer


@dataclass(frozen=True, slots=True)
class RoleKey:
    """Which role: the person, the role, the unit (None: company-wide)."""

    person_id: str
    role: Role
    bu_id: str | None = None


def set_buying_role(writer: Writer, key: RoleKey, since: date | None) -> Outcome[BuyingRole]:
    """Operation ``setBuyingRole`` (see the module)."""
    found = _person(writer, key)
    if not isinstance(found, Person):
        return found
    problems = Problems()
    problems.not_after("since", since, writer.today())
    if (invalid := problems.invalid()) is not None:
        return invalid
    before = _role(writer, key)
    after = BuyingRole(
        person_id=key.person_id,
        role=key.role,
        bu_id=key.bu_id,
        since=since if since is not None else (before.since if before else None),
        until=None,
    )
    return _write(writer, "setBuyingRole", found, before, after)


def end_buying_role(writer: Writer, key: RoleKey, until: date | None) -> Outcome[BuyingRole]:
    """Operation ``endBuyingRole`` (see the module)."""
    found = _person(writer, key)
    if not isinstance(found, Person):
        return found
    before = _role(writer, key)
    if before is None:
        return Missing("buying role", f"{key.person_id}|{key.role.value}|{key.bu_id or ''}")
    day = until or writer.today()
    problems = Problems()
    if before.since is not None and day <= before.since:
        problems.add("until", f"must be after the role's start, {before.since.isoformat()}")
    if (invalid := problems.invalid()) is not None:
        return invalid
    after = dataclasses.replace(before, until=day)
    return _write(writer, "endBuyingRole", found, before, after)


def _person(writer: Writer, key: RoleKey) -> Person | Invalid | Missing | Refused:
    if (refused := writer.refusal()) is not None:
        return refused
    person = writer.in_scope(Kind.PEOPLE, key.person_id, Person)
    if person is None:
        return Missing("person", key.person_id)
    if key.bu_id is not None:
        unit = writer.current(Kind.BUSINESS_UNITS, key.bu_id, BusinessUnit)
        if unit is None or unit.company_id != person.company_id:
            message = f"no business unit {key.bu_id!r} at the account"
            return Invalid((FieldProblem("businessUnitId", message),))
    return person


def _role(writer: Writer, key: RoleKey) -> BuyingRole | None:
    rid = BuyingRole(person_id=key.person_id, role=key.role, bu_id=key.bu_id).id
    return writer.current(Kind.BUYING_ROLES, rid, BuyingRole)


def _write(
    writer: Writer,
    operation: str,
    person: Person,
    before: BuyingRole | None,
    after: BuyingRole,
) -> Outcome[BuyingRole]:
    if after == before:
        return Written(after, person.company_id, changed=False)
    audit = writer.audit(
        operation, Kind.BUYING_ROLES, {after.id: (before, after)}, [person.company_id]
    )
    writer.store.upsert(Kind.BUYING_ROLES, [after], audit=audit)
    return Written(after, person.company_id, created=before is None)
