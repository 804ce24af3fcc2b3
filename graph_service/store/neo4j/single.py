"""Single records: one record by kind and identity, the company it belongs to, and creating a
record only if its identity is new (see :meth:`graph_service.store.base.Store.create`).

A relationship record's identity is text joined with ``|`` (:func:`graph_service.domain.record_id`);
it is read back by trying every way of splitting the text into its parts (ids may hold ``|``
themselves), all in one query.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, LiteralString

from neo4j import ManagedTransaction

from graph_service.audit import AuditRecord
from graph_service.domain import Kind, Record, RelationshipType, Role, record_id
from graph_service.store.neo4j.audit_log import write_audit
from graph_service.store.neo4j.driver import Connection
from graph_service.store.neo4j.reads import record_from_props
from graph_service.store.neo4j.writes import upsert_work

#: One record by identity (``$id`` for nodes, ``$candidates`` for relationships), complete
#: records only, its references put back as ids.
RECORD: dict[Kind, LiteralString] = {
    Kind.COMPANIES: """
MATCH (n:Company {id: $id}) WHERE n.name IS NOT NULL
OPTIONAL MATCH (n)-[:SUBSIDIARY_OF]->(p)
RETURN n {.*, parent_company_id: p.id} AS props
""",
    Kind.BUSINESS_UNITS: """
MATCH (n:BusinessUnit {id: $id}) WHERE n.name IS NOT NULL
OPTIONAL MATCH (n)-[:PART_OF]->(c)
OPTIONAL MATCH (n)-[:CHILD_OF]->(pb)
RETURN n {.*, company_id: c.id, parent_bu_id: pb.id} AS props
""",
    Kind.PEOPLE: """
MATCH (n:Person {id: $id}) WHERE n.full_name IS NOT NULL
OPTIONAL MATCH (n)-[:WORKS_AT]->(c)
OPTIONAL MATCH (n)-[:IN_UNIT]->(b)
OPTIONAL MATCH (n)-[:REPORTS_TO]->(m)
RETURN n {.*, touch_days: null, engaged_days: null, company_id: c.id, bu_id: b.id,
          reports_to: m.id} AS props
""",
    Kind.TEAM: """
MATCH (n:TeamMember {id: $id}) WHERE n.full_name IS NOT NULL
OPTIONAL MATCH (n)-[:REPORTS_TO]->(m)
RETURN n {.*, manager_id: m.id} AS props
""",
    Kind.DEALS: """
MATCH (n:Deal {id: $id}) WHERE n.stage IS NOT NULL
OPTIONAL MATCH (n)-[:FOR]->(c)
OPTIONAL MATCH (n)-[:IN_UNIT]->(b)
OPTIONAL MATCH (n)-[:OWNED_BY]->(o)
RETURN n {.*, company_id: c.id, bu_id: b.id, owner_id: o.id} AS props
""",
    Kind.TOUCHES: """
MATCH (n:Touch {id: $id})
OPTIONAL MATCH (n)-[:BY]->(m)
OPTIONAL MATCH (n)-[:WITH]->(p)
OPTIONAL MATCH (n)-[:ABOUT]->(d)
RETURN n {.*, member_id: m.id, person_id: p.id, deal_id: d.id} AS props
""",
    Kind.NEXT_ACTIONS: """
MATCH (n:NextAction {id: $id})
OPTIONAL MATCH (n)-[:FOR]->(c)
OPTIONAL MATCH (n)-[:ASSIGNED_TO]->(m)
OPTIONAL MATCH (n)-[:WITH]->(p)
RETURN n {.*, company_id: c.id, member_id: m.id, person_id: p.id} AS props
""",
    Kind.WALLET: """
MATCH (n:WalletEstimate {id: $id})
OPTIONAL MATCH (n)-[:OF]->(c)
OPTIONAL MATCH (n)-[:IN_UNIT]->(b)
RETURN n {.*, company_id: c.id, bu_id: b.id} AS props
""",
    Kind.FX_RATES: """
MATCH (n:FxRate {id: $id})
RETURN n {.currency, .rate, .valid_from, .valid_to} AS props
""",
    Kind.BUYING_ROLES: """
UNWIND $candidates AS k
MATCH (p:Person {id: k.person_id})-[r:HAS_ROLE {role: k.role}]->(scope)
WHERE CASE WHEN k.bu_id IS NULL THEN scope:Company
           ELSE scope:BusinessUnit AND scope.id = k.bu_id END
RETURN {person_id: p.id, role: r.role, bu_id: k.bu_id, since: r.since, until: r.until,
        retired_at: r.retired_at} AS props
LIMIT 1
""",
    Kind.RELATIONSHIPS: """
UNWIND $candidates AS k
MATCH (a:Person {id: k.from_person_id})-[r:INFLUENCES|WORKED_WITH|KNOWS]->
      (b:Person {id: k.to_person_id})
