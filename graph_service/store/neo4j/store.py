"""The Neo4j store: the account graph on a Neo4j 5 server, through the official driver only.

Every query is a module constant with ``$parameters``; batches are written with
``UNWIND $rows`` in managed transactions (``execute_write``), so the driver retries transient
failures. References between records are relationships, never id properties: a person's
company is its ``WORKS_AT`` relationship, and reads put the ids back into the records.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date, timedelta
from pathlib import Path
from typing import Any, LiteralString, cast

import neo4j
from neo4j import GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, ServiceUnavailable

from graph_service.bulk import gc_paused
from graph_service.domain import (
    AccountFacts,
    AccountFilter,
    AccountPage,
    AccountTeamMember,
    AccountView,
    BusinessUnit,
    BuyingRole,
    Company,
    Deal,
    DealContact,
    Direction,
    GraphStats,
    Kind,
    NextAction,
    PathPerson,
    PathSubgraph,
    Person,
    Record,
    Relationship,
    RelationshipType,
    ResolutionRecords,
    Role,
    RoleHolding,
    TeamMember,
    Touch,
    TouchMark,
    TouchType,
    WalletEstimate,
    from_row,
    from_value_rows,
    record_id,
    to_row,
)
from graph_service.errors import StoreUnavailableError

# -- writes ------------------------------------------------------------------------------------

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

#: The highest-volume write: after the old links are deleted the new ones are created, not
#: merged (a batch has one row per id, see ``Neo4jStore.upsert``), in subqueries that skip a
#: missing reference (~25% less server time than OPTIONAL MATCH + FOREACH MERGE).
UPSERT_TOUCHES: LiteralString = """
UNWIND $rows AS row
MERGE (n:Touch {id: row.id})
SET n += row.props, n.occurred_at = datetime(row.occurred_at)
// The local calendar day, kept beside the timestamp for the rollups' window counts.
SET n.day = date(n.occurred_at)
WITH n, row
CALL (n) { OPTIONAL MATCH (n)-[old:BY|WITH|ABOUT]->() DELETE old }
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

#: People the touches ``$ids`` are with now (before an upsert may move them to someone else).
TOUCHED_PEOPLE: LiteralString = """
UNWIND $ids AS id
MATCH (:Touch {id: id})-[:WITH]->(p:Person)
RETURN DISTINCT p.id AS id
"""

#: The per-person touch summary the portfolio rollup reads instead of every touch, set on
#: ``p``: the days of all the person's touches in order, and the last of them (indexed, so the
#: rollup visits only people touched lately).
SET_TOUCH_SUMMARY_OF_P: LiteralString = (
    """
SET p.touch_days = """
    + TOUCH_DAYS_OF_P
    + """
SET p.last_touch_day = p.touch_days[-1]
"""
)

#: Refreshed in the transaction of every touch write and person merge that can change it.
REFRESH_TOUCH_DAYS: LiteralString = (
    """
UNWIND $ids AS id
MATCH (p:Person {id: id})"""
    + SET_TOUCH_SUMMARY_OF_P
)

#: Fills in the touch summaries of people written before they were kept (``ensure_schema``).
BACKFILL_TOUCH_DAYS: LiteralString = (
    """
MATCH (p:Person)
WHERE (p.touch_days IS NULL OR p.last_touch_day IS NULL)
  AND EXISTS { MATCH (p)<-[:WITH]-(:Touch) }
CALL (p) {"""
    + SET_TOUCH_SUMMARY_OF_P
    + """} IN TRANSACTIONS OF 10000 ROWS
"""
)

#: Fills in the employer ids of people written before they were kept (``ensure_schema``).
BACKFILL_EMPLOYER_IDS: LiteralString = """
MATCH (p:Person)-[:WORKS_AT]->(c:Company)
WHERE p.employer_id IS NULL OR p.employer_id <> c.id
CALL (p, c) { SET p.employer_id = c.id } IN TRANSACTIONS OF 10000 ROWS
"""

#: What each person keeps for the portfolio rollup, by version: 1 the touch summary
#: (``touch_days``, ``last_touch_day``), 2 also ``employer_id`` (the id of the company they
#: work at, beside the ``WORKS_AT`` relationship: a person has many relationships, so
#: finding that one costs more than reading a property).
PERSON_SUMMARIES_VERSION = 2

#: Whether every person's summaries are known to be kept: ``ensure_schema`` sets the version
#: on the version node once its backfills have run (every abmgraph write keeps them from then
#: on); a database written by an older abmgraph lacks it until its next load.
PERSON_SUMMARIES_KEPT: LiteralString = """
MATCH (v:GraphVersion {id: 'graph'})
RETURN coalesce(v.person_summaries, 0) >= $version AS kept
"""

MARK_PERSON_SUMMARIES_KEPT: LiteralString = """
MERGE (v:GraphVersion {id: 'graph'})
SET v.person_summaries = $version
"""

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
SET r.since = row.since
"""

UPSERT_UNIT_ROLES: LiteralString = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MATCH (scope:BusinessUnit {id: row.bu_id})
MERGE (p)-[r:HAS_ROLE {role: row.role}]->(scope)
SET r.since = row.since
"""

