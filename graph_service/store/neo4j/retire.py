"""Sources and retirement: which source each record came from, and retiring the records of a
source that a complete export no longer has (see :meth:`graph_service.store.base.Store.retire`).

Only records of :data:`~graph_service.domain.RETIRABLE_KINDS` keep their source, as the
``source`` property of their node or relationship; ``retired_at`` is a property like the
record's others (an upsert writes it, absent, back: a record that reappears is current again).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any, LiteralString

from neo4j import ManagedTransaction

from graph_service.audit import AuditRecord, retirement
from graph_service.domain import RETIRABLE_KINDS, Kind, Record, record_id, to_row
from graph_service.store.neo4j.audit_log import write_audit
from graph_service.store.neo4j.driver import Connection

#: Set ``$source`` on the records of one kind, the nodes by ``$ids``, relationships by ``$rows``.
SET_SOURCE: dict[Kind, LiteralString] = {
    Kind.COMPANIES: "UNWIND $ids AS id MATCH (n:Company {id: id}) SET n.source = $source",
    Kind.BUSINESS_UNITS: (
        "UNWIND $ids AS id MATCH (n:BusinessUnit {id: id}) SET n.source = $source"
    ),
    Kind.PEOPLE: "UNWIND $ids AS id MATCH (n:Person {id: id}) SET n.source = $source",
    Kind.DEALS: "UNWIND $ids AS id MATCH (n:Deal {id: id}) SET n.source = $source",
    Kind.BUYING_ROLES: """
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})-[r:HAS_ROLE {role: row.role}]->(scope)
WHERE CASE WHEN row.bu_id IS NULL THEN scope:Company
           ELSE scope:BusinessUnit AND scope.id = row.bu_id END
SET r.source = $source
""",
    Kind.RELATIONSHIPS: """
UNWIND $rows AS row
MATCH (:Person {id: row.from_person_id})-[r:INFLUENCES|WORKED_WITH|KNOWS]->
      (:Person {id: row.to_person_id})
WHERE toLower(type(r)) = row.type
SET r.source = $source
""",
    Kind.ACCOUNT_TEAM: """
UNWIND $rows AS row
MATCH (:TeamMember {id: row.member_id})-[r:ON_ACCOUNT_TEAM]->(:Company {id: row.company_id})
SET r.source = $source
""",
}

#: Retire the records of one kind from ``$source`` whose identity is not in ``$keep`` and
#: that are not retired already (``retired_at = $on``); their identities. The identity of a
#: relationship record is built as :func:`~graph_service.domain.record_id` builds it.
RETIRE: dict[Kind, LiteralString] = {
    Kind.COMPANIES: """
MATCH (n:Company) WHERE n.source = $source AND n.retired_at IS NULL AND NOT n.id IN $keep
SET n.retired_at = $on
RETURN collect(n.id) AS ids
""",
    Kind.BUSINESS_UNITS: """
MATCH (n:BusinessUnit) WHERE n.source = $source AND n.retired_at IS NULL AND NOT n.id IN $keep
SET n.retired_at = $on
RETURN collect(n.id) AS ids
""",
    Kind.PEOPLE: """
MATCH (n:Person) WHERE n.source = $source AND n.retired_at IS NULL AND NOT n.id IN $keep
SET n.retired_at = $on
RETURN collect(n.id) AS ids
""",
    Kind.DEALS: """
MATCH (n:Deal) WHERE n.source = $source AND n.retired_at IS NULL AND NOT n.id IN $keep
SET n.retired_at = $on
RETURN collect(n.id) AS ids
""",
    Kind.BUYING_ROLES: """
MATCH (p:Person)-[r:HAS_ROLE]->(scope)
WHERE r.source = $source AND r.retired_at IS NULL
  AND NOT (p.id + '|' + r.role + '|' + CASE WHEN scope:BusinessUnit THEN scope.id ELSE '' END)
      IN $keep
SET r.retired_at = $on
RETURN collect(p.id + '|' + r.role + '|' + CASE WHEN scope:BusinessUnit THEN scope.id ELSE '' END)
       AS ids
""",
    Kind.RELATIONSHIPS: """
MATCH (a:Person)-[r:INFLUENCES|WORKED_WITH|KNOWS]->(b:Person)
WHERE r.source = $source AND r.retired_at IS NULL
  AND NOT (a.id + '|' + toLower(type(r)) + '|' + b.id) IN $keep
SET r.retired_at = $on
RETURN collect(a.id + '|' + toLower(type(r)) + '|' + b.id) AS ids
""",
    Kind.ACCOUNT_TEAM: """
MATCH (m:TeamMember)-[r:ON_ACCOUNT_TEAM]->(c:Company)
WHERE r.source = $source AND r.retired_at IS NULL AND NOT (c.id + '|' + m.id) IN $keep
SET r.retired_at = $on
RETURN collect(c.id + '|' + m.id) AS ids
""",
}


def set_source(tx: ManagedTransaction, kind: Kind, records: Sequence[Record], source: str) -> None:
    """Record ``source`` on the just-written ``records`` (kinds that are never retired keep
    none)."""
    query = SET_SOURCE.get(kind)
    if query is None or not records:
        return
    if kind in (Kind.BUYING_ROLES, Kind.RELATIONSHIPS, Kind.ACCOUNT_TEAM):
        rows: list[dict[str, Any]] = [to_row(r) for r in records]
        tx.run(query, rows=rows, source=source).consume()
    else:
        tx.run(query, ids=[record_id(r) for r in records], source=source).consume()


def retire(
    db: Connection,
    kind: Kind,
    source: str,
    keep_ids: Collection[str],
    on: date,
    audit: AuditRecord | None = None,
) -> int:
    """Retire what ``source`` no longer has of ``kind`` (see the module docstring); ``audit``,
    completed with what was retired, is created in the same transaction when anything was."""
    if kind not in RETIRABLE_KINDS:
        raise ValueError(f"{kind.value} records are never retired")
    query = RETIRE[kind]
    keep = sorted(set(keep_ids))
    counted: list[int] = []

    def work(tx: ManagedTransaction) -> None:
        row = tx.run(query, source=source, keep=keep, on=on).single(strict=True)
        ids = sorted(row["ids"])
        counted[:] = [len(ids)]  # a retried transaction counts once
        if audit is not None and ids:
            write_audit(tx, retirement(audit, ids, on))

    db.write(work)
    return counted[0]
