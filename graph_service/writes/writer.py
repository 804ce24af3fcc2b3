"""Who writes, to which store, and when: what every write operation asks before it writes.

>>> from graph_service.auth import OPEN, AuthMethod, Principal, PrincipalKind, Role
>>> Writer(store=None, principal=OPEN).actor  # type: ignore[arg-type]
('anonymous', 'service')
>>> strategist = Principal(PrincipalKind.MEMBER, "m7", Role.STRATEGIST, AuthMethod.JWT)
>>> Writer(store=None, principal=strategist).refusal()  # type: ignore[arg-type]
Refused(message='a strategist may not write')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from graph_service.audit import AuditRecord, field_changes, new_audit
from graph_service.auth import Action, Principal, PrincipalKind, allows
from graph_service.domain import Company, Kind, Record
from graph_service.store.base import Store
from graph_service.store.members import seen_member
from graph_service.writes.outcome import Refused

R = TypeVar("R", bound=Record)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Writer:
    """One caller's writes to ``store``; ``now`` is the clock (UTC) the checks use."""

    store: Store
    principal: Principal
    now: Callable[[], datetime] = utc_now
    #: How to learn the companies the caller sees, when someone already knows (None: ask the
    #: store).
    visible_ids: Callable[[], frozenset[str] | None] | None = None
    _visible: frozenset[str] | None = field(default=None, init=False, repr=False)
    _visible_known: bool = field(default=False, init=False, repr=False)

    @property
    def actor(self) -> tuple[str, str]:
        """The audit trail's actor and actor kind for this caller."""
        kind = "member" if self.principal.kind is PrincipalKind.MEMBER else "service"
        return self.principal.id, kind

    def today(self) -> date:
        return self.now().date()

    def refusal(self) -> Refused | None:
        """The answer for a caller whose role may not write; None when it may."""
        if allows(self.principal.role, Action.WRITE):
            return None
        return Refused(f"a {self.principal.role.value} may not write")

    def visible(self) -> frozenset[str] | None:
        """The companies the caller sees (None: every one), looked up once: from
        ``visible_ids`` when given (the request's own lookup), else from the store."""
        if not self._visible_known:
            if self.visible_ids is not None:
                self._visible = self.visible_ids()
            else:
                scope = self.principal.scope
                self._visible = (
                    None if scope.sees_everything else self.store.visible_company_ids(scope)
                )
            self._visible_known = True
        return self._visible

    def sees(self, company_id: str | None) -> bool:
        visible = self.visible()
        return company_id is not None and (visible is None or company_id in visible)

    def current(self, kind: Kind, record_id: str, record_type: type[R]) -> R | None:
        """The current record of ``kind`` with id ``record_id`` (None: none, retired, or of
        another type)."""
        found = self.store.record(kind, record_id)
        if not isinstance(found, record_type) or getattr(found, "retired_at", None) is not None:
            return None
        return found

    def in_scope(self, kind: Kind, record_id: str, record_type: type[R]) -> R | None:
        """The current record, when the caller sees the account it belongs to; else None
        (a record the caller may not see answers as one that does not exist)."""
        found = self.current(kind, record_id, record_type)
        company = found.id if isinstance(found, Company) else getattr(found, "company_id", None)
        return found if found is not None and self.sees(company) else None

    def member_known(self, member_id: str) -> bool:
        """Whether the caller may name the team member ``member_id`` as the one who acted
        (:func:`~graph_service.store.members.seen_member`)."""
        found = seen_member(
            self.store, member_id, caller_id=self.principal.member_id, visible=self.visible()
        )
        return found is not None

    def audit(
        self,
        operation: str,
        kind: Kind,
        changes: Mapping[str, tuple[Record | None, Record | None]],
        account_ids: Iterable[str],
    ) -> AuditRecord:
        """The audit record of ``operation``: for each id written, its record before and
        after."""
        actor, actor_kind = self.actor
        diff: dict[str, Any] = {i: field_changes(b, a) for i, (b, a) in changes.items()}
        return new_audit(
            actor=actor,
            actor_kind=actor_kind,
            operation=operation,
            kind=kind,
            entity_ids=list(changes),
            account_ids=account_ids,
            changes=diff,
        )
