"""Write Cypher and the upsert dispatch: one batch of one kind in one transaction.

Batches are written with ``UNWIND $rows``. References between records are relationships, never
id properties: a person's company is its ``WORKS_AT`` relationship (reads put the ids back into
the records). Touch writes also refresh the touch summaries of the people they are with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, LiteralString

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError

from graph_service.audit import AuditRecord
from graph_service.domain import (
    BuyingRole,
    Kind,
    Record,
    Relationship,
    RelationshipType,
    record_id,
    to_row,
)
from graph_service.store.neo4j.audit_log import audited
from graph_service.store.neo4j.driver import Connection

UPSERT_COMPANIES: LiteralString = """
UNWIND $rows AS row
MERGE (n:Company {id: row.id})
SET n += row.props
WITH n, row
CALL (n) { OPTIONAL MATCH (n)-[old:SUBSIDIARY_OF]->() DELETE old }
FOREACH (pid IN CASE WHEN row.parent_company_id IS NULL THEN [] ELSE [row.parent_company_id] END |
  MERGE (p:Company {id: pid})
  MERGE (n)-[:SUBSIDIARY_OF]->(p))
"""

UPSERT_BUSINESS_UNITS: LiteralString = """
UNWIND $rows AS row
MERGE (n:BusinessUnit {id: row.id})
SET n += row.props
WITH n, row
CALL (n) { OPTIONAL MATCH (n)-[old:PART_OF|CHILD_OF]->() DELETE old }
OPTIONAL MATCH (c:Company {id: row.company_id})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (n)-[:PART_OF]->(c))
FOREACH (pid IN CASE WHEN row.parent_bu_id IS NULL THEN [] ELSE [row.parent_bu_id] END |
  MERGE (p:BusinessUnit {id: pid})
  MERGE (n)-[:CHILD_OF]->(p))
"""

UPSERT_PEOPLE: LiteralString = """
UNWIND $rows AS row
MERGE (n:Person {id: row.id})
SET n += row.props
WITH n, row
CALL (n) { OPTIONAL MATCH (n)-[old:WORKS_AT|IN_UNIT|REPORTS_TO]->() DELETE old }
OPTIONAL MATCH (c:Company {id: row.company_id})
OPTIONAL MATCH (b:BusinessUnit {id: row.bu_id})
SET n.employer_id = c.id
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (n)-[:WORKS_AT]->(c))
FOREACH (_ IN CASE WHEN b IS NULL THEN [] ELSE [1] END | MERGE (n)-[:IN_UNIT]->(b))
FOREACH (mid IN CASE WHEN row.reports_to IS NULL THEN [] ELSE [row.reports_to] END |
  MERGE (m:Person {id: mid})
  MERGE (n)-[:REPORTS_TO]->(m))
"""

UPSERT_TEAM: LiteralString = """
UNWIND $rows AS row
MERGE (n:TeamMember {id: row.id})
SET n += row.props
WITH n, row
CALL (n) { OPTIONAL MATCH (n)-[old:REPORTS_TO]->() DELETE old }
FOREACH (mid IN CASE WHEN row.manager_id IS NULL THEN [] ELSE [row.manager_id] END |
  MERGE (m:TeamMember {id: mid})
  MERGE (n)-[:REPORTS_TO]->(m))
