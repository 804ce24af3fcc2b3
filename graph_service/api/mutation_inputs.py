"""The mutations' input types, and their translation to the writes' plain input.

``PersonInput`` is a patch: a field left out keeps its value, a field given as null clears it
(see :mod:`graph_service.writes.people`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from graph_service import domain as dm
from graph_service.writes.actions import NewAction
from graph_service.writes.relationships import Tie
from graph_service.writes.roles import RoleKey
from graph_service.writes.touches import LogTouch
from graph_service.writes.wallet import Estimate


def _s(value: strawberry.ID | str | None) -> str | None:
    return str(value) if value is not None else None


@strawberry.input(description="A touch to record.")
class LogTouchInput:
    idempotency_key: str = strawberry.field(
        description="The client's key for this touch (up to 200 characters): sending the same "
        "key again records nothing new and answers the touch already recorded."
    )
    person_id: strawberry.ID
    type: dm.TouchType
    occurred_at: datetime = strawberry.field(
        description="When it happened, with its time zone offset; not in the future."
    )
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Our team member who made the touch (default: the caller)."
    )
    direction: dm.Direction | None = None
    deal_id: strawberry.ID | None = strawberry.field(
        default=None, description="A deal with the person's company."
    )
    notes: str | None = strawberry.field(default=None, description="Up to 10,000 characters.")

    def to_write(self) -> LogTouch:
        return LogTouch(
            idempotency_key=self.idempotency_key,
            person_id=str(self.person_id),
            type=self.type,
            occurred_at=self.occurred_at,
            member_id=_s(self.member_id),
            direction=self.direction,
            deal_id=_s(self.deal_id),
            notes=self.notes,
        )


@strawberry.input(
    description="A person to add or change: fields left out keep their values, fields given "
    "as null are cleared."
)
class PersonInput:
    id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The person to change (one the caller sees); left out: a new person.",
    )
    account_id: strawberry.ID | None = strawberry.UNSET
    full_name: str | None = strawberry.UNSET
    business_unit_id: strawberry.ID | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    seniority: dm.Seniority | None = strawberry.UNSET
    reports_to_id: strawberry.ID | None = strawberry.UNSET
    left_at: date | None = strawberry.UNSET

    def patch(self) -> dict[str, Any]:
        """The fields given, by the domain's names."""
        names = {
            "account_id": "company_id",
            "full_name": "full_name",
            "business_unit_id": "bu_id",
            "email": "email",
            "title": "title",
            "seniority": "seniority",
            "reports_to_id": "reports_to",
            "left_at": "left_at",
        }
        out: dict[str, Any] = {}
        for ours, theirs in names.items():
            value = getattr(self, ours)
            if value is not strawberry.UNSET:
                out[theirs] = (
                    str(value) if isinstance(value, str) and ours.endswith("_id") else value
                )
        return out


@strawberry.input(description="A buying role: the person, the role and its unit.")
class BuyingRoleInput:
    person_id: strawberry.ID
    role: dm.Role
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="The unit the role is for; null: company-wide."
    )
    since: date | None = strawberry.field(
        default=None, description="The first day it is held (default: as recorded, else none)."
    )

    def key(self) -> RoleKey:
        return RoleKey(str(self.person_id), self.role, _s(self.business_unit_id))


@strawberry.input(description="A buying role to end.")
class EndBuyingRoleInput:
    person_id: strawberry.ID
    role: dm.Role
    business_unit_id: strawberry.ID | None = None
    until: date | None = strawberry.field(
        default=None, description="The first day it is no longer held (default: today)."
    )

    def key(self) -> RoleKey:
        return RoleKey(str(self.person_id), self.role, _s(self.business_unit_id))


@strawberry.input(description="A tie from one person to another.")
class RelationshipInput:
    from_person_id: strawberry.ID
    to_person_id: strawberry.ID
    type: dm.RelationshipType
    strength: float | None = strawberry.field(default=None, description="In [0, 1].")

    def to_write(self) -> Tie:
        return Tie(str(self.from_person_id), str(self.to_person_id), self.type, self.strength)


@strawberry.input(description="A step to take on an account.")
class NextActionInput:
    due_date: date
    description: str
    account_id: strawberry.ID | None = strawberry.field(
        default=None, description="The account (default: the person's)."
    )
    person_id: strawberry.ID | None = None
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Who is to take it (default: the caller)."
    )

    def to_write(self) -> NewAction:
        return NewAction(
            due_date=self.due_date,
            description=self.description,
            company_id=_s(self.account_id),
            person_id=_s(self.person_id),
            member_id=_s(self.member_id),
        )


@strawberry.input(description="What an account (or a unit) spends a year in a category.")
class WalletEstimateInput:
    account_id: strawberry.ID
    category: str
    amount: float
    currency: str = strawberry.field(description="ISO 4217 code of the amount.")
    as_of: date
    business_unit_id: strawberry.ID | None = None
    source: dm.WalletSource | None = None
    vendor_rank: int | None = None
    vendor_count: int | None = None

    def to_write(self) -> Estimate:
        return Estimate(
            company_id=str(self.account_id),
            category=self.category,
            amount=self.amount,
            currency=self.currency,
            as_of=self.as_of,
            bu_id=_s(self.business_unit_id),
            source=self.source,
            vendor_rank=self.vendor_rank,
            vendor_count=self.vendor_count,
        )
