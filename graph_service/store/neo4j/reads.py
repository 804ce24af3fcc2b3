"""Read Cypher and the records built from its rows: each answer in one round trip."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any, LiteralString

import neo4j

from graph_service.domain import (
    ALL_SECTIONS,
    AccessRole,
    AccountFilter,
    AccountPage,
    AccountSections,
    AccountTeamMember,
    AccountView,
    BusinessUnit,
    BuyingRole,
    Company,
    Deal,
    DealContact,
    Direction,
    FxRate,
    GraphStats,
    Kind,
    NextAction,
    PathPerson,
    PathSubgraph,
    Person,
    Record,
    Relationship,
    Scope,
    TeamMember,
    Touch,
    TouchMark,
    TouchType,
    WalletEstimate,
    from_props,
)
from graph_service.store.neo4j.driver import Connection

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
    Kind.FX_RATES: "MATCH (n:FxRate) WHERE n.id IN $ids RETURN n.id AS id",
}

#: Every exchange rate, static rates (no valid_from) first within each currency.
FX_RATES: LiteralString = """
MATCH (r:FxRate)
RETURN r {.currency, .rate, .valid_from, .valid_to} AS props
ORDER BY r.currency, r.valid_from IS NOT NULL, r.valid_from
"""

#: How many deals and wallet estimates have their amount in each currency.
AMOUNT_CURRENCIES: LiteralString = """
CALL () {
  MATCH (d:Deal) WHERE d.currency IS NOT NULL RETURN d.currency AS currency
  UNION ALL
  MATCH (w:WalletEstimate) WHERE w.currency IS NOT NULL RETURN w.currency AS currency
}
RETURN currency, count(*) AS n
ORDER BY currency
"""

NODE_COUNTS: LiteralString = """
MATCH (n) WHERE NOT n:GraphVersion AND NOT n:AuditRecord
UNWIND labels(n) AS label
RETURN label, count(*) AS n
"""

RELATIONSHIP_COUNTS: LiteralString = """
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS n
"""

#: What follows the team members ``m`` of a scope (``Scope``): the companies on their
#: current account teams and every company in the subsidiary trees below those, complete
#: records only. Placed whole after a match of ``m``, never built from input.
_VISIBLE_BELOW_MEMBERS: LiteralString = """
WITH DISTINCT m
MATCH (m)-[r:ON_ACCOUNT_TEAM]->(a:Company)
WHERE r.retired_at IS NULL
WITH DISTINCT a
MATCH (c:Company)-[:SUBSIDIARY_OF*0..]->(a)
WHERE c.name IS NOT NULL
RETURN collect(DISTINCT c.id) AS ids
"""

#: The companies a rep sees: their accounts and those accounts' subsidiaries.
VISIBLE_TO_REP: LiteralString = (
    """
MATCH (m:TeamMember {id: $member_id})"""
    + _VISIBLE_BELOW_MEMBERS
)

#: The companies a manager sees: theirs and those of everyone below them in the team.
VISIBLE_TO_MANAGER: LiteralString = (
    """
MATCH (m:TeamMember)-[:REPORTS_TO*0..]->(:TeamMember {id: $member_id})"""
    + _VISIBLE_BELOW_MEMBERS
)

ACCOUNTS_PAGE: LiteralString = """
MATCH (c:Company)
WHERE c.name IS NOT NULL
  AND ($visible IS NULL OR c.id IN $visible)
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
         x {.*, parent_company_id: COLLECT {
           MATCH (x)-[:SUBSIDIARY_OF]->(p) WHERE $visible IS NULL OR p.id IN $visible
           RETURN p.id }[0]}
       ] AS companies
