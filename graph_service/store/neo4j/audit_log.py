"""The audit trail on Neo4j: one ``AuditRecord`` node per audited write, created in the write's
own managed transaction, and the paged, filtered reads of them (see
:mod:`graph_service.audit`).

An audit node holds ids as properties and has no relationships, so merges and retirements of the
records it names never reach it; no query but :data:`~.writes.CLEAR_ALL` (emptying the
database whole, for tests) deletes one, and none sets a property of one after it is created.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, LiteralString

import neo4j
from neo4j import ManagedTransaction

from graph_service.audit import AuditFilter, AuditPage, AuditRecord, audit_from_row
from graph_service.store.neo4j.driver import Connection

#: One audit record, written beside the write it describes.
CREATE_AUDIT: LiteralString = """
CREATE (a:AuditRecord)
SET a = $props
"""

#: The audit records matching the filter, newest first (``at``, then ``id``, descending): the
#: ``$first`` after the record ``$after``, whether more follow, how many match in all, and
#: whether the record ``$after`` exists.
AUDIT_PAGE: LiteralString = """
OPTIONAL MATCH (cursor:AuditRecord {id: $after})
WITH cursor, COLLECT {
  MATCH (a:AuditRecord)
  WHERE ($member_id IS NULL OR a.actor = $member_id)
    AND ($account_id IS NULL OR $account_id IN a.account_ids)
    AND ($operation IS NULL OR a.operation = $operation)
    AND ($since IS NULL OR a.at >= $since)
    AND ($until IS NULL OR a.at < $until)
  RETURN a ORDER BY a.at DESC, a.id DESC
} AS matched
WITH cursor, size(matched) AS total,
     [x IN matched WHERE $after IS NULL
        OR x.at < cursor.at OR (x.at = cursor.at AND x.id < cursor.id)] AS rest
RETURN total,
       size(rest) > $first AS has_next,
       [x IN rest[0..$first] | x {.*}] AS records,
       $after IS NULL OR cursor IS NOT NULL AS cursor_found
"""


def audit_props(audit: AuditRecord) -> dict[str, Any]:
    """The node properties of an audit record (``at`` a zoned datetime, ids as lists)."""
    return {
        "id": audit.id,
        "at": audit.at,
        "actor": audit.actor,
        "actor_kind": audit.actor_kind,
        "operation": audit.operation,
        "kind": audit.kind.value,
        "entity_ids": list(audit.entity_ids),
        "account_ids": list(audit.account_ids),
        "changes": audit.changes,
    }


def write_audit(tx: ManagedTransaction, audit: AuditRecord | None) -> None:
    """Create ``audit`` in the transaction ``tx`` (nothing for ``None``)."""
    if audit is not None:
        tx.run(CREATE_AUDIT, props=audit_props(audit)).consume()


def audited(
    work: Callable[[ManagedTransaction], None], audit: AuditRecord | None
) -> Callable[[ManagedTransaction], None]:
    """``work``, then ``audit`` created in the same transaction."""
    if audit is None:
        return work

    def both(tx: ManagedTransaction) -> None:
        work(tx)
        write_audit(tx, audit)

    return both


def audit_log(db: Connection, where: AuditFilter, *, first: int, after: str | None) -> AuditPage:
    (row,) = db.read(
        AUDIT_PAGE,
        member_id=where.member_id,
        account_id=where.account_id,
        operation=where.operation,
        since=where.since,
        until=where.until,
        after=after,
        first=first,
    )
    if not row["cursor_found"]:
        raise ValueError(f"no audit record {after!r} to page after")
    return AuditPage(
        records=[audit_from_row(_native(props)) for props in row["records"]],
        has_next=bool(row["has_next"]),
        total=int(row["total"]),
    )


def _native(props: dict[str, Any]) -> dict[str, Any]:
    at = props["at"]
    return {**props, "at": at.to_native() if isinstance(at, neo4j.time.DateTime) else at}