UPSERT_INFLUENCES: LiteralString = """
UNWIND $rows AS row
MATCH (a:Person {id: row.from_person_id})
MATCH (b:Person {id: row.to_person_id})
MERGE (a)-[r:INFLUENCES]->(b)
SET r.strength = row.strength
"""

UPSERT_WORKED_WITH: LiteralString = """
UNWIND $rows AS row
MATCH (a:Person {id: row.from_person_id})
MATCH (b:Person {id: row.to_person_id})
MERGE (a)-[r:WORKED_WITH]->(b)
SET r.strength = row.strength
"""

UPSERT_KNOWS: LiteralString = """
UNWIND $rows AS row
MATCH (a:Person {id: row.from_person_id})
MATCH (b:Person {id: row.to_person_id})
MERGE (a)-[r:KNOWS]->(b)
SET r.strength = row.strength
"""

UPSERT_ACCOUNT_TEAM: LiteralString = """
UNWIND $rows AS row
MATCH (m:TeamMember {id: row.member_id})
MATCH (c:Company {id: row.company_id})
MERGE (m)-[r:ON_ACCOUNT_TEAM]->(c)
SET r.role = row.role
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

# -- reads -------------------------------------------------------------------------------------

#: Ids of complete records (a bare node, created by a forward reference, lacks the property).
EXISTING_IDS: dict[Kind, LiteralString] = {
    Kind.COMPANIES: "MATCH (n:Company) WHERE n.id IN $ids AND n.name IS NOT NULL RETURN n.id AS id",
    Kind.BUSINESS_UNITS: (
        "MATCH (n:BusinessUnit) WHERE n.id IN $ids AND n.name IS NOT NULL RETURN n.id AS id"
    ),
    Kind.PEOPLE: (
        "MATCH (n:Person) WHERE n.id IN $ids AND n.full_name IS NOT NULL RETURN n.id AS id"
    ),
    Kind.TEAM: (
        "MATCH (n:TeamMember) WHERE n.id IN $ids AND n.full_name IS NOT NULL RETURN n.id AS id"
    ),
    Kind.DEALS: "MATCH (n:Deal) WHERE n.id IN $ids AND n.stage IS NOT NULL RETURN n.id AS id",
    Kind.TOUCHES: "MATCH (n:Touch) WHERE n.id IN $ids RETURN n.id AS id",
    Kind.NEXT_ACTIONS: "MATCH (n:NextAction) WHERE n.id IN $ids RETURN n.id AS id",
    Kind.WALLET: "MATCH (n:WalletEstimate) WHERE n.id IN $ids RETURN n.id AS id",
}

NODE_COUNTS: LiteralString = """
MATCH (n) WHERE NOT n:GraphVersion
UNWIND labels(n) AS label
RETURN label, count(*) AS n
"""

RELATIONSHIP_COUNTS: LiteralString = """
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS n
"""

ACCOUNTS_PAGE: LiteralString = """
MATCH (c:Company)
WHERE c.name IS NOT NULL
  AND ($industry IS NULL OR c.industry = $industry)
  AND ($country IS NULL OR c.country = $country)
  AND ($name_contains IS NULL OR toLower(c.name) CONTAINS toLower($name_contains))
  AND ($owner_id IS NULL OR EXISTS { (:TeamMember {id: $owner_id})-[:ON_ACCOUNT_TEAM]->(c) })
WITH c ORDER BY c.id
WITH collect(c) AS matched
WITH size(matched) AS total, [x IN matched WHERE $after IS NULL OR x.id > $after] AS rest
RETURN total,
       size(rest) > $first AS has_next,
       [x IN rest[0..$first] |
         x {.*, parent_company_id: COLLECT { MATCH (x)-[:SUBSIDIARY_OF]->(p) RETURN p.id }[0]}
       ] AS companies