"""

UPSERT_DEALS: LiteralString = """
UNWIND $rows AS row
MERGE (n:Deal {id: row.id})
SET n += row.props
WITH n, row
CALL (n) { OPTIONAL MATCH (n)-[old:FOR|IN_UNIT|OWNED_BY]->() DELETE old }
OPTIONAL MATCH (c:Company {id: row.company_id})
OPTIONAL MATCH (b:BusinessUnit {id: row.bu_id})
OPTIONAL MATCH (o:TeamMember {id: row.owner_id})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (n)-[:FOR]->(c))
FOREACH (_ IN CASE WHEN b IS NULL THEN [] ELSE [1] END | MERGE (n)-[:IN_UNIT]->(b))
FOREACH (_ IN CASE WHEN o IS NULL THEN [] ELSE [1] END | MERGE (n)-[:OWNED_BY]->(o))
"""

#: The highest-volume write, for touches that may exist already: after the old links are
#: deleted the new ones are created, not merged (a batch has one row per id, see
#: :func:`upsert_work`), in subqueries that skip a missing reference (~25% less server time than
#: OPTIONAL MATCH + FOREACH MERGE). ``day`` is the local calendar day of ``occurred_at``, kept
#: beside the timestamp for the rollups' window counts.
UPSERT_TOUCHES: LiteralString = """
UNWIND $rows AS row
WITH row, datetime(row.occurred_at) AS at
MERGE (n:Touch {id: row.id})
SET n += row.props, n.occurred_at = at, n.day = date(at)
WITH n, row
CALL (n) { OPTIONAL MATCH (n)-[old:BY|WITH|ABOUT]->() DELETE old }
WITH n, row
CALL (n, row) { MATCH (m:TeamMember {id: row.member_id}) CREATE (n)-[:BY]->(m) }
CALL (n, row) { MATCH (p:Person {id: row.person_id}) CREATE (n)-[:WITH]->(p) }
CALL (n, row) { MATCH (d:Deal {id: row.deal_id}) CREATE (n)-[:ABOUT]->(d) }
"""

#: The same write for touches known to be new (:data:`EXISTING_TOUCHES` found none of their
#: ids in the transaction): created, with no index lookup of their id, no lock taken on it
#: before the write and no old links to delete. ``row.props`` holds every field of the record
#: (None for an absent one), so the node is the one :data:`UPSERT_TOUCHES` would write.
CREATE_TOUCHES: LiteralString = """
UNWIND $rows AS row
WITH row, datetime(row.occurred_at) AS at
CREATE (n:Touch)
SET n = row.props, n.occurred_at = at, n.day = date(at)
WITH n, row
CALL (n, row) { MATCH (m:TeamMember {id: row.member_id}) CREATE (n)-[:BY]->(m) }
CALL (n, row) { MATCH (p:Person {id: row.person_id}) CREATE (n)-[:WITH]->(p) }
CALL (n, row) { MATCH (d:Deal {id: row.deal_id}) CREATE (n)-[:ABOUT]->(d) }
"""

#: A person's touch days, one per touch (``day``, else the timestamp's local day), in order.
TOUCH_DAYS_OF_P: LiteralString = """COLLECT {
  MATCH (t:Touch)-[:WITH]->(p)
  WITH coalesce(t.day, date(t.occurred_at)) AS day ORDER BY day
  RETURN day
}"""

#: The days of a person's exchanges (:func:`graph_service.as_of.is_exchange`: a meeting,
#: visit or call in any direction, or an inbound message), one per touch, in order.
ENGAGED_DAYS_OF_P: LiteralString = """COLLECT {
  MATCH (t:Touch)-[:WITH]->(p)
  WHERE t.type IN ['meeting', 'visit', 'call'] OR t.direction = 'inbound'
  WITH coalesce(t.day, date(t.occurred_at)) AS day ORDER BY day
  RETURN day
}"""

#: Which of the touches ``$ids`` exist, each with the people it is with now (before an upsert
#: may move it to someone else): one index seek a touch, in the write's own transaction.
EXISTING_TOUCHES: LiteralString = """
UNWIND $ids AS id
MATCH (t:Touch {id: id})
RETURN t.id AS id, [(t)-[:WITH]->(p:Person) | p.id] AS people
"""

#: The per-person touch summary the portfolio rollup reads instead of every touch, set on
#: ``p``: the days of all the person's touches in order, the last of them (indexed, so the
#: rollup visits only people touched lately), and the days of their exchanges
#: (``engaged_days``, what engagement counts; an empty list when there are none).
SET_TOUCH_SUMMARY_OF_P: LiteralString = (
    """
SET p.touch_days = """
    + TOUCH_DAYS_OF_P
    + """