WHERE toLower(type(r)) = k.type
RETURN {from_person_id: a.id, to_person_id: b.id, type: k.type, strength: r.strength,
        retired_at: r.retired_at} AS props
LIMIT 1
""",
    Kind.ACCOUNT_TEAM: """
UNWIND $candidates AS k
MATCH (m:TeamMember {id: k.member_id})-[r:ON_ACCOUNT_TEAM]->(c:Company {id: k.company_id})
RETURN {company_id: c.id, member_id: m.id, role: r.role, retired_at: r.retired_at} AS props
LIMIT 1
""",
    Kind.DEAL_CONTACTS: """
UNWIND $candidates AS k
MATCH (p:Person {id: k.person_id})-[r:CONTACT_ON]->(d:Deal {id: k.deal_id})
RETURN {deal_id: d.id, person_id: p.id, role: r.role} AS props
LIMIT 1
""",
}

#: The company a record belongs to (``Store.company_of``); kinds missing belong to none.
COMPANY_OF: dict[Kind, LiteralString] = {
    Kind.COMPANIES: "MATCH (c:Company {id: $id}) WHERE c.name IS NOT NULL RETURN c.id AS id",
    Kind.BUSINESS_UNITS: """
MATCH (n:BusinessUnit {id: $id})-[:PART_OF]->(c:Company) WHERE n.name IS NOT NULL
RETURN c.id AS id
""",
    Kind.PEOPLE: """
MATCH (n:Person {id: $id})-[:WORKS_AT]->(c:Company) WHERE n.full_name IS NOT NULL
RETURN c.id AS id
""",
    Kind.DEALS: """
MATCH (n:Deal {id: $id})-[:FOR]->(c:Company) WHERE n.stage IS NOT NULL
RETURN c.id AS id
""",
    Kind.TOUCHES: """
MATCH (:Touch {id: $id})-[:WITH]->(p:Person)-[:WORKS_AT]->(c:Company)
WHERE p.full_name IS NOT NULL
RETURN c.id AS id
""",
    Kind.NEXT_ACTIONS: "MATCH (:NextAction {id: $id})-[:FOR]->(c:Company) RETURN c.id AS id",
    Kind.WALLET: "MATCH (:WalletEstimate {id: $id})-[:OF]->(c:Company) RETURN c.id AS id",
    Kind.BUYING_ROLES: """
UNWIND $candidates AS k
MATCH (p:Person {id: k.person_id})-[:HAS_ROLE {role: k.role}]->(scope)
WHERE CASE WHEN k.bu_id IS NULL THEN scope:Company
           ELSE scope:BusinessUnit AND scope.id = k.bu_id END
MATCH (p)-[:WORKS_AT]->(c:Company)
RETURN c.id AS id
LIMIT 1
""",
    Kind.ACCOUNT_TEAM: """
UNWIND $candidates AS k
MATCH (:TeamMember {id: k.member_id})-[:ON_ACCOUNT_TEAM]->(c:Company {id: k.company_id})
RETURN c.id AS id
LIMIT 1
""",
    Kind.DEAL_CONTACTS: """
