"""Entity resolution: the records duplicates are found among, and merges into a survivor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import LiteralString

from neo4j import ManagedTransaction

from graph_service.audit import AuditRecord
from graph_service.domain import Company, Kind, Person, Record, ResolutionRecords, record_id
from graph_service.store.neo4j.audit_log import write_audit
from graph_service.store.neo4j.driver import Connection
from graph_service.store.neo4j.reads import record_from_props
from graph_service.store.neo4j.writes import REFRESH_TOUCH_DAYS

# A merge folds one node into a survivor of the same label (parameters $survivor and $merged):
# every relationship type that can touch a company or a person has its own query below, run in
# the order of MERGE_COMPANY / MERGE_PERSON in one transaction, then FOLD_* records the merged id
# on the survivor (``merged_ids``) and deletes the node with whatever is left (its own
# single-valued references: the survivor's decide). Where the survivor already has the same
# relationship, MERGE keeps the survivor's (ON CREATE copies the properties).

RESOLUTION_COMPANIES: LiteralString = """
MATCH (n:Company) WHERE n.name IS NOT NULL
OPTIONAL MATCH (n)-[:SUBSIDIARY_OF]->(p)
RETURN n {.*, parent_company_id: p.id} AS props
ORDER BY n.id
"""

RESOLUTION_PEOPLE: LiteralString = """
MATCH (n:Person) WHERE n.full_name IS NOT NULL
OPTIONAL MATCH (n)-[:WORKS_AT]->(c)
OPTIONAL MATCH (n)-[:IN_UNIT]->(b)
OPTIONAL MATCH (n)-[:REPORTS_TO]->(m)
RETURN n {.*, touch_days: null, engaged_days: null, employer_id: null, company_id: c.id,
          bu_id: b.id, reports_to: m.id} AS props
ORDER BY n.id
"""

ALIASES_COMPANIES: LiteralString = """
MATCH (n:Company) WHERE n.name IS NOT NULL AND n.merged_ids IS NOT NULL
UNWIND n.merged_ids AS merged
RETURN merged, n.id AS survivor
"""

ALIASES_PEOPLE: LiteralString = """
MATCH (n:Person) WHERE n.full_name IS NOT NULL AND n.merged_ids IS NOT NULL
UNWIND n.merged_ids AS merged
RETURN merged, n.id AS survivor
"""

SURVIVOR_COMPANY: LiteralString = """
MATCH (s:Company {id: $survivor}) WHERE s.name IS NOT NULL RETURN s.id AS id
"""

SURVIVOR_PERSON: LiteralString = """
MATCH (s:Person {id: $survivor}) WHERE s.full_name IS NOT NULL RETURN s.id AS id
"""

MOVE_SUBSIDIARIES: LiteralString = """
MATCH (s:Company {id: $survivor}), (:Company {id: $merged})<-[r:SUBSIDIARY_OF]-(x:Company)
WHERE x <> s
MERGE (x)-[:SUBSIDIARY_OF]->(s)
DELETE r
"""

MOVE_UNITS: LiteralString = """
MATCH (s:Company {id: $survivor}), (:Company {id: $merged})<-[r:PART_OF]-(x:BusinessUnit)
MERGE (x)-[:PART_OF]->(s)
DELETE r
"""

MOVE_EMPLOYEES: LiteralString = """
MATCH (s:Company {id: $survivor}), (:Company {id: $merged})<-[r:WORKS_AT]-(x:Person)
MERGE (x)-[:WORKS_AT]->(s)
SET x.employer_id = s.id
DELETE r
"""

MOVE_COMPANY_FOR: LiteralString = """
MATCH (s:Company {id: $survivor}), (:Company {id: $merged})<-[r:FOR]-(x)
MERGE (x)-[:FOR]->(s)
DELETE r
"""

MOVE_COMPANY_ROLES: LiteralString = """
MATCH (s:Company {id: $survivor}), (:Company {id: $merged})<-[r:HAS_ROLE]-(x:Person)
MERGE (x)-[n:HAS_ROLE {role: r.role}]->(s)
ON CREATE SET n.since = r.since, n.until = r.until
DELETE r
"""

MOVE_ACCOUNT_TEAM: LiteralString = """
MATCH (s:Company {id: $survivor}), (:Company {id: $merged})<-[r:ON_ACCOUNT_TEAM]-(x:TeamMember)
MERGE (x)-[n:ON_ACCOUNT_TEAM]->(s)
ON CREATE SET n.role = r.role
DELETE r
"""

#: A wallet estimate's id names its company: the survivor's own estimate with the same
#: identity wins, the others are re-keyed onto the survivor.
DROP_TAKEN_WALLET: LiteralString = """
MATCH (:Company {id: $merged})<-[:OF]-(w:WalletEstimate)
WHERE EXISTS { MATCH (t:WalletEstimate) WHERE t.id = $survivor + substring(w.id, size($merged)) }
DETACH DELETE w
"""

MOVE_WALLET: LiteralString = """
MATCH (s:Company {id: $survivor}), (:Company {id: $merged})<-[r:OF]-(w:WalletEstimate)
SET w.id = $survivor + substring(w.id, size($merged))
MERGE (w)-[:OF]->(s)
DELETE r
"""

FOLD_COMPANY: LiteralString = """
MATCH (s:Company {id: $survivor})
OPTIONAL MATCH (m:Company {id: $merged})
WITH s, m, coalesce(s.merged_ids, []) + coalesce(m.merged_ids, []) + [$merged] AS ids
SET s.merged_ids = reduce(acc = [], x IN ids |
  CASE WHEN x IN acc OR x = s.id THEN acc ELSE acc + x END)
