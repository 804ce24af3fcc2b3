"""What the mutations answer: a union of one success type and the expected failures.

- ``InvalidInput``: the input breaks a rule; ``errors`` says which field and why; nothing was
  written;
- ``NotFound``: a record the input names does not exist, or the caller may not see it (the
  two answer alike);
- ``Forbidden``: the caller's role may not write (a strategist).

A success carries the record as stored, read back with the caller's scope, so its links
resolve as in queries.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from graph_service import domain as dm
from graph_service.api import context
from graph_service.api.types import (
    BuyingRole,
    NextAction,
    NotFound,
    Person,
    PersonTie,
    Touch,
    ViewIndex,
    WalletEstimate,
)
from graph_service.writes import Invalid, Missing, Outcome, Refused, Written


@strawberry.type(description="Why one input field was refused.")
class FieldError:
    field: str = strawberry.field(description="The input field's name, as in the schema.")
    message: str


@strawberry.type(description="The input breaks a rule; nothing was written.")
class InvalidInput:
    message: str
    errors: list[FieldError]


@strawberry.type(description="The caller's role may not do this.")
class Forbidden:
    message: str


@strawberry.type(description="The touch as recorded.")
class TouchLogged:
    touch: Touch
    created: bool = strawberry.field(
        description="False when the idempotency key had already recorded this touch."
    )


@strawberry.type(description="The person as stored.")
class PersonSaved:
    person: Person
    created: bool


@strawberry.type(description="The buying role as stored, and its holder.")
class BuyingRoleSaved:
    person: Person
    buying_role: BuyingRole


@strawberry.type(description="The tie as stored, and the person it starts from.")
class RelationshipSaved:
    person: Person
    tie: PersonTie


@strawberry.type(description="The next action as stored.")
class NextActionSaved:
    next_action: NextAction


@strawberry.type(description="The wallet estimate as stored.")
class WalletEstimateSaved:
    account_id: strawberry.ID
    wallet_estimate: WalletEstimate


Failure = InvalidInput | NotFound | Forbidden
LogTouchResult = Annotated[TouchLogged | Failure, strawberry.union("LogTouchResult")]
UpsertPersonResult = Annotated[PersonSaved | Failure, strawberry.union("UpsertPersonResult")]
BuyingRoleResult = Annotated[BuyingRoleSaved | Failure, strawberry.union("BuyingRoleResult")]
RelationshipResult = Annotated[RelationshipSaved | Failure, strawberry.union("RelationshipResult")]
NextActionResult = Annotated[NextActionSaved | Failure, strawberry.union("NextActionResult")]
WalletEstimateResult = Annotated[
    WalletEstimateSaved | Failure, strawberry.union("WalletEstimateResult")
]


def failure(outcome: Invalid | Missing | Refused) -> InvalidInput | NotFound | Forbidden:
    """The GraphQL answer for an expected failure."""
    if isinstance(outcome, Invalid):
        return InvalidInput(
            message=outcome.message,
            errors=[FieldError(field=p.field, message=p.message) for p in outcome.problems],
        )
    if isinstance(outcome, Missing):
        return NotFound(id=strawberry.ID(outcome.id), message=outcome.message)
    return Forbidden(message=outcome.message)


def index_of(info: Info[Any, Any], written: Written[Any]) -> ViewIndex:
    """The written record's account, read back with the caller's scope."""
    view = context.store(info).account(written.account_id, visible=context.visible(info))
    return ViewIndex([view] if view is not None else [])


def person_of(info: Info[Any, Any], written: Written[Any], person_id: str) -> Person:
    person = index_of(info, written).person(person_id)
    if person is None:  # the write committed; the read-back must see it
        raise LookupError(f"person {person_id!r} not found after writing it")
    return person


def touch_logged(info: Info[Any, Any], outcome: Outcome[dm.Touch]) -> LogTouchResult:
    if not isinstance(outcome, Written):
        return failure(outcome)
    return TouchLogged(
        touch=Touch.of(outcome.record, index_of(info, outcome)), created=outcome.created
    )


def person_saved(info: Info[Any, Any], outcome: Outcome[dm.Person]) -> UpsertPersonResult:
    if not isinstance(outcome, Written):
        return failure(outcome)
    return PersonSaved(person=person_of(info, outcome, outcome.record.id), created=outcome.created)


def role_saved(info: Info[Any, Any], outcome: Outcome[dm.BuyingRole]) -> BuyingRoleResult:
    if not isinstance(outcome, Written):
        return failure(outcome)
    r = outcome.record
    return BuyingRoleSaved(
        person=person_of(info, outcome, r.person_id),
        buying_role=BuyingRole(
            role=r.role,
            business_unit_id=strawberry.ID(r.bu_id) if r.bu_id else None,
            since=r.since,
            until=r.until,
        ),
    )


def tie_saved(info: Info[Any, Any], outcome: Outcome[dm.Relationship]) -> RelationshipResult:
    if not isinstance(outcome, Written):
        return failure(outcome)
    r = outcome.record
    return RelationshipSaved(
        person=person_of(info, outcome, r.from_person_id),
        tie=PersonTie(to_person_id=strawberry.ID(r.to_person_id), type=r.type, strength=r.strength),
    )


def action_saved(info: Info[Any, Any], outcome: Outcome[dm.NextAction]) -> NextActionResult:
    if not isinstance(outcome, Written):
        return failure(outcome)
    return NextActionSaved(next_action=NextAction.of(outcome.record, index_of(info, outcome)))


def estimate_saved(
    info: Info[Any, Any], outcome: Outcome[dm.WalletEstimate]
) -> WalletEstimateResult:
    if not isinstance(outcome, Written):
        return failure(outcome)
    return WalletEstimateSaved(
        account_id=strawberry.ID(outcome.account_id),
        wallet_estimate=WalletEstimate.of(info, outcome.record),
    )
