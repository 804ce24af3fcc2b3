"""The audit trail: one record for every write to the account graph, who made it and what changed.

An :class:`AuditRecord` is appended by the store in the same transaction as the write it
describes (see :mod:`graph_service.store.base`), and is never edited or deleted afterwards. It
holds ids as plain values; it is not linked to the records it names, so merges, retirements and
later writes leave it as it was.

What ``changes`` holds (JSON text):

- a **mutation** (``logTouch``, ``upsertPerson``, ...), a **retirement** and a **merge**: for
  each entity id, each field it changed with its value before and after,
  ``{"<entity id>": {"<field>": [before, after]}}`` (:func:`field_changes`; a record that did
  not exist has ``null`` before, a retirement sets ``retired_at``, a merge ``merged_into``);
- a **load batch**: how many rows it wrote and where they came from,
  ``{"rows": n, "source": s}`` (:func:`load_changes`).
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from graph_service.domain import Company, Kind, Record

#: Who can write: a team member, a service account, or a load run from the command line.
ACTOR_KINDS: frozenset[str] = frozenset({"member", "service", "loader"})


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One write to the account graph: who (``actor``, of ``actor_kind``), when (``at``, UTC),
    what (``operation`` on records of ``kind``), which records (``entity_ids``), which accounts
    (``account_ids``: the companies the write touches) and what changed (``changes``, JSON
    text; see the module docstring).

    >>> at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    >>> r = AuditRecord("a1", at, "m2", "member", "logTouch", Kind.TOUCHES, ("t9",), ("c1",), "{}")
    >>> r.kind.value, r.entity_ids
    ('touches', ('t9',))
    >>> AuditRecord("a1", at, "m2", "robot", "logTouch", Kind.TOUCHES, (), (), "{}")
    Traceback (most recent call last):
    ...
    ValueError: actor_kind must be one of loader, member, service, not 'robot'
    """

    id: str
    at: datetime
    actor: str
    actor_kind: str
    operation: str
    kind: Kind
    entity_ids: tuple[str, ...]
    account_ids: tuple[str, ...]
    changes: str

    def __post_init__(self) -> None:
        if self.actor_kind not in ACTOR_KINDS:
            raise ValueError(
                f"actor_kind must be one of {', '.join(sorted(ACTOR_KINDS))}, "
                f"not {self.actor_kind!r}"
            )
        if self.at.tzinfo is None:
            raise ValueError("an audit record's time must be timezone-aware")

    @property
    def change_map(self) -> Any:
        """``changes`` parsed."""
        return json.loads(self.changes)