SET p.last_touch_day = p.touch_days[-1]
SET p.engaged_days = """
    + ENGAGED_DAYS_OF_P
    + """
"""
)

#: Refreshed in the transaction of every touch write and person merge that can change it.
REFRESH_TOUCH_DAYS: LiteralString = (
    """
UNWIND $ids AS id
MATCH (p:Person {id: id})"""
    + SET_TOUCH_SUMMARY_OF_P
)

UPSERT_NEXT_ACTIONS: LiteralString = """
UNWIND $rows AS row
MERGE (n:NextAction {id: row.id})
SET n += row.props
WITH n, row
CALL (n) { OPTIONAL MATCH (n)-[old:FOR|ASSIGNED_TO|WITH]->() DELETE old }
OPTIONAL MATCH (c:Company {id: row.company_id})
OPTIONAL MATCH (m:TeamMember {id: row.member_id})
OPTIONAL MATCH (p:Person {id: row.person_id})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (n)-[:FOR]->(c))
FOREACH (_ IN CASE WHEN m IS NULL THEN [] ELSE [1] END | MERGE (n)-[:ASSIGNED_TO]->(m))
FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | MERGE (n)-[:WITH]->(p))
"""

#: Exchange rates are nodes of their own, referenced by nothing (amounts name their currency).
UPSERT_FX_RATES: LiteralString = """
UNWIND $rows AS row
MERGE (n:FxRate {id: row.id})
SET n = row.props
"""

UPSERT_WALLET: LiteralString = """
UNWIND $rows AS row
MERGE (n:WalletEstimate {id: row.id})
SET n += row.props
WITH n, row
CALL (n) { OPTIONAL MATCH (n)-[old:OF|IN_UNIT]->() DELETE old }
OPTIONAL MATCH (c:Company {id: row.company_id})
OPTIONAL MATCH (b:BusinessUnit {id: row.bu_id})
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (n)-[:OF]->(c))
FOREACH (_ IN CASE WHEN b IS NULL THEN [] ELSE [1] END | MERGE (n)-[:IN_UNIT]->(b))
"""

UPSERT_COMPANY_ROLES: LiteralString = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})-[:WORKS_AT]->(scope:Company)
MERGE (p)-[r:HAS_ROLE {role: row.role}]->(scope)
SET r.since = row.since, r.until = row.until
SET r.retired_at = row.retired_at
"""

UPSERT_UNIT_ROLES: LiteralString = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MATCH (scope:BusinessUnit {id: row.bu_id})
MERGE (p)-[r:HAS_ROLE {role: row.role}]->(scope)
SET r.since = row.since, r.until = row.until
SET r.retired_at = row.retired_at
"""

UPSERT_INFLUENCES: LiteralString = """
UNWIND $rows AS row
MATCH (a:Person {id: row.from_person_id})
MATCH (b:Person {id: row.to_person_id})
MERGE (a)-[r:INFLUENCES]->(b)
SET r.strength = row.strength
SET r.retired_at = row.retired_at
"""

UPSERT_WORKED_WITH: LiteralString = """
UNWIND $rows AS row
MATCH (a:Person {id: row.from_person_id})
MATCH (b:Person {id: row.to_person_id})
MERGE (a)-[r:WORKED_WITH]->(b)
SET r.strength = row.strength
SET r.retired_at = row.retired_at
"""

UPSERT_KNOWS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Person {id: row.from_person_id})
MATCH (b:Person {id: row.to_person_id})
MERGE (a)-[r:KNOWS]->(b)
SET r.strength = row.strength
SET r.retired_at = row.retired_at
"""

UPSERT_ACCOUNT_TEAM: LiteralString = """
UNWIND $rows AS row
MATCH (m:TeamMember {id: row.member_id})
MATCH (c:Company {id: row.company_id})
MERGE (m)-[r:ON_ACCOUNT_TEAM]->(c)
SET r.role = row.role
SET r.retired_at = row.retired_at
"""