"""

#: The views of the accounts ``$company_ids`` (one row each, for those that exist), the parts
#: ``$s`` (:class:`~graph_service.domain.AccountSections`) asks
#: for: a part not asked for is an empty list, never read (a ``CASE`` on a parameter is decided
#: before its subquery runs). Members are those the returned parts name; with a touch limit,
#: the latest ``$touch_limit`` touches only, the newest first. A touch's moment comes as
#: [epoch seconds, nanosecond, offset seconds] (:func:`moment`): decoding the driver's temporal
#: values was a fifth of the service's busy time on touch-heavy accounts.
ACCOUNT_VIEW: LiteralString = """
UNWIND $company_ids AS company_id
MATCH (c:Company {id: company_id})
WHERE c.name IS NOT NULL AND ($visible IS NULL OR c.id IN $visible)
OPTIONAL MATCH (c)-[:SUBSIDIARY_OF]->(parent:Company)
WHERE $visible IS NULL OR parent.id IN $visible
WITH c, parent,
  CASE WHEN $s.account_team THEN COLLECT {
    MATCH (m:TeamMember)-[r:ON_ACCOUNT_TEAM]->(c)
    RETURN {company_id: c.id, member_id: m.id, role: r.role, retired_at: r.retired_at}
  } ELSE [] END AS account_team,
  CASE WHEN $s.deals THEN COLLECT {
    MATCH (d:Deal)-[:FOR]->(c)
    OPTIONAL MATCH (d)-[:IN_UNIT]->(b)
    OPTIONAL MATCH (d)-[:OWNED_BY]->(o)
    RETURN d {.*, company_id: c.id, bu_id: b.id, owner_id: o.id}
  } ELSE [] END AS deals,
  CASE
    WHEN NOT $s.touches THEN []
    WHEN $s.touch_limit IS NULL THEN COLLECT {
      MATCH (t:Touch)-[:WITH]->(p:Person)-[:WORKS_AT]->(c)
      OPTIONAL MATCH (t)-[:BY]->(m)
      OPTIONAL MATCH (t)-[:ABOUT]->(d)
      WITH t, p, m, d, t.occurred_at AS at
      RETURN t {.*, occurred_at: CASE WHEN at.offsetSeconds IS NULL THEN at
                                 ELSE [at.epochSeconds, at.nanosecond, at.offsetSeconds] END,
                person_id: p.id, member_id: m.id, deal_id: d.id}
    }
    ELSE COLLECT {
      MATCH (t:Touch)-[:WITH]->(p:Person)-[:WORKS_AT]->(c)
      WITH t, p ORDER BY t.occurred_at DESC, t.id DESC LIMIT $touch_limit
      OPTIONAL MATCH (t)-[:BY]->(m)
      OPTIONAL MATCH (t)-[:ABOUT]->(d)
      WITH t, p, m, d, t.occurred_at AS at
      RETURN t {.*, occurred_at: CASE WHEN at.offsetSeconds IS NULL THEN at
                                 ELSE [at.epochSeconds, at.nanosecond, at.offsetSeconds] END,
                person_id: p.id, member_id: m.id, deal_id: d.id}
    }
  END AS touches,
  CASE WHEN $s.next_actions THEN COLLECT {
    MATCH (a:NextAction)-[:FOR]->(c)
    OPTIONAL MATCH (a)-[:ASSIGNED_TO]->(m)
    OPTIONAL MATCH (a)-[:WITH]->(p)
    RETURN a {.*, company_id: c.id, member_id: m.id, person_id: p.id}
  } ELSE [] END AS next_actions
WITH c, parent, account_team, deals, touches, next_actions,
     [x IN account_team | x.member_id] + [x IN deals | x.owner_id]
     + [x IN touches | x.member_id] + [x IN next_actions | x.member_id] AS member_ids
