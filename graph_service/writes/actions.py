"""Adding a next action to an account and completing one.

A next action is a step someone on our side (``member_id``; default: the caller) is to take
by ``due_date``, on an account and optionally with one of its people. A new one is ``open``
with a fresh ``action-<uuid4>`` id. Completing sets its status to ``done``; completing one
already done changes nothing and writes nothing.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date

from graph_service.domain import ActionStatus, Company, Kind, NextAction, Person
from graph_service.writes.checks import LONG_TEXT, Problems, clean
from graph_service.writes.outcome import Missing, Outcome, Written
from graph_service.writes.writer import Writer


@dataclass(frozen=True, slots=True)
class NewAction:
    """A step to add: on ``company_id`` (None: the person's account), with ``person_id``."""

    due_date: date
    description: str
    company_id: str | None = None
    person_id: str | None = None
    member_id: str | None = None


def add_next_action(writer: Writer, given: NewAction) -> Outcome[NextAction]:
    """Operation ``addNextAction`` (see the module)."""
    if (refused := writer.refusal()) is not None:
        return refused
    person: Person | None = None
    if given.person_id is not None:
        person = writer.in_scope(Kind.PEOPLE, given.person_id, Person)
        if person is None:
            return Missing("person", given.person_id)
    problems = Problems()
    company_id = given.company_id or (person.company_id if person else None)
    if company_id is None:
        problems.add("accountId", "is required when no person is given")
    elif writer.in_scope(Kind.COMPANIES, company_id, Company) is None:
        return Missing("account", company_id)
    elif person is not None and person.company_id != company_id:
        problems.add("personId", f"person {person.id!r} is not at account {company_id!r}")
    problems.text("description", given.description, required=True, max_length=LONG_TEXT)
    member_id = given.member_id or writer.principal.member_id
    if member_id is None:
        problems.add("memberId", "is required when a service account adds an action")
    elif not writer.member_known(member_id):
        problems.add("memberId", f"no team member with id {member_id!r}")
    if (invalid := problems.invalid()) is not None:
        return invalid
    assert company_id is not None and member_id is not None
    action = NextAction(
        id=f"action-{uuid.uuid4()}",
        company_id=company_id,
        member_id=member_id,
        due_date=given.due_date,
        description=clean(given.description) or "",
        person_id=person.id if person else None,
        status=ActionStatus.OPEN,
    )
    audit = writer.audit(
        "addNextAction", Kind.NEXT_ACTIONS, {action.id: (None, action)}, [company_id]
    )
    writer.store.create(Kind.NEXT_ACTIONS, action, audit=audit)
    return Written(action, company_id, created=True)


def complete_next_action(writer: Writer, action_id: str) -> Outcome[NextAction]:
    """Operation ``completeNextAction`` (see the module)."""
    if (refused := writer.refusal()) is not None:
        return refused
    before = writer.in_scope(Kind.NEXT_ACTIONS, action_id, NextAction)
    if before is None:
        return Missing("next action", action_id)
    if before.status is ActionStatus.DONE:
        return Written(before, before.company_id, changed=False)
    after = dataclasses.replace(before, status=ActionStatus.DONE)
    audit = writer.audit(
        "completeNextAction", Kind.NEXT_ACTIONS, {after.id: (before, after)}, [after.company_id]
    )
    writer.store.upsert(Kind.NEXT_ACTIONS, [after], audit=audit)
    return Written(after, after.company_id)