UNWIND $candidates AS k
MATCH (:Person {id: k.person_id})-[:CONTACT_ON]->(:Deal {id: k.deal_id})-[:FOR]->(c:Company)
RETURN c.id AS id
LIMIT 1
""",
}

#: Whether a node of the kind exists with ``$id``, and whether it is a complete record (a bare
#: node, left by a forward reference or just claimed by ``CLAIM_NODE``, is not): a required
#: property of the kind is set.
FIND_NODE: dict[Kind, LiteralString] = {
    Kind.COMPANIES: "MATCH (n:Company {id: $id}) RETURN n.name IS NOT NULL AS complete",
    Kind.BUSINESS_UNITS: "MATCH (n:BusinessUnit {id: $id}) RETURN n.name IS NOT NULL AS complete",
    Kind.PEOPLE: "MATCH (n:Person {id: $id}) RETURN n.full_name IS NOT NULL AS complete",
    Kind.TEAM: "MATCH (n:TeamMember {id: $id}) RETURN n.full_name IS NOT NULL AS complete",
    Kind.DEALS: "MATCH (n:Deal {id: $id}) RETURN n.stage IS NOT NULL AS complete",
    Kind.TOUCHES: "MATCH (n:Touch {id: $id}) RETURN n.type IS NOT NULL AS complete",
    Kind.NEXT_ACTIONS: (
        "MATCH (n:NextAction {id: $id}) RETURN n.description IS NOT NULL AS complete"
    ),
    Kind.WALLET: "MATCH (n:WalletEstimate {id: $id}) RETURN n.amount IS NOT NULL AS complete",
    Kind.FX_RATES: "MATCH (n:FxRate {id: $id}) RETURN n.rate IS NOT NULL AS complete",
}

#: Claims an identity: the node (created bare if new; the uniqueness constraint makes a second
#: transaction creating the same id wait for the first and then find its node) with a property
#: written and removed, which takes the node's write lock until commit. Whatever another
#: transaction wrote to the node before is then committed and seen (``FIND_NODE``).
CLAIM_NODE: dict[Kind, LiteralString] = {
    Kind.COMPANIES: "MERGE (n:Company {id: $id}) SET n.claimed = true REMOVE n.claimed",
    Kind.BUSINESS_UNITS: "MERGE (n:BusinessUnit {id: $id}) SET n.claimed = true REMOVE n.claimed",
    Kind.PEOPLE: "MERGE (n:Person {id: $id}) SET n.claimed = true REMOVE n.claimed",
    Kind.TEAM: "MERGE (n:TeamMember {id: $id}) SET n.claimed = true REMOVE n.claimed",
    Kind.DEALS: "MERGE (n:Deal {id: $id}) SET n.claimed = true REMOVE n.claimed",
    Kind.TOUCHES: "MERGE (n:Touch {id: $id}) SET n.claimed = true REMOVE n.claimed",
    Kind.NEXT_ACTIONS: "MERGE (n:NextAction {id: $id}) SET n.claimed = true REMOVE n.claimed",
    Kind.WALLET: "MERGE (n:WalletEstimate {id: $id}) SET n.claimed = true REMOVE n.claimed",
    Kind.FX_RATES: "MERGE (n:FxRate {id: $id}) SET n.claimed = true REMOVE n.claimed",
}


def record(db: Connection, kind: Kind, rid: str) -> Record | None:
    rows = db.read(RECORD[kind], **_params(kind, rid))
    return record_from_props(kind.record_type, rows[0]["props"]) if rows else None


def company_of(db: Connection, kind: Kind, rid: str) -> str | None:
    query = COMPANY_OF.get(kind)
    if query is None:
        return None
    rows = db.read(query, **_params(kind, rid))
    return str(rows[0]["id"]) if rows else None


def create(db: Connection, kind: Kind, new: Record, audit: AuditRecord) -> bool:
    """Write ``new`` and ``audit`` unless a complete record of ``kind`` has its identity: in
    one transaction holding the node's write lock (``CLAIM_NODE``), so that of concurrent
    creates of one id exactly one writes."""
    if kind not in FIND_NODE:
        raise ValueError(f"{kind.value} records are relationships: create writes nodes only")
    rid = record_id(new)
    held = db.read(FIND_NODE[kind], id=rid)
    if held and held[0]["complete"]:
        return False  # spares a write transaction in the common case of a retry
    write = upsert_work(kind, [new])

    def work(tx: ManagedTransaction) -> bool:
        tx.run(CLAIM_NODE[kind], id=rid).consume()
        if tx.run(FIND_NODE[kind], id=rid).single(strict=True)["complete"]:
            return False  # created meanwhile: the claim changed nothing
        write(tx)
        write_audit(tx, audit)
        return True

    return db.write_new(work)


def _params(kind: Kind, rid: str) -> dict[str, Any]:
    """The query parameters that find the record ``rid`` of ``kind``."""
    if kind is Kind.BUYING_ROLES:
        roles = {r.value for r in Role}
        candidates: list[dict[str, Any]] = [
            {"person_id": p, "role": r, "bu_id": b or None}
            for p, r, b in _splits(rid, 3)
            if r in roles
        ]
    elif kind is Kind.RELATIONSHIPS:
        types = {t.value for t in RelationshipType}
        candidates = [
            {"from_person_id": a, "type": t, "to_person_id": b}
            for a, t, b in _splits(rid, 3)
            if t in types
        ]
    elif kind is Kind.ACCOUNT_TEAM:
        candidates = [{"company_id": c, "member_id": m} for c, m in _splits(rid, 2)]
    elif kind is Kind.DEAL_CONTACTS:
        candidates = [{"deal_id": d, "person_id": p} for d, p in _splits(rid, 2)]
    else:
        return {"id": rid}
    return {"candidates": candidates}


def _splits(text: str, parts: int) -> list[tuple[str, ...]]:
    """Every way of cutting ``text`` at ``parts - 1`` of its ``|``.

    >>> _splits("a|b|c", 2)
    [('a', 'b|c'), ('a|b', 'c')]
    """
    cuts = [i for i, ch in enumerate(text) if ch == "|"]
    out = []
    for chosen in combinations(cuts, parts - 1):
        bounds = [-1, *chosen, len(text)]
        out.append(tuple(text[bounds[i] + 1 : bounds[i + 1]] for i in range(parts)))
    return out