UPSERT_DEAL_CONTACTS: LiteralString = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MATCH (d:Deal {id: row.deal_id})
MERGE (p)-[r:CONTACT_ON]->(d)
SET r.role = row.role
"""

#: Node kinds: the upsert query and the record fields that become relationships.
_NODE_WRITES: dict[Kind, tuple[LiteralString, tuple[str, ...]]] = {
    Kind.COMPANIES: (UPSERT_COMPANIES, ("parent_company_id",)),
    Kind.BUSINESS_UNITS: (UPSERT_BUSINESS_UNITS, ("company_id", "parent_bu_id")),
    Kind.PEOPLE: (UPSERT_PEOPLE, ("company_id", "bu_id", "reports_to")),
    Kind.TEAM: (UPSERT_TEAM, ("manager_id",)),
    Kind.DEALS: (UPSERT_DEALS, ("company_id", "bu_id", "owner_id")),
    Kind.TOUCHES: (UPSERT_TOUCHES, ("member_id", "person_id", "deal_id")),
    Kind.NEXT_ACTIONS: (UPSERT_NEXT_ACTIONS, ("company_id", "member_id", "person_id")),
    Kind.WALLET: (UPSERT_WALLET, ("company_id", "bu_id")),
    Kind.FX_RATES: (UPSERT_FX_RATES, ()),
}

#: Datetime fields sent as ISO 8601 text and set with ``datetime()`` by their kind's upsert: the
#: driver's own conversion of a Python ``datetime`` costs ~50 us a value (it was most of the
#: client's time on touches), parsing the text in Cypher a few.
_DATETIME_FIELDS: dict[Kind, tuple[str, ...]] = {Kind.TOUCHES: ("occurred_at",)}

_RELATIONSHIP_WRITES: dict[RelationshipType, LiteralString] = {
    RelationshipType.INFLUENCES: UPSERT_INFLUENCES,
    RelationshipType.WORKED_WITH: UPSERT_WORKED_WITH,
    RelationshipType.KNOWS: UPSERT_KNOWS,
}

CLEAR_ALL: LiteralString = """
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
"""


def upsert(
    db: Connection,
    kind: Kind,
    records: Sequence[Record],
    source: str | None = None,
    audit: AuditRecord | None = None,
) -> None:
    """Write the batch ``records`` of ``kind`` and ``audit`` in one transaction.

    Touches found new are created (:data:`CREATE_TOUCHES`); should another transaction create
    one of them between the look-up and the commit, the uniqueness constraint fails this one,
    and the batch is written again with every touch merged (:data:`UPSERT_TOUCHES`).
    """
    try:
        db.write(audited(upsert_work(kind, records, source), audit))
    except ConstraintError:
        if kind is not Kind.TOUCHES:
            raise
        db.write(audited(upsert_work(kind, records, source, create_new=False), audit))


def upsert_work(
    kind: Kind,
    records: Sequence[Record],
    source: str | None = None,
    *,
    create_new: bool = True,
) -> Callable[[ManagedTransaction], None]:
    """The transaction work that writes the batch ``records`` of ``kind``; ``source``, when
    given, is set on each record's node or relationship (the ``source`` property).

    ``create_new``: touches that do not exist yet are created rather than merged (see
    :func:`upsert`)."""
    if source is not None:
        return _with_source(
            upsert_work(kind, records, create_new=create_new), kind, records, source
        )
    if kind in _NODE_WRITES:
        query, links = _NODE_WRITES[kind]
        text = _DATETIME_FIELDS.get(kind, ())
        # One row per id, the later one winning (a batch may repeat an id).
        by_id = {row["id"]: row for row in (node_row(r, links, text) for r in records)}
        rows = list(by_id.values())
        if kind is Kind.TOUCHES:
            return lambda tx: _write_touches(tx, rows, create_new)
        return lambda tx: _run(tx, query, rows)
    if kind is Kind.BUYING_ROLES:
        roles = [r for r in records if isinstance(r, BuyingRole)]
        company = [_edge_row(r) for r in roles if r.bu_id is None]
        unit = [_edge_row(r) for r in roles if r.bu_id is not None]

        def roles_work(tx: ManagedTransaction) -> None:
            _run(tx, UPSERT_COMPANY_ROLES, company)
            _run(tx, UPSERT_UNIT_ROLES, unit)

        return roles_work
    if kind is Kind.RELATIONSHIPS:
        rels = [r for r in records if isinstance(r, Relationship)]

        def work(tx: ManagedTransaction) -> None:
            for rel_type, query in _RELATIONSHIP_WRITES.items():
                _run(tx, query, [_edge_row(r) for r in rels if r.type is rel_type])

        return work
    if kind is Kind.ACCOUNT_TEAM:
        team = [_edge_row(r) for r in records]
        return lambda tx: _run(tx, UPSERT_ACCOUNT_TEAM, team)
    if kind is Kind.DEAL_CONTACTS:
        contacts = [_edge_row(r) for r in records]
        return lambda tx: _run(tx, UPSERT_DEAL_CONTACTS, contacts)
    raise ValueError(f"unknown kind {kind}")  # pragma: no cover - every kind is handled above


def _with_source(
    work: Callable[[ManagedTransaction], None], kind: Kind, records: Sequence[Record], source: str
) -> Callable[[ManagedTransaction], None]:
    """``work``, then the records' source set in the same transaction (retire.SET_SOURCE)."""
    from graph_service.store.neo4j.retire import set_source

    def sourced(tx: ManagedTransaction) -> None:
        work(tx)
        set_source(tx, kind, records, source)

    return sourced