RETURN
  c {.*, parent_company_id: parent.id} AS company,
  CASE WHEN parent.name IS NULL THEN null ELSE parent {
    .*, parent_company_id: COLLECT {
      MATCH (parent)-[:SUBSIDIARY_OF]->(g) WHERE $visible IS NULL OR g.id IN $visible
      RETURN g.id }[0]
  } END AS parent,
  COLLECT { MATCH (s:Company)-[:SUBSIDIARY_OF]->(c) WHERE $visible IS NULL OR s.id IN $visible
            RETURN s {.*, parent_company_id: c.id} } AS subsidiaries,
  CASE WHEN $s.business_units THEN COLLECT {
    MATCH (b:BusinessUnit)-[:PART_OF]->(c)
    OPTIONAL MATCH (b)-[:CHILD_OF]->(pb)
    RETURN b {.*, company_id: c.id, parent_bu_id: pb.id}
  } ELSE [] END AS business_units,
  CASE WHEN $s.people THEN COLLECT {
    MATCH (p:Person)-[:WORKS_AT]->(c)
    OPTIONAL MATCH (p)-[:IN_UNIT]->(b)
    OPTIONAL MATCH (p)-[:REPORTS_TO]->(m)
    RETURN p {.*, touch_days: null, engaged_days: null,
              company_id: c.id, bu_id: b.id, reports_to: m.id}
  } ELSE [] END AS people,
  CASE WHEN $s.buying_roles THEN COLLECT {
    MATCH (p:Person)-[:WORKS_AT]->(c)
    MATCH (p)-[r:HAS_ROLE]->(scope)
    RETURN {person_id: p.id, role: r.role, since: r.since, until: r.until,
            retired_at: r.retired_at,
            bu_id: CASE WHEN scope:BusinessUnit THEN scope.id END}
  } ELSE [] END AS buying_roles,
  CASE WHEN $s.relationships THEN COLLECT {
    CALL (c) {
      MATCH (a:Person)-[:WORKS_AT]->(c)
      MATCH (a)-[r:INFLUENCES|WORKED_WITH|KNOWS]->(b:Person)
      RETURN a, r, b
      UNION
      MATCH (b:Person)-[:WORKS_AT]->(c)
      MATCH (a:Person)-[r:INFLUENCES|WORKED_WITH|KNOWS]->(b)
      RETURN a, r, b
    }
    // In a scope, a tie to a person at a hidden company is left out.
    WITH a, r, b
    WHERE $visible IS NULL
       OR (EXISTS { (a)-[:WORKS_AT]->(x:Company) WHERE x.id IN $visible }
           AND EXISTS { (b)-[:WORKS_AT]->(y:Company) WHERE y.id IN $visible })
    RETURN {from_person_id: a.id, to_person_id: b.id, type: toLower(type(r)),
            strength: r.strength, retired_at: r.retired_at}
  } ELSE [] END AS relationships,
  account_team,
  COLLECT { MATCH (m:TeamMember) WHERE m.id IN member_ids AND m.full_name IS NOT NULL
            OPTIONAL MATCH (m)-[:REPORTS_TO]->(mg)
            RETURN m {.*, manager_id: mg.id} } AS members,
  deals,
  CASE WHEN $s.deal_contacts THEN COLLECT {
    MATCH (p:Person)-[r:CONTACT_ON]->(d:Deal)-[:FOR]->(c)
    // In a scope, a contact at a hidden company is left out.
    WHERE $visible IS NULL
       OR EXISTS { (p)-[:WORKS_AT]->(x:Company) WHERE x.id IN $visible }
    RETURN {deal_id: d.id, person_id: p.id, role: r.role}
  } ELSE [] END AS deal_contacts,
  touches,
  CASE WHEN $s.touch_count
       THEN COUNT { (:Touch)-[:WITH]->(:Person)-[:WORKS_AT]->(c) } END AS touch_count,
  next_actions,
  CASE WHEN $s.wallet THEN COLLECT {
    MATCH (w:WalletEstimate)-[:OF]->(c)
    OPTIONAL MATCH (w)-[:IN_UNIT]->(b)
    RETURN w {.*, company_id: c.id, bu_id: b.id}
  } ELSE [] END AS wallet