def new_audit(
    *,
    actor: str,
    actor_kind: str,
    operation: str,
    kind: Kind,
    entity_ids: Iterable[str] = (),
    account_ids: Iterable[str] = (),
    changes: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """A new audit record: a fresh (uuid4) id, the time now in UTC, ``changes`` as JSON text
    (dates in ISO 8601, keys sorted); account ids deduplicated and sorted.

    >>> r = new_audit(actor="m2", actor_kind="member", operation="logTouch", kind=Kind.TOUCHES,
    ...               entity_ids=["t9"], account_ids=["c1", "c1"],
    ...               changes={"t9": {"notes": [None, "hi"]}})
    >>> r.account_ids, r.changes, r.at.tzinfo is UTC, len(r.id)
    (('c1',), '{"t9": {"notes": [null, "hi"]}}', True, 36)
    """
    return AuditRecord(
        id=str(uuid.uuid4()),
        at=datetime.now(UTC),
        actor=actor,
        actor_kind=actor_kind,
        operation=operation,
        kind=kind,
        entity_ids=tuple(entity_ids),
        account_ids=tuple(sorted(set(account_ids))),
        changes=_json(changes or {}),
    )


def loader_actor() -> str:
    """Who runs a load: the operating system's user name, else ``"loader"``."""
    try:
        return getpass.getuser() or "loader"
    except Exception:  # no user name to be had (no such variable, no passwd entry)
        return "loader"


def load_changes(rows: int, source: str | None) -> dict[str, Any]:
    """What a load batch changed: how many rows, from which source.

    >>> load_changes(3, "bundle")
    {'rows': 3, 'source': 'bundle'}
    """
    return {"rows": rows, "source": source}


def field_changes(before: Record | None, after: Record | None) -> dict[str, list[Any]]:
    """Each field that differs between two versions of one record, as ``[before, after]``
    (JSON-safe values; a missing version counts as every field ``None``).

    >>> field_changes(Company(id="c1", name="Acme"), Company(id="c1", name="Acme Corp"))
    {'name': ['Acme', 'Acme Corp']}
    >>> field_changes(None, Company(id="c9", name="New"))
    {'id': [None, 'c9'], 'name': [None, 'New']}
    """
    if before is None and after is None:
        return {}
    record = after if after is not None else before
    assert record is not None
    out: dict[str, list[Any]] = {}
    for f in dataclasses.fields(record):
        old = _plain(getattr(before, f.name)) if before is not None else None
        new = _plain(getattr(after, f.name)) if after is not None else None
        if old != new:
            out[f.name] = [old, new]
    return out


def direct_account_ids(records: Iterable[Record]) -> list[str]:
    """The companies records name themselves: a company's own id and every ``company_id``
    field, deduplicated, in order of appearance (a touch, a buying role, a tie or a deal
    contact names none: its company is its person's or its deal's).

    >>> from graph_service.domain import Person, Touch
    >>> direct_account_ids([Company(id="c1", name="A"), Person(id="p1", company_id="c2",
    ...                     full_name="B"), Person(id="p2", company_id="c1", full_name="C")])
    ['c1', 'c2']
    """
    found: dict[str, None] = {}
    for record in records:
        if isinstance(record, Company):
            found[record.id] = None
        company_id = getattr(record, "company_id", None)
        if isinstance(company_id, str):
            found[company_id] = None
    return list(found)


def retirement(audit: AuditRecord, retired_ids: Sequence[str], on: date) -> AuditRecord:
    """``audit`` completed for a retirement that retired ``retired_ids`` as of ``on``: those
    ids as its entity ids, and ``retired_at`` from null to ``on`` as each one's change.

    >>> base = new_audit(actor="u", actor_kind="loader", operation="retire", kind=Kind.DEALS)
    >>> done = retirement(base, ["d1"], date(2026, 3, 1))
    >>> done.entity_ids, done.changes
    (('d1',), '{"d1": {"retired_at": [null, "2026-03-01"]}}')
    """
    changes = {i: {"retired_at": [None, on]} for i in retired_ids}
    return dataclasses.replace(audit, entity_ids=tuple(retired_ids), changes=_json(changes))


def merge_changes(survivor_id: str, merged_ids: Iterable[str]) -> dict[str, Any]:
    """What a merge changed: each merged id now lives on as ``survivor_id``.

    >>> merge_changes("c1", ["c7"])
    {'c7': {'merged_into': [None, 'c1']}}
    """
    return {m: {"merged_into": [None, survivor_id]} for m in merged_ids}


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which audit records a query returns; every given condition must hold.

    ``member_id`` is the actor (a team member's or a service account's id, or a loader's
    user name); ``account_id`` must be among the record's ``account_ids``; the time range is
    half-open, ``since <= at < until``.

    >>> at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    >>> r = AuditRecord("a1", at, "m2", "member", "logTouch", Kind.TOUCHES, ("t9",), ("c1",), "{}")
    >>> AuditFilter(member_id="m2", account_id="c1").matches(r), AuditFilter(until=at).matches(r)
    (True, False)
    """

    member_id: str | None = None
    account_id: str | None = None
    operation: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def matches(self, record: AuditRecord) -> bool:
        return (
            (self.member_id is None or record.actor == self.member_id)
            and (self.account_id is None or self.account_id in record.account_ids)
            and (self.operation is None or record.operation == self.operation)
            and (self.since is None or record.at >= self.since)
            and (self.until is None or record.at < self.until)
        )


@dataclass(frozen=True, slots=True)
class AuditPage:
    """One page of audit records, newest first (by ``at``, then ``id``, both descending);
    ``total`` counts every record the filter matches."""

    records: list[AuditRecord]
    has_next: bool
    total: int


def newest_first(record: AuditRecord) -> tuple[datetime, str]:
    """The sort key of :class:`AuditPage` order (sort with ``reverse=True``)."""
    return (record.at, record.id)


def audit_to_row(record: AuditRecord) -> dict[str, Any]:
    """The record as JSON-safe values (``at`` in ISO 8601, lists for the id tuples).

    >>> at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    >>> r = AuditRecord("a1", at, "m2", "member", "logTouch", Kind.TOUCHES, ("t9",), (), "{}")
    >>> audit_from_row(audit_to_row(r)) == r
    True
    """
    return {
        "id": record.id,
        "at": record.at.isoformat(),
        "actor": record.actor,
        "actor_kind": record.actor_kind,
        "operation": record.operation,
        "kind": record.kind.value,
        "entity_ids": list(record.entity_ids),
        "account_ids": list(record.account_ids),
        "changes": record.changes,
    }


def audit_from_row(row: Mapping[str, Any]) -> AuditRecord:
    """An audit record from :func:`audit_to_row` values (``at`` as text or a datetime)."""
    at = row["at"]
    at = at if isinstance(at, datetime) else datetime.fromisoformat(at)
    return AuditRecord(
        id=row["id"],
        at=at.astimezone(UTC),
        actor=row["actor"],
        actor_kind=row["actor_kind"],
        operation=row["operation"],
        kind=Kind(row["kind"]),
        entity_ids=tuple(row["entity_ids"] or ()),
        account_ids=tuple(row["account_ids"] or ()),
        changes=row["changes"],
    )


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)


__all__ = [
    "ACTOR_KINDS",
    "AuditFilter",
    "AuditPage",
    "AuditRecord",
    "audit_from_row",
    "audit_to_row",
    "direct_account_ids",
    "field_changes",
    "load_changes",
    "loader_actor",
    "merge_changes",
    "new_audit",
    "newest_first",
    "retirement",
]