"""

ACCOUNT_VIEW: LiteralString = """
MATCH (c:Company {id: $company_id})
WHERE c.name IS NOT NULL
OPTIONAL MATCH (c)-[:SUBSIDIARY_OF]->(parent:Company)
RETURN
  c {.*, parent_company_id: parent.id} AS company,
  CASE WHEN parent.name IS NULL THEN null ELSE parent {
    .*, parent_company_id: COLLECT { MATCH (parent)-[:SUBSIDIARY_OF]->(g) RETURN g.id }[0]
  } END AS parent,
  COLLECT { MATCH (s:Company)-[:SUBSIDIARY_OF]->(c) RETURN s {.*, parent_company_id: c.id} }
    AS subsidiaries,
  COLLECT { MATCH (b:BusinessUnit)-[:PART_OF]->(c)
            OPTIONAL MATCH (b)-[:CHILD_OF]->(pb)
            RETURN b {.*, company_id: c.id, parent_bu_id: pb.id} } AS business_units,
  COLLECT { MATCH (p:Person)-[:WORKS_AT]->(c)
            OPTIONAL MATCH (p)-[:IN_UNIT]->(b)
            OPTIONAL MATCH (p)-[:REPORTS_TO]->(m)
            RETURN p {.*, touch_days: null,
                      company_id: c.id, bu_id: b.id, reports_to: m.id} } AS people,
  COLLECT { MATCH (p:Person)-[:WORKS_AT]->(c)
            MATCH (p)-[r:HAS_ROLE]->(scope)
            RETURN {person_id: p.id, role: r.role, since: r.since,
                    bu_id: CASE WHEN scope:BusinessUnit THEN scope.id END} } AS buying_roles,
  COLLECT { CALL (c) {
              MATCH (a:Person)-[:WORKS_AT]->(c)
              MATCH (a)-[r:INFLUENCES|WORKED_WITH|KNOWS]->(b:Person)
              RETURN a, r, b
              UNION
              MATCH (b:Person)-[:WORKS_AT]->(c)
              MATCH (a:Person)-[r:INFLUENCES|WORKED_WITH|KNOWS]->(b)
              RETURN a, r, b
            }
            RETURN {from_person_id: a.id, to_person_id: b.id, type: toLower(type(r)),
                    strength: r.strength} } AS relationships,
  COLLECT { MATCH (m:TeamMember)-[r:ON_ACCOUNT_TEAM]->(c)
            RETURN {company_id: c.id, member_id: m.id, role: r.role} } AS account_team,
  COLLECT { CALL (c) {
              MATCH (m:TeamMember)-[:ON_ACCOUNT_TEAM]->(c) RETURN m
              UNION MATCH (m:TeamMember)<-[:OWNED_BY]-(:Deal)-[:FOR]->(c) RETURN m
              UNION MATCH (m:TeamMember)<-[:BY]-(:Touch)-[:WITH]->(:Person)-[:WORKS_AT]->(c)
                    RETURN m
              UNION MATCH (m:TeamMember)<-[:ASSIGNED_TO]-(:NextAction)-[:FOR]->(c) RETURN m
            }
            WITH DISTINCT m WHERE m.full_name IS NOT NULL
            OPTIONAL MATCH (m)-[:REPORTS_TO]->(mg)
            RETURN m {.*, manager_id: mg.id} } AS members,
  COLLECT { MATCH (d:Deal)-[:FOR]->(c)
            OPTIONAL MATCH (d)-[:IN_UNIT]->(b)
            OPTIONAL MATCH (d)-[:OWNED_BY]->(o)
            RETURN d {.*, company_id: c.id, bu_id: b.id, owner_id: o.id} } AS deals,
  COLLECT { MATCH (p:Person)-[r:CONTACT_ON]->(d:Deal)-[:FOR]->(c)
            RETURN {deal_id: d.id, person_id: p.id, role: r.role} } AS deal_contacts,
  COLLECT { MATCH (t:Touch)-[:WITH]->(p:Person)-[:WORKS_AT]->(c)
            OPTIONAL MATCH (t)-[:BY]->(m)
            OPTIONAL MATCH (t)-[:ABOUT]->(d)
            RETURN t {.*, person_id: p.id, member_id: m.id, deal_id: d.id} } AS touches,
  COLLECT { MATCH (a:NextAction)-[:FOR]->(c)
            OPTIONAL MATCH (a)-[:ASSIGNED_TO]->(m)
            OPTIONAL MATCH (a)-[:WITH]->(p)
            RETURN a {.*, company_id: c.id, member_id: m.id, person_id: p.id} } AS next_actions,
  COLLECT { MATCH (w:WalletEstimate)-[:OF]->(c)
            OPTIONAL MATCH (w)-[:IN_UNIT]->(b)
            RETURN w {.*, company_id: c.id, bu_id: b.id} } AS wallet
"""

PATH_SUBGRAPH: LiteralString = """
MATCH (c:Company {id: $company_id})
WHERE c.name IS NOT NULL
CALL (c) {
  MATCH (co:Company)-[:SUBSIDIARY_OF*0..]->(c)
  RETURN collect(DISTINCT co) AS family
}
CALL (family) {
  UNWIND family AS co
  MATCH (p:Person)-[:WORKS_AT]->(co)
  OPTIONAL MATCH (p)-[:REPORTS_TO]->(m)
  // Lists, not bare values: collect() drops nulls and would misalign the columns.
  RETURN collect([p.id, m.id, p.left_at]) AS person_rows, collect(p) AS people
}
CALL (family, people) {
  UNWIND people AS a
  MATCH (a)-[r:INFLUENCES|WORKED_WITH|KNOWS]->(b:Person)-[:WORKS_AT]->(co)
  WHERE co IN family
  RETURN collect({from_person_id: a.id, to_person_id: b.id, type: toLower(type(r)),
                  strength: r.strength}) AS relationships
}
CALL (people) {
  UNWIND people AS p
  MATCH (m:TeamMember)<-[:BY]-(t:Touch)-[:WITH]->(p)
  // The local day as a yyyymmdd number: temporal values cost far more to send and decode.
  WITH m.id AS member_id, p.id AS person_id, t, t.occurred_at AS at
  WITH member_id, person_id,
       collect([at.year * 10000 + at.month * 100 + at.day, t.type, t.direction]) AS marks
  RETURN collect([member_id, person_id, marks]) AS touches
}
RETURN person_rows, relationships, touches,
       COLLECT { MATCH (m:TeamMember)-[:ON_ACCOUNT_TEAM]->(c) RETURN m.id } AS account_team