WITH m WHERE m IS NOT NULL
DETACH DELETE m
"""

MOVE_REPORTS: LiteralString = """
MATCH (s:Person {id: $survivor}), (:Person {id: $merged})<-[r:REPORTS_TO]-(x:Person)
WHERE x <> s
MERGE (x)-[:REPORTS_TO]->(s)
DELETE r
"""

MOVE_PERSON_WITH: LiteralString = """
MATCH (s:Person {id: $survivor}), (:Person {id: $merged})<-[r:WITH]-(x)
MERGE (x)-[:WITH]->(s)
DELETE r
"""

MOVE_UNIT_ROLES: LiteralString = """
MATCH (s:Person {id: $survivor}), (:Person {id: $merged})-[r:HAS_ROLE]->(scope:BusinessUnit)
MERGE (s)-[n:HAS_ROLE {role: r.role}]->(scope)
ON CREATE SET n.since = r.since, n.until = r.until
"""

#: A company-wide role is one per person and role (its identity has no scope).
MOVE_COMPANY_WIDE_ROLES: LiteralString = """
MATCH (s:Person {id: $survivor}), (:Person {id: $merged})-[r:HAS_ROLE]->(scope:Company)
WHERE NOT EXISTS { MATCH (s)-[:HAS_ROLE {role: r.role}]->(:Company) }
CREATE (s)-[:HAS_ROLE {role: r.role, since: r.since, until: r.until}]->(scope)
"""

MOVE_CONTACTS: LiteralString = """
MATCH (s:Person {id: $survivor}), (:Person {id: $merged})-[r:CONTACT_ON]->(d:Deal)
MERGE (s)-[n:CONTACT_ON]->(d)
ON CREATE SET n.role = r.role
"""

MOVE_INFLUENCES_OUT: LiteralString = """
MATCH (s:Person {id: $survivor}), (m:Person {id: $merged})-[r:INFLUENCES]->(y:Person)
WHERE y <> s AND y <> m
MERGE (s)-[n:INFLUENCES]->(y)
ON CREATE SET n.strength = r.strength
"""

MOVE_INFLUENCES_IN: LiteralString = """
MATCH (s:Person {id: $survivor}), (m:Person {id: $merged})<-[r:INFLUENCES]-(y:Person)
WHERE y <> s AND y <> m
MERGE (y)-[n:INFLUENCES]->(s)
ON CREATE SET n.strength = r.strength
"""

MOVE_WORKED_WITH_OUT: LiteralString = """
MATCH (s:Person {id: $survivor}), (m:Person {id: $merged})-[r:WORKED_WITH]->(y:Person)
WHERE y <> s AND y <> m
MERGE (s)-[n:WORKED_WITH]->(y)
ON CREATE SET n.strength = r.strength
"""

MOVE_WORKED_WITH_IN: LiteralString = """
MATCH (s:Person {id: $survivor}), (m:Person {id: $merged})<-[r:WORKED_WITH]-(y:Person)
WHERE y <> s AND y <> m
MERGE (y)-[n:WORKED_WITH]->(s)
ON CREATE SET n.strength = r.strength
"""

MOVE_KNOWS_OUT: LiteralString = """
MATCH (s:Person {id: $survivor}), (m:Person {id: $merged})-[r:KNOWS]->(y:Person)
WHERE y <> s AND y <> m
MERGE (s)-[n:KNOWS]->(y)
ON CREATE SET n.strength = r.strength
"""

MOVE_KNOWS_IN: LiteralString = """
MATCH (s:Person {id: $survivor}), (m:Person {id: $merged})<-[r:KNOWS]-(y:Person)
WHERE y <> s AND y <> m
MERGE (y)-[n:KNOWS]->(s)
ON CREATE SET n.strength = r.strength
"""

FOLD_PERSON: LiteralString = """
MATCH (s:Person {id: $survivor})
OPTIONAL MATCH (m:Person {id: $merged})
WITH s, m, coalesce(s.merged_ids, []) + coalesce(m.merged_ids, []) + [$merged] AS ids
SET s.merged_ids = reduce(acc = [], x IN ids |
  CASE WHEN x IN acc OR x = s.id THEN acc ELSE acc + x END)
