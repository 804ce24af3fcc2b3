"""The ``auditLog`` query: the audit trail, for admins (definitions in
:mod:`graph_service.audit`, docs/audit.md).

Any other role is refused with a ``FORBIDDEN`` error (there is no partial audit log: a rep's
view of who changed what would name accounts it may not see).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON
from strawberry.types import Info

from graph_service import audit as au
from graph_service.api import context
from graph_service.api.connection import Connection, after_id, check_first
from graph_service.auth import Action, require


@strawberry.type(description="One write to the account graph: who, when, what and what changed.")
class AuditEntry:
    id: strawberry.ID
    at: datetime = strawberry.field(description="When it was committed (UTC).")
    actor: str = strawberry.field(
        description="A team member's id, a service account's name, or the user who ran a load."
    )
    actor_kind: str = strawberry.field(description="member, service or loader.")
    operation: str = strawberry.field(
        description="The mutation's name (logTouch, ...), load, retire or merge."
    )
    kind: str = strawberry.field(description="The kind of record written (touches, people, ...).")
    entity_ids: list[strawberry.ID]
    account_ids: list[strawberry.ID] = strawberry.field(description="The accounts it touches.")
    changes: JSON = strawberry.field(
        description="Per entity id, each changed field as [before, after]; for a load batch, "
        "its row count and source."
    )

    @classmethod
    def of(cls, r: au.AuditRecord) -> AuditEntry:
        return cls(
            id=strawberry.ID(r.id),
            at=r.at,
            actor=r.actor,
            actor_kind=r.actor_kind,
            operation=r.operation,
            kind=r.kind.value,
            entity_ids=[strawberry.ID(i) for i in r.entity_ids],
            account_ids=[strawberry.ID(i) for i in r.account_ids],
            changes=r.change_map,
        )


@strawberry.input(description="Keep audit records for which every given condition holds.")
class AuditLogFilter:
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Who wrote (a member id or a service account's name)."
    )
    account_id: strawberry.ID | None = None
    operation: str | None = None
    since: datetime | None = strawberry.field(default=None, description="At or after.")
    until: datetime | None = strawberry.field(default=None, description="Before.")

    def to_domain(self) -> au.AuditFilter:
        for name in ("since", "until"):
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is None:
                raise GraphQLError(f"{name} needs a time zone offset")
        return au.AuditFilter(
            member_id=str(self.member_id) if self.member_id is not None else None,
            account_id=str(self.account_id) if self.account_id is not None else None,
            operation=self.operation,
            since=self.since,
            until=self.until,
        )


@strawberry.type
class AuditLogQuery:
    @strawberry.field(description="The audit trail, newest first (admins only; first at most 500).")
    def audit_log(
        self,
        info: Info[Any, Any],
        first: int = 50,
        after: str | None = None,
        filter: AuditLogFilter | None = None,
    ) -> Connection[AuditEntry]:
        require(context.principal(info), Action.AUDIT)
        check_first(first)
        where = filter.to_domain() if filter else au.AuditFilter()
        try:
            page = context.store(info).audit_log(where, first=first, after=after_id(after))
        except ValueError as exc:
            raise GraphQLError(f"after: {exc}") from None
        return Connection.of(
            [(r.id, AuditEntry.of(r)) for r in page.records],
            has_next=page.has_next,
            total=page.total,
        )