"""

PATH_SUBGRAPH: LiteralString = """
MATCH (c:Company {id: $company_id})
WHERE c.name IS NOT NULL AND ($visible IS NULL OR c.id IN $visible)
CALL (c) {
  // In a scope, the visible subsidiaries reached through visible ones.
  MATCH chain = (co:Company)-[:SUBSIDIARY_OF*0..]->(c)
  WHERE $visible IS NULL OR all(n IN nodes(chain) WHERE n.id IN $visible)
  RETURN collect(DISTINCT co) AS family
}
CALL (family) {
  UNWIND family AS co
  MATCH (p:Person)-[:WORKS_AT]->(co)
  OPTIONAL MATCH (p)-[:REPORTS_TO]->(m)
  // Lists, not bare values: collect() drops nulls and would misalign the columns.
  RETURN collect([p.id, m.id, p.left_at, p.retired_at]) AS person_rows, collect(p) AS people
}
CALL (family, people) {
  UNWIND people AS a
  MATCH (a)-[r:INFLUENCES|WORKED_WITH|KNOWS]->(b:Person)-[:WORKS_AT]->(co)
  WHERE co IN family
  RETURN collect({from_person_id: a.id, to_person_id: b.id, type: toLower(type(r)),
                  strength: r.strength, retired_at: r.retired_at}) AS relationships
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

PING: LiteralString = "RETURN 1 AS ok"


def existing_ids(db: Connection, kind: Kind, ids: Collection[str]) -> set[str]:
    if not ids:
        return set()
    return {r["id"] for r in db.read(EXISTING_IDS[kind], ids=list(ids))}


def fx_rates(db: Connection) -> list[FxRate]:
    rates = [record_from_props(FxRate, r["props"]) for r in db.read(FX_RATES)]
    return [r for r in rates if isinstance(r, FxRate)]


def amount_currencies(db: Connection) -> dict[str, int]:
    return {r["currency"]: r["n"] for r in db.read(AMOUNT_CURRENCIES)}


def stats(db: Connection) -> GraphStats:
    nodes = {r["label"]: r["n"] for r in db.read(NODE_COUNTS)}
    rels = {r["type"]: r["n"] for r in db.read(RELATIONSHIP_COUNTS)}
    return GraphStats(nodes=nodes, relationships=rels)


def visible_company_ids(db: Connection, scope: Scope) -> frozenset[str] | None:
    if scope.sees_everything or scope.member_id is None:
        return None
    query = VISIBLE_TO_MANAGER if scope.role is AccessRole.MANAGER else VISIBLE_TO_REP
    (row,) = db.read(query, member_id=scope.member_id)
    return frozenset(row["ids"])


def accounts(
    db: Connection,
    *,
    first: int,
    after: str | None,
    where: AccountFilter,
    visible: frozenset[str] | None = None,
) -> AccountPage:
    (row,) = db.read(
        ACCOUNTS_PAGE,
        visible=_ids(visible),
        first=first,
        after=after,
        industry=where.industry,
        country=where.country,
        owner_id=where.owner_id,
        name_contains=where.name_contains,
    )
    companies = [record_from_props(Company, c) for c in row["companies"]]
    return AccountPage(
        companies=[c for c in companies if isinstance(c, Company)],
        has_next=bool(row["has_next"]),
        total=int(row["total"]),
    )


def account_params(
    company_ids: Sequence[str], visible: frozenset[str] | None, sections: AccountSections
) -> dict[str, Any]:
    """The parameters of :data:`ACCOUNT_VIEW`."""
    return {
        "company_ids": list(company_ids),
        "visible": _ids(visible),
        "s": sections.params(),
        "touch_limit": max(0, sections.touch_limit or 0),
    }


def account(
    db: Connection,
    company_id: str,
    *,
    visible: frozenset[str] | None = None,
    sections: AccountSections = ALL_SECTIONS,
) -> AccountView | None:
    found = account_views(db, [company_id], visible=visible, sections=sections)
    return found[0] if found else None


def account_views(
    db: Connection,
    company_ids: Sequence[str],
    *,
    visible: frozenset[str] | None = None,
    sections: AccountSections = ALL_SECTIONS,
) -> list[AccountView]:
    """The views of those of ``company_ids`` that exist (and are among ``visible``), in the
    order given, in one round trip."""
    wanted = [i for i in dict.fromkeys(company_ids) if visible is None or i in visible]
    if not wanted:
        return []  # the query would find nothing either: spare the round trip
    rows = db.read(ACCOUNT_VIEW, **account_params(wanted, visible, sections))
    views = {v.company.id: v for v in map(_view, rows)}
    return [views[i] for i in wanted if i in views]


def moment(value: Any) -> Any:
    """A moment sent as [epoch seconds, nanosecond, offset seconds], as a Python datetime at
    that offset (to the microsecond); anything else as it is.

    >>> moment([1763600400, 123456789, 32400]).isoformat()
    '2025-11-20T10:00:00.123456+09:00'
    """
    if not isinstance(value, list):
        return value
    seconds, nanosecond, offset = value
    at = datetime.fromtimestamp(seconds, timezone(timedelta(seconds=offset)))
    return at.replace(microsecond=nanosecond // 1000)


def _view(row: Any) -> AccountView:
    def many(key: str, cls: type[Any]) -> list[Any]:
        return [record_from_props(cls, item) for item in row[key]]

    def touches() -> list[Any]:
        return [
            record_from_props(Touch, {**t, "occurred_at": moment(t["occurred_at"])})
            for t in row["touches"]
        ]

    return AccountView(
        company=record_from_props(Company, row["company"]),  # type: ignore[arg-type]
        parent=record_from_props(Company, row["parent"]) if row["parent"] else None,  # type: ignore[arg-type]
        subsidiaries=many("subsidiaries", Company),
        business_units=many("business_units", BusinessUnit),
        people=many("people", Person),
        buying_roles=many("buying_roles", BuyingRole),
        relationships=many("relationships", Relationship),
        account_team=many("account_team", AccountTeamMember),
        members=many("members", TeamMember),
        deals=many("deals", Deal),
        deal_contacts=many("deal_contacts", DealContact),
        touches=touches(),
        next_actions=many("next_actions", NextAction),
        wallet=many("wallet", WalletEstimate),
        touch_count=row["touch_count"],
    )


def path_subgraph(
    db: Connection, company_id: str, *, visible: frozenset[str] | None = None
) -> PathSubgraph | None:
    if visible is not None and company_id not in visible:
        return None
    rows = db.read(PATH_SUBGRAPH, company_id=company_id, visible=_ids(visible))
    if not rows:
        return None
    row = rows[0]
    return PathSubgraph(
        company_id=company_id,
        people=[
            PathPerson(pid, manager, _native(left), _native(retired))
            for pid, manager, left, retired in row["person_rows"]
        ],
        relationships=[record_from_props(Relationship, r) for r in row["relationships"]],  # type: ignore[misc]
        touches=_touch_marks(row["touches"]),
        account_team=sorted(row["account_team"]),
    )


def data_version(db: Connection) -> str:
    # An auto-commit read: one round trip where a managed transaction takes three.
    row = db.read_single(DATA_VERSION)
    return str(row["token"]) if row else ""


def ping(db: Connection) -> None:
    db.read(PING)


_TOUCH_TYPES = {t.value: t for t in TouchType}
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


def _ids(visible: frozenset[str] | None) -> list[str] | None:
    """A scope's visible ids as a query parameter (``null``: every company)."""
    return None if visible is None else sorted(visible)


#: The driver's temporal types, made Python ``date`` / ``datetime`` by :func:`_native`.
_DRIVER_TEMPORAL = frozenset({neo4j.time.DateTime, neo4j.time.Date})


def _native(value: Any) -> Any:
    """Driver temporal values as Python ``date`` / ``datetime``."""
    if type(value) in _DRIVER_TEMPORAL:
        return value.to_native()
    return value


def record_from_props(cls: type[Record], props: dict[str, Any]) -> Record:
    """A record of ``cls`` from a node's properties (driver temporal values made native)."""
    return from_props(cls, props, _native)
