"""Logging a touch, once per idempotency key.

A client sends an idempotency key of its choosing with each touch; the touch's id is derived
from the key and the caller (:func:`touch_id`), and the store creates it only if that id is new
(:meth:`~graph_service.store.base.Store.create`), so a retry with the same key, even one racing
the first, records one touch. A repeat answers the touch already recorded (``created`` false);
the same key with a *different* touch is refused on ``idempotencyKey``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from graph_service.domain import Deal, Direction, Kind, Person, Touch, TouchType
from graph_service.writes.checks import LONG_TEXT, Problems, clean
from graph_service.writes.outcome import Missing, Outcome, Written
from graph_service.writes.writer import Writer

#: The namespace of touch ids derived from idempotency keys (a fixed, arbitrary UUID).
TOUCH_NAMESPACE = uuid.UUID("0b7c3f6e-8d1a-4c55-9a61-2f4e0d9b7a13")


@dataclass(frozen=True, slots=True)
class LogTouch:
    """A touch to record; ``member_id`` None: the caller."""

    idempotency_key: str
    person_id: str
    type: TouchType
    occurred_at: datetime
    member_id: str | None = None
    direction: Direction | None = None
    deal_id: str | None = None
    notes: str | None = None


def touch_id(actor: str, key: str) -> str:
    """The id of the touch ``actor`` logs with idempotency key ``key``.

    >>> touch_id("m1", "crm-42") == touch_id("m1", "crm-42") != touch_id("m2", "crm-42")
    True
    >>> touch_id("m1", "crm-42").startswith("touch-")
    True
    """
    return "touch-" + str(uuid.uuid5(TOUCH_NAMESPACE, actor + "\x1f" + key))


def log_touch(writer: Writer, given: LogTouch) -> Outcome[Touch]:
    """Record ``given`` (see the module); operation ``logTouch``."""
    if (refused := writer.refusal()) is not None:
        return refused
    problems = Problems()
    problems.text("idempotencyKey", given.idempotency_key, required=True)
    problems.aware("occurredAt", given.occurred_at, writer.now())
    problems.text("notes", given.notes, max_length=LONG_TEXT)
    person = writer.in_scope(Kind.PEOPLE, given.person_id, Person)
    if person is None:
        return Missing("person", given.person_id)
    member_id = given.member_id or writer.principal.member_id
    if member_id is None:
        problems.add("memberId", "is required when a service account logs a touch")
    elif not writer.member_known(member_id):
        problems.add("memberId", f"no team member with id {member_id!r}")
    if given.deal_id is not None:
        deal = writer.in_scope(Kind.DEALS, given.deal_id, Deal)
        if deal is None:
            problems.add("dealId", f"no deal with id {given.deal_id!r}")
        elif deal.company_id != person.company_id:
            problems.add("dealId", f"deal {deal.id!r} is not with the person's company")
    if (invalid := problems.invalid()) is not None:
        return invalid
    assert member_id is not None
    actor, _ = writer.actor
    touch = Touch(
        id=touch_id(actor, given.idempotency_key),
        member_id=member_id,
        person_id=person.id,
        type=given.type,
        occurred_at=given.occurred_at,
        direction=given.direction,
        deal_id=given.deal_id,
        notes=clean(given.notes),
    )
    audit = writer.audit("logTouch", Kind.TOUCHES, {touch.id: (None, touch)}, [person.company_id])
    if writer.store.create(Kind.TOUCHES, touch, audit=audit):
        return Written(touch, person.company_id, created=True)
    existing = writer.store.record(Kind.TOUCHES, touch.id)
    if not isinstance(existing, Touch) or not _same(existing, touch):
        problems.add("idempotencyKey", "was already used for a different touch")
        invalid = problems.invalid()
        assert invalid is not None
        return invalid
    return Written(existing, person.company_id, created=False, changed=False)


def _same(a: Touch, b: Touch) -> bool:
    """The same touch, its moment compared as an instant."""
    return (a.member_id, a.person_id, a.type, a.direction, a.deal_id, a.notes) == (
        b.member_id,
        b.person_id,
        b.type,
        b.direction,
        b.deal_id,
        b.notes,
    ) and a.occurred_at == b.occurred_at