"""

DATA_VERSION: LiteralString = "MATCH (v:GraphVersion {id: 'graph'}) RETURN v.token AS token"

BUMP_DATA_VERSION: LiteralString = """
MERGE (v:GraphVersion {id: 'graph'})
SET v.token = $token
"""

#: The portfolio rollup's queries run this many side by side by default (``rollup_workers``).
DEFAULT_ROLLUP_WORKERS = 4

# -- portfolio rollup ---------------------------------------------------------------------------
#
# One rollup per company, assembled in Python from one scan per kind of fact, each grouped by
# company in Cypher where that makes fewer rows. Each scan returns one record holding a list
# of rows: streaming many small records costs more than the scan itself; dates travel as ISO
# text (the driver's temporal values cost ~20 us each to decode). The scans run side by side
# (``rollup_workers``).

#: Companies as their field values in :class:`Company` order (the parent comes from
#: ``ROLLUP_PARENTS``): a list per company costs less to send and rebuild than a map.
ROLLUP_COMPANIES: LiteralString = """
MATCH (c:Company)
WHERE c.name IS NOT NULL
RETURN collect([c.id, c.name, c.domain, c.industry, c.employees, c.annual_revenue, c.country,
                null, c.corporate_number]) AS rows
"""

#: Parent links and account teams are read from their relationships, not from each company:
#: a company's own relationships are many (its people, deals, units), its links few.
ROLLUP_PARENTS: LiteralString = """
MATCH (c:Company)-[:SUBSIDIARY_OF]->(parent:Company)
RETURN collect([c.id, parent.id]) AS rows
"""

ROLLUP_ACCOUNT_TEAMS: LiteralString = """
MATCH (m:TeamMember)-[:ON_ACCOUNT_TEAM]->(c:Company)
RETURN [collect(c.id), collect(m.id)] AS rows
"""

#: Won deals closed by ``$as_of`` and deals open on it, one row each (grouping them in
#: Cypher makes hardly fewer rows: most accounts have a deal or two).
ROLLUP_DEALS: LiteralString = """
MATCH (d:Deal)-[:FOR]->(c:Company)
WHERE (d.stage = 'won' AND d.close_date <= $as_of)
   OR (NOT d.stage IN ['won', 'lost'] AND (d.created_date IS NULL OR d.created_date <= $as_of))
RETURN collect([
  c.id, d.stage = 'won', d.close_date > $spend_start, coalesce(d.category, ''),
  coalesce(d.channel, ''), coalesce(d.amount, 0.0), toString(d.close_date)
]) AS rows
"""

#: Touches of the last two engagement windows by company, counted on the person summaries
#: of the people touched since ``$prior_start`` (found through the ``last_touch_day`` index);
#: ``engaged`` are the people touched in the recent window.
ROLLUP_TOUCHES: LiteralString = """
MATCH (p:Person)
WHERE p.last_touch_day > $prior_start
WITH p.employer_id AS id, p.id AS person_id,
     size([d IN p.touch_days WHERE $recent_start < d <= $as_of]) AS recent,
     size([d IN p.touch_days WHERE $prior_start < d <= $recent_start]) AS prior
WHERE recent > 0 OR prior > 0
WITH id, sum(recent) AS recent, sum(prior) AS prior,
     collect(CASE WHEN recent > 0 THEN person_id END) AS engaged
RETURN collect([id, recent, prior, engaged]) AS rows
"""

#: The same where summaries may be missing (a database an older abmgraph wrote, before its
#: next load): every person and their company through ``WORKS_AT``, their touches read where
#: they have no touch summary.
ROLLUP_TOUCHES_BY_RELATIONSHIPS: LiteralString = (
    """
MATCH (p:Person)-[:WORKS_AT]->(c:Company)
WITH c, p, CASE WHEN p.touch_days IS NOT NULL THEN p.touch_days ELSE """
    + TOUCH_DAYS_OF_P
    + """ END AS days
WITH c, p, size([d IN days WHERE $recent_start < d <= $as_of]) AS recent,
     size([d IN days WHERE $prior_start < d <= $recent_start]) AS prior
WHERE recent > 0 OR prior > 0
WITH c.id AS id, sum(recent) AS recent, sum(prior) AS prior,
     collect(CASE WHEN recent > 0 THEN p.id END) AS engaged
RETURN collect([id, recent, prior, engaged]) AS rows
"""
)

#: Buying roles (and champions) of people still at the company on ``$as_of``, by the
#: employer id the person keeps.
ROLLUP_ROLES: LiteralString = """
MATCH (p:Person)-[r:HAS_ROLE]->()
WHERE p.left_at IS NULL OR p.left_at > $as_of
RETURN [collect(coalesce(p.employer_id, '')), collect(r.role), collect(p.id)] AS rows
"""

#: The same where employer ids may be missing, through ``WORKS_AT``.
ROLLUP_ROLES_BY_RELATIONSHIPS: LiteralString = """
MATCH (p:Person)-[r:HAS_ROLE]->()
WHERE p.left_at IS NULL OR p.left_at > $as_of
MATCH (p)-[:WORKS_AT]->(c:Company)
RETURN [collect(c.id), collect(r.role), collect(p.id)] AS rows
"""

#: Each company's explicit wallet per category as of ``$as_of`` (``AccountFacts``): of each
#: (unit, category), the latest estimate on or before it; per category the company-wide one
#: (no unit), else the sum of the units' (added in unit id order, as the Python side does).
ROLLUP_WALLET: LiteralString = """
MATCH (w:WalletEstimate)-[:OF]->(c:Company)
WHERE w.as_of <= $as_of
OPTIONAL MATCH (w)-[:IN_UNIT]->(b)
WITH c.id AS id, b.id AS unit, w.category AS category, w.amount AS amount
ORDER BY w.as_of DESC
WITH id, unit, category, head(collect(amount)) AS amount
ORDER BY id, category, unit
WITH id, category, collect(CASE WHEN unit IS NULL THEN amount END) AS company_wide,
     collect(CASE WHEN unit IS NOT NULL THEN amount END) AS units