WITH m WHERE m IS NOT NULL
DETACH DELETE m
"""

#: Per merged kind: the reads for resolution, the survivor check, and the merge queries in order.
_RESOLUTION: dict[Kind, tuple[LiteralString, LiteralString, type[Record]]] = {
    Kind.COMPANIES: (RESOLUTION_COMPANIES, ALIASES_COMPANIES, Company),
    Kind.PEOPLE: (RESOLUTION_PEOPLE, ALIASES_PEOPLE, Person),
}

_MERGES: dict[Kind, tuple[LiteralString, tuple[LiteralString, ...]]] = {
    Kind.COMPANIES: (
        SURVIVOR_COMPANY,
        (
            MOVE_SUBSIDIARIES,
            MOVE_UNITS,
            MOVE_EMPLOYEES,
            MOVE_COMPANY_FOR,
            MOVE_COMPANY_ROLES,
            MOVE_ACCOUNT_TEAM,
            DROP_TAKEN_WALLET,
            MOVE_WALLET,
            FOLD_COMPANY,
        ),
    ),
    Kind.PEOPLE: (
        SURVIVOR_PERSON,
        (
            MOVE_REPORTS,
            MOVE_PERSON_WITH,
            MOVE_UNIT_ROLES,
            MOVE_COMPANY_WIDE_ROLES,
            MOVE_CONTACTS,
            MOVE_INFLUENCES_OUT,
            MOVE_INFLUENCES_IN,
            MOVE_WORKED_WITH_OUT,
            MOVE_WORKED_WITH_IN,
            MOVE_KNOWS_OUT,
            MOVE_KNOWS_IN,
            FOLD_PERSON,
        ),
    ),
}


def resolution_records(db: Connection, kind: Kind) -> ResolutionRecords:
    """Every complete company (or person) in id order, and the ids merged into them."""
    if kind not in _RESOLUTION:
        raise ValueError(f"only companies and people are merged, not {kind.value}")
    records_query, aliases_query, cls = _RESOLUTION[kind]
    records = [record_from_props(cls, r["props"]) for r in db.read(records_query)]
    have = {record_id(r) for r in records}
    aliases = {
        r["merged"]: r["survivor"] for r in db.read(aliases_query) if r["merged"] not in have
    }
    return ResolutionRecords(records=records, aliases=aliases)


def merge_into(
    db: Connection,
    kind: Kind,
    survivor_id: str,
    merged_ids: Sequence[str],
    audit: AuditRecord | None = None,
) -> None:
    """Fold ``merged_ids`` into ``survivor_id`` in one transaction (see ``Store.merge_into``),
    ``audit`` created in it when anything is merged."""
    if kind not in _MERGES:
        raise ValueError(f"only companies and people are merged, not {kind.value}")
    check, queries = _MERGES[kind]
    label = _RESOLUTION[kind][2].label
    merged = [m for m in dict.fromkeys(merged_ids) if m != survivor_id]

    def work(tx: ManagedTransaction) -> None:
        if tx.run(check, survivor=survivor_id).single() is None:
            raise ValueError(f"no {label} {survivor_id!r} to merge into")
        for merged_id in merged:
            for query in queries:
                tx.run(query, survivor=survivor_id, merged=merged_id).consume()
        if kind is Kind.PEOPLE:  # the survivor now has the merged people's touches
            tx.run(REFRESH_TOUCH_DAYS, ids=[survivor_id]).consume()
        if merged:
            write_audit(tx, audit)

    db.write(work)