def clear(db: Connection) -> None:
    """Delete every node and relationship, then move the data version on."""
    db.run(CLEAR_ALL)
    db.write(lambda tx: None)


def _run(tx: ManagedTransaction, query: LiteralString, rows: list[dict[str, Any]]) -> None:
    if rows:
        tx.run(query, rows=rows).consume()


def _write_touches(tx: ManagedTransaction, rows: list[dict[str, Any]], create_new: bool) -> None:
    """Upsert touches (creating the new ones when ``create_new``), then refresh the touch
    summaries of everyone they were or now are with, each person once."""
    existing = tx.run(EXISTING_TOUCHES, ids=[row["id"] for row in rows]).values("id", "people")
    people = {person for _, before in existing for person in before}
    people |= {row["person_id"] for row in rows if row["person_id"] is not None}
    if create_new:
        found = {touch_id for touch_id, _ in existing}
        _run(tx, UPSERT_TOUCHES, [row for row in rows if row["id"] in found])
        _run(tx, CREATE_TOUCHES, [row for row in rows if row["id"] not in found])
    else:
        _run(tx, UPSERT_TOUCHES, rows)
    tx.run(REFRESH_TOUCH_DAYS, ids=sorted(people)).consume()


def node_row(record: Record, links: tuple[str, ...], text: tuple[str, ...] = ()) -> dict[str, Any]:
    """The query row of a node record: its id, the fields ``links`` (written as relationships),
    the fields ``text`` as ISO 8601 text, and ``props``, every other field (None if absent).

    >>> from datetime import UTC, datetime
    >>> from graph_service.domain import Touch, TouchType
    >>> t = Touch(id="t1", member_id="m1", person_id="p1", type=TouchType.CALL,
    ...           occurred_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    >>> row = node_row(t, ("member_id", "person_id", "deal_id"), ("occurred_at",))
    >>> row["occurred_at"], row["deal_id"]
    ('2026-03-01T09:00:00+00:00', None)
    >>> sorted(row["props"].items())
    [('direction', None), ('id', 't1'), ('notes', None), ('type', 'call')]
    """
    values = to_row(record)
    row = {name: values.pop(name) for name in links}
    for name in text:  # sent as ISO 8601 text, converted by the query (see _DATETIME_FIELDS)
        value = values.pop(name)
        row[name] = None if value is None else value.isoformat()
    row["id"] = record_id(record)
    values["id"] = row["id"]
    row["props"] = values
    return row


def _edge_row(record: Record) -> dict[str, Any]:
    return to_row(record)