RETURN collect([
  id, category,
  CASE WHEN size(company_wide) > 0 THEN company_wide[0]
       ELSE reduce(total = 0.0, a IN units | total + a) END
]) AS rows
"""

#: Each company's earliest-due action not marked done, as its field values in
#: :class:`NextAction` order.
ROLLUP_NEXT_ACTIONS: LiteralString = """
MATCH (a:NextAction)-[:FOR]->(c:Company)
WHERE a.status IS NULL OR a.status <> 'done'
WITH c, a ORDER BY a.due_date, a.id
WITH c, head(collect(a)) AS a
OPTIONAL MATCH (a)-[:ASSIGNED_TO]->(m)
OPTIONAL MATCH (a)-[:WITH]->(p)
RETURN collect([a.id, c.id, m.id, toString(a.due_date), a.description, p.id, a.status]) AS rows
"""

# -- entity resolution -------------------------------------------------------------------------
#
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
RETURN n {.*, touch_days: null, employer_id: null, company_id: c.id, bu_id: b.id,
          reports_to: m.id} AS props
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
ON CREATE SET n.since = r.since
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
ON CREATE SET n.since = r.since
"""

#: A company-wide role is one per person and role (its identity has no scope).
MOVE_COMPANY_WIDE_ROLES: LiteralString = """
MATCH (s:Person {id: $survivor}), (:Person {id: $merged})-[r:HAS_ROLE]->(scope:Company)
WHERE NOT EXISTS { MATCH (s)-[:HAS_ROLE {role: r.role}]->(:Company) }
CREATE (s)-[:HAS_ROLE {role: r.role, since: r.since}]->(scope)
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

PING: LiteralString = "RETURN 1 AS ok"

CLEAR_ALL: LiteralString = """
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
"""


def load_constraints(path: Path | None = None) -> list[str]:
    """The statements of ``schema/constraints.cypher`` (comments dropped)."""
    path = path or schema_dir() / "constraints.cypher"
    text = "\n".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("//")
    )
    return [s.strip() for s in text.split(";") if s.strip()]


def schema_dir() -> Path:
    """Where ``constraints.cypher`` and ``schema.graphql`` live (repo or installed wheel)."""
    here = Path(__file__).resolve()  # graph_service/store/neo4j/<module>.py
    packaged = here.parents[2] / "_schema"
    return packaged if packaged.is_dir() else here.parents[3] / "schema"


class Neo4jStore:
    """The Store protocol on a Neo4j 5 server."""

    def __init__(
        self,
        uri: str,
        *,
        auth: tuple[str, str] | None = None,
        database: str = "neo4j",
        rollup_workers: int = DEFAULT_ROLLUP_WORKERS,
    ) -> None:
        self.uri = uri
        self.database = database
        self.rollup_workers = rollup_workers
        try:
            # Schema-less warnings ("property does not exist yet") are noise for users.
            self._driver = GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")
        except ValueError as exc:
            raise StoreUnavailableError(f"invalid Neo4j URI {uri!r}: {exc}") from exc

    # -- plumbing ------------------------------------------------------------------------------

    def _read(self, query: LiteralString, **params: Any) -> list[neo4j.Record]:
        try:
            records, _, _ = self._driver.execute_query(
                query, params, database_=self.database, routing_=neo4j.RoutingControl.READ
            )
        except (ServiceUnavailable, AuthError) as exc:
            raise StoreUnavailableError(f"Neo4j at {self.uri}: {exc}") from exc
        return records

    def _write(self, work: Callable[[ManagedTransaction], None]) -> None:
        """Run ``work`` in one managed transaction that also moves the data version on."""

        def versioned(tx: ManagedTransaction) -> None:
            work(tx)
            tx.run(BUMP_DATA_VERSION, token=uuid.uuid4().hex).consume()

        try:
            with self._driver.session(database=self.database) as session:
                session.execute_write(versioned)
        except (ServiceUnavailable, AuthError) as exc:
            raise StoreUnavailableError(f"Neo4j at {self.uri}: {exc}") from exc

    # -- Store protocol ------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Constraints and indexes, then (once) the person summaries an older writer left out."""
        for statement in load_constraints():
            self._run_schema(statement)
        if self._person_summaries_kept():
            return
        try:
            with self._driver.session(database=self.database) as session:
                session.run(BACKFILL_TOUCH_DAYS).consume()
                session.run(BACKFILL_EMPLOYER_IDS).consume()
        except (ServiceUnavailable, AuthError) as exc:
            raise StoreUnavailableError(f"Neo4j at {self.uri}: {exc}") from exc

        def mark(tx: ManagedTransaction) -> None:
            tx.run(MARK_PERSON_SUMMARIES_KEPT, version=PERSON_SUMMARIES_VERSION).consume()

        self._write(mark)

    def _person_summaries_kept(self) -> bool:
        rows = self._read(PERSON_SUMMARIES_KEPT, version=PERSON_SUMMARIES_VERSION)
        return bool(rows and rows[0]["kept"])

    def _run_schema(self, statement: str) -> None:
        try:
            with self._driver.session(database=self.database) as session:
                # The statement comes from our own schema file, never from user input.
                session.run(statement).consume()
        except (ServiceUnavailable, AuthError) as exc:
            raise StoreUnavailableError(f"Neo4j at {self.uri}: {exc}") from exc

    def upsert(self, kind: Kind, records: Sequence[Record]) -> None:
        if not records:
            return
        if kind in _NODE_WRITES:
            query, links = _NODE_WRITES[kind]
            text = _DATETIME_FIELDS.get(kind, ())
            # One row per id, the later one winning (a batch may repeat an id).
            by_id = {row["id"]: row for row in (_node_row(r, links, text) for r in records)}
            rows = list(by_id.values())
            if kind is Kind.TOUCHES:
                self._write(lambda tx: _write_touches(tx, rows))
            else:
                self._write(lambda tx: _run(tx, query, rows))
        elif kind is Kind.BUYING_ROLES:
            roles = [r for r in records if isinstance(r, BuyingRole)]
            company = [_edge_row(r) for r in roles if r.bu_id is None]
            unit = [_edge_row(r) for r in roles if r.bu_id is not None]

            def roles_work(tx: ManagedTransaction) -> None:
                _run(tx, UPSERT_COMPANY_ROLES, company)
                _run(tx, UPSERT_UNIT_ROLES, unit)

            self._write(roles_work)
        elif kind is Kind.RELATIONSHIPS:
            rels = [r for r in records if isinstance(r, Relationship)]

            def work(tx: ManagedTransaction) -> None:
                for rel_type, query in _RELATIONSHIP_WRITES.items():
                    _run(tx, query, [_edge_row(r) for r in rels if r.type is rel_type])

            self._write(work)
        elif kind is Kind.ACCOUNT_TEAM:
            rows = [_edge_row(r) for r in records]
            self._write(lambda tx: _run(tx, UPSERT_ACCOUNT_TEAM, rows))
        elif kind is Kind.DEAL_CONTACTS:
            rows = [_edge_row(r) for r in records]
            self._write(lambda tx: _run(tx, UPSERT_DEAL_CONTACTS, rows))
        else:  # pragma: no cover - every kind is handled above
            raise ValueError(f"unknown kind {kind}")

    def existing_ids(self, kind: Kind, ids: Collection[str]) -> set[str]:
        if not ids:
            return set()
        return {r["id"] for r in self._read(EXISTING_IDS[kind], ids=list(ids))}

    def resolution_records(self, kind: Kind) -> ResolutionRecords:
        if kind not in _RESOLUTION:
            raise ValueError(f"only companies and people are merged, not {kind.value}")
        records_query, aliases_query, cls = _RESOLUTION[kind]
        records = [_record(cls, r["props"]) for r in self._read(records_query)]
        have = {record_id(r) for r in records}
        aliases = {
            r["merged"]: r["survivor"] for r in self._read(aliases_query) if r["merged"] not in have
        }
        return ResolutionRecords(records=records, aliases=aliases)

    def merge_into(self, kind: Kind, survivor_id: str, merged_ids: Sequence[str]) -> None:
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

        self._write(work)

    def stats(self) -> GraphStats:
        nodes = {r["label"]: r["n"] for r in self._read(NODE_COUNTS)}
        rels = {r["type"]: r["n"] for r in self._read(RELATIONSHIP_COUNTS)}
        return GraphStats(nodes=nodes, relationships=rels)

    def accounts(self, *, first: int, after: str | None, where: AccountFilter) -> AccountPage:
        (row,) = self._read(
            ACCOUNTS_PAGE,
            first=first,
            after=after,
            industry=where.industry,
            country=where.country,
            owner_id=where.owner_id,
            name_contains=where.name_contains,
        )
        companies = [_record(Company, c) for c in row["companies"]]
        return AccountPage(
            companies=[c for c in companies if isinstance(c, Company)],
            has_next=bool(row["has_next"]),
            total=int(row["total"]),
        )

    def account(self, company_id: str) -> AccountView | None:
        rows = self._read(ACCOUNT_VIEW, company_id=company_id)
        if not rows:
            return None
        row = rows[0]

        def many(key: str, cls: type[Any]) -> list[Any]:
            return [_record(cls, item) for item in row[key]]

        return AccountView(
            company=_record(Company, row["company"]),  # type: ignore[arg-type]
            parent=_record(Company, row["parent"]) if row["parent"] else None,  # type: ignore[arg-type]
            subsidiaries=many("subsidiaries", Company),
            business_units=many("business_units", BusinessUnit),
            people=many("people", Person),
            buying_roles=many("buying_roles", BuyingRole),
            relationships=many("relationships", Relationship),
            account_team=many("account_team", AccountTeamMember),
            members=many("members", TeamMember),
            deals=many("deals", Deal),
            deal_contacts=many("deal_contacts", DealContact),
            touches=many("touches", Touch),
            next_actions=many("next_actions", NextAction),
            wallet=many("wallet", WalletEstimate),
        )

    def path_subgraph(self, company_id: str) -> PathSubgraph | None:
        rows = self._read(PATH_SUBGRAPH, company_id=company_id)
        if not rows:
            return None
        row = rows[0]
        return PathSubgraph(
            company_id=company_id,
            people=[
                PathPerson(pid, manager, _native(left)) for pid, manager, left in row["person_rows"]
            ],
            relationships=[_record(Relationship, r) for r in row["relationships"]],  # type: ignore[misc]
            touches=_touch_marks(row["touches"]),
            account_team=sorted(row["account_team"]),
        )

    def data_version(self) -> str:
        # An auto-commit read: one round trip where a managed transaction takes three.
        try:
            with self._driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                row = session.run(DATA_VERSION).single()
        except (ServiceUnavailable, AuthError) as exc:
            raise StoreUnavailableError(f"Neo4j at {self.uri}: {exc}") from exc
        return str(row["token"]) if row else ""

    def portfolio_facts(
        self, as_of: date, *, engagement_days: int, spend_window_days: int
    ) -> list[AccountFacts]:
        """Rolled up in Cypher, one scan per kind of fact, side by side (``rollup_workers``).

        The scans are separate read transactions: a write committed while they run may show in
        some of them and not in others.
        """
        params = {
            "as_of": as_of,
            "spend_start": as_of - timedelta(days=spend_window_days),
            "recent_start": as_of - timedelta(days=engagement_days),
            "prior_start": as_of - timedelta(days=2 * engagement_days),
        }
        # The parent links first (they take no time, and companies are rebuilt once they are
        # in), then the longest scans, so that the short ones fill in beside them.
        kept = self._person_summaries_kept()
        scans = {
            "parents": ROLLUP_PARENTS,
            "roles": ROLLUP_ROLES if kept else ROLLUP_ROLES_BY_RELATIONSHIPS,
            "touches": ROLLUP_TOUCHES if kept else ROLLUP_TOUCHES_BY_RELATIONSHIPS,
            "deals": ROLLUP_DEALS,
            "wallet": ROLLUP_WALLET,
            "companies": ROLLUP_COMPANIES,
            "teams": ROLLUP_ACCOUNT_TEAMS,
            "actions": ROLLUP_NEXT_ACTIONS,
        }

        def scan(query: LiteralString) -> list[Any]:
            rows: list[Any] = self._read(query, **params)[0]["rows"]
            return rows

        # Each scan's rows are taken in as it finishes, while the others still run. Rebuilding
        # a few hundred thousand small lists would otherwise set off many full garbage
        # collections, none of which can free anything until the rollup is done.
        rollup = _Rollup()
        with gc_paused():
            if self.rollup_workers <= 1:
                for kind, query in scans.items():
                    rollup.add(kind, scan(query))
            else:
                with ThreadPoolExecutor(self.rollup_workers, thread_name_prefix="rollup") as pool:
                    running = {pool.submit(scan, query): kind for kind, query in scans.items()}
                    for done in as_completed(running):
                        rollup.add(running[done], done.result())
            return rollup.facts()

    def ping(self) -> None:
        self._read(PING)

    def clear(self) -> None:
        """Delete every node and relationship (for tests and ``--replace`` loads)."""
        try:
            with self._driver.session(database=self.database) as session:
                session.run(CLEAR_ALL).consume()
            self._write(lambda tx: None)
        except (ServiceUnavailable, AuthError) as exc:
            raise StoreUnavailableError(f"Neo4j at {self.uri}: {exc}") from exc

    def close(self) -> None:
        self._driver.close()


_TOUCH_TYPES = {t.value: t for t in TouchType}
_ROLES = {r.value: r for r in Role}
_DIRECTIONS: dict[str | None, Direction | None] = {d.value: d for d in Direction}


def _touch_marks(groups: list[list[Any]]) -> list[TouchMark]:
    """Touch marks from ``[member_id, person_id, [[yyyymmdd, type, direction], ...]]`` rows."""
    days: dict[int, date] = {}
    out = []
    for member_id, person_id, marks in groups:
        for number, kind, direction in marks:
            day = days.get(number)
            if day is None:
                day = days[number] = date(number // 10000, number // 100 % 100, number % 100)
            out.append(
                TouchMark(member_id, person_id, day, _TOUCH_TYPES[kind], _DIRECTIONS.get(direction))
            )
    return out


def _no_deals() -> dict[str, Any]:
    """An account's deal figures before its deals are added (a new dict each time)."""
    return {
        "won_window_spend": 0.0,
        "won_window_count": 0,
        "won_all_spend": 0.0,
        "won_all_count": 0,
        "last_won": None,
        "open_deals": 0,
        "spend_by_category": {},
        "spend_by_channel": {},
    }


class _Rollup:
    """The portfolio rollup built up from its scans' rows, each kind as soon as it arrives.

    The scans send records as their field values in declaration order, with dates as ISO
    text. :meth:`facts` joins the kinds by company id.
    """

    def __init__(self) -> None:
        self.company_rows: list[list[Any]] | None = None
        self.parents: dict[str, str] | None = None
        self.companies: list[Company] = []
        self.owners: dict[str, list[str]] = {}
        self.deals: dict[str, dict[str, Any]] = {}
        self.touches: dict[str, tuple[int, int]] = {}
        self.engaged: set[tuple[str, str]] | None = None
        self.role_rows: list[tuple[str, str, str]] | None = None
        self.roles: dict[str, list[RoleHolding]] = {}
        self.wallet: dict[str, dict[str, float]] = {}
        self.actions: dict[str, NextAction] = {}

    def add(self, kind: str, rows: list[Any]) -> None:
        """Take one scan's rows (``kind`` names the scan)."""
        getattr(self, f"_add_{kind}")(rows)

    def _add_companies(self, rows: list[list[Any]]) -> None:
        self.company_rows = rows
        self._rebuild_companies()

    def _add_parents(self, rows: list[list[str]]) -> None:
        self.parents = dict(rows)
        self._rebuild_companies()

    def _rebuild_companies(self) -> None:
        """Companies become records once both they and the parent links are in."""
        if self.company_rows is None or self.parents is None:
            return
        for values in self.company_rows:
            values[7] = self.parents.get(values[0])
        self.companies = sorted(
            cast(list[Company], from_value_rows(Company, self.company_rows)), key=lambda c: c.id
        )
        self.company_rows = []

    def _add_teams(self, columns: list[list[str]]) -> None:
        for cid, member_id in zip(*columns, strict=True):
            self.owners.setdefault(cid, []).append(member_id)

    def _add_deals(self, rows: list[list[Any]]) -> None:
        for cid, won, in_window, category, channel, amount, close_date in rows:
            d = self.deals.get(cid)
            if d is None:
                d = self.deals[cid] = _no_deals()
            if not won:
                d["open_deals"] += 1
                continue
            d["won_all_spend"] += amount
            d["won_all_count"] += 1
            if d["last_won"] is None or close_date > d["last_won"]:  # ISO dates sort as dates
                d["last_won"] = close_date
            if in_window:
                d["won_window_spend"] += amount
                d["won_window_count"] += 1
                by_category, by_channel = d["spend_by_category"], d["spend_by_channel"]
                by_category[category] = by_category.get(category, 0.0) + amount
                by_channel[channel] = by_channel.get(channel, 0.0) + amount
        for d in self.deals.values():
            if isinstance(d["last_won"], str):
                d["last_won"] = date.fromisoformat(d["last_won"])

    def _add_touches(self, rows: list[list[Any]]) -> None:
        self.engaged = set()
        for cid, recent, prior, people in rows:
            self.touches[cid] = (recent, prior)
            self.engaged.update((cid, pid) for pid in people)
        self._hold_roles()

    def _add_roles(self, columns: list[list[str]]) -> None:
        self.role_rows = list(zip(*columns, strict=True))
        self._hold_roles()

    def _hold_roles(self) -> None:
        """Roles become holdings once both they and the engaged people are in."""
        if self.role_rows is None or self.engaged is None:
            return
        engaged, roles = self.engaged, self.roles
        for cid, role, pid in self.role_rows:
            holding = RoleHolding(_ROLES[role], pid, (cid, pid) in engaged)
            if (held := roles.get(cid)) is None:
                roles[cid] = [holding]
            else:
                held.append(holding)
        self.role_rows = []

    def _add_wallet(self, rows: list[list[Any]]) -> None:
        for cid, category, amount in rows:  # in company and category order
            if (wallet := self.wallet.get(cid)) is None:
                self.wallet[cid] = {category: amount}
            else:
                wallet[category] = amount

    def _add_actions(self, rows: list[list[Any]]) -> None:
        for action in cast(list[NextAction], from_value_rows(NextAction, rows)):
            self.actions[action.company_id] = action

    def facts(self) -> list[AccountFacts]:
        """One :class:`AccountFacts` per company, in id order."""
        out = []
        for company in self.companies:
            cid = company.id
            deals = self.deals.get(cid)
            recent, prior = self.touches.get(cid, (0, 0))
            out.append(
                AccountFacts(
                    company=company,
                    owner_ids=sorted(self.owners.get(cid, ())),
                    **(deals or _no_deals()),
                    wallet_by_category=self.wallet.get(cid, {}),
                    touches_recent=recent,
                    touches_prior=prior,
                    roles=self.roles.get(cid, []),
                    next_action=self.actions.get(cid),
                )
            )
        return out


def _run(tx: ManagedTransaction, query: LiteralString, rows: list[dict[str, Any]]) -> None:
    if rows:
        tx.run(query, rows=rows).consume()


def _write_touches(tx: ManagedTransaction, rows: list[dict[str, Any]]) -> None:
    """Upsert touches, then refresh the touch days of everyone they were or now are with."""
    before = tx.run(TOUCHED_PEOPLE, ids=[row["id"] for row in rows]).value("id")
    _run(tx, UPSERT_TOUCHES, rows)
    people = set(before) | {row["person_id"] for row in rows if row["person_id"] is not None}
    tx.run(REFRESH_TOUCH_DAYS, ids=sorted(people)).consume()


def _node_row(record: Record, links: tuple[str, ...], text: tuple[str, ...] = ()) -> dict[str, Any]:
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


def _native(value: Any) -> Any:
    """Driver temporal values as Python ``date`` / ``datetime``."""
    if isinstance(value, neo4j.time.DateTime | neo4j.time.Date):
        return value.to_native()
    return value


def _record(cls: type[Record], props: dict[str, Any]) -> Record:
    return from_row(cls, {k: _native(v) for k, v in props.items()})
