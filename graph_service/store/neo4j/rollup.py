"""The portfolio rollup: its scans (Cypher constants) and the assembler that joins them.

One rollup per company, assembled in Python from one scan per kind of fact, each grouped by
company in Cypher where that makes fewer rows. Each scan returns one record holding a list
of rows: streaming many small records costs more than the scan itself; dates travel as ISO
text (the driver's temporal values cost ~20 us each to decode). The scans run side by side
(``rollup_workers``).
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date, timedelta
from typing import Any, LiteralString, cast

from graph_service.bulk import gc_paused
from graph_service.domain import (
    AccountFacts,
    Company,
    NextAction,
    Role,
    RoleHolding,
    Unconverted,
    from_value_rows,
)
from graph_service.money import Rates, company_in_reporting_currency
from graph_service.store.neo4j.driver import Connection
from graph_service.store.neo4j.schema import person_summaries_kept
from graph_service.store.neo4j.writes import ENGAGED_DAYS_OF_P, TOUCH_DAYS_OF_P

#: The portfolio rollup's queries run this many side by side by default (``rollup_workers``).
DEFAULT_ROLLUP_WORKERS = 4

#: Companies as their field values in :class:`Company` order (the parent comes from
#: ``ROLLUP_PARENTS``): a list per company costs less to send and rebuild than a map.
ROLLUP_COMPANIES: LiteralString = """
MATCH (c:Company)
WHERE c.name IS NOT NULL
  AND (c.retired_at IS NULL OR c.retired_at > $as_of) // as_of.is_current
  AND ($visible IS NULL OR c.id IN $visible)
RETURN collect([c.id, c.name, c.domain, c.industry, c.employees, c.annual_revenue, c.country,
                null, c.corporate_number, c.annual_revenue_currency,
                toString(c.retired_at)]) AS rows
"""

#: Parent links and account teams are read from their relationships, not from each company:
#: a company's own relationships are many (its people, deals, units), its links few.
ROLLUP_PARENTS: LiteralString = """
MATCH (c:Company)-[:SUBSIDIARY_OF]->(parent:Company)
WHERE $visible IS NULL OR (c.id IN $visible AND parent.id IN $visible)
RETURN collect([c.id, parent.id]) AS rows
"""

ROLLUP_ACCOUNT_TEAMS: LiteralString = """
MATCH (m:TeamMember)-[r:ON_ACCOUNT_TEAM]->(c:Company)
WHERE (r.retired_at IS NULL OR r.retired_at > $as_of) // as_of.is_current
  AND ($visible IS NULL OR c.id IN $visible)
RETURN {company_ids: collect(c.id), member_ids: collect(m.id)} AS rows
"""

#: The rate of currency ``cur`` on day ``day`` against the reporting currency, or null: the
#: dated rate valid on the day, else the static rate (:mod:`graph_service.money`'s rule, on
#: ``Rates.cypher_params``). ``cur`` and ``day`` are bound before it; it is placed in a query
#: as a whole, never built from input.
RATE_OF_CUR_ON_DAY: LiteralString = """
CASE WHEN cur = $reporting THEN 1.0 ELSE coalesce(
  head([r IN coalesce($dated_rates[cur], [])
        WHERE day IS NOT NULL AND r.valid_from <= day AND (r.valid_to IS NULL OR day < r.valid_to)
        | r.rate]),
  $static_rates[cur]) END
"""

#: Won deals closed by ``$as_of`` and deals open on it, one row each (grouping them in
#: Cypher makes hardly fewer rows: most accounts have a deal or two). A won deal's amount is
#: converted on its close date; where its currency has no rate, the amount is null and the
#: deal's id, amount and currency follow.
ROLLUP_DEALS: LiteralString = (
    """
MATCH (d:Deal)-[:FOR]->(c:Company)
WHERE ((d.stage = 'won' AND d.close_date <= $as_of)
   OR (NOT d.stage IN ['won', 'lost'] AND (d.created_date IS NULL OR d.created_date <= $as_of)))
  AND (d.retired_at IS NULL OR d.retired_at > $as_of) // as_of.is_current
  AND ($visible IS NULL OR c.id IN $visible)
WITH c, d, coalesce(d.currency, $base) AS cur, d.close_date AS day
WITH c, d, CASE WHEN d.stage <> 'won' OR d.amount IS NULL THEN 1.0 ELSE """
    + RATE_OF_CUR_ON_DAY
    + """ END AS rate
RETURN collect([
  c.id, d.stage = 'won', d.close_date > $spend_start, coalesce(d.category, ''),
  coalesce(d.channel, ''), coalesce(d.amount, 0.0) / rate, toString(d.close_date),
  CASE WHEN rate IS NULL THEN [d.id, d.amount, d.currency] END
]) AS rows
"""
)

#: Touches of the last two engagement windows by company, counted on the person summaries
#: of the people touched since ``$prior_start`` (found through the ``last_touch_day`` index);
#: ``engaged`` are the people with an exchange in the recent window (``engaged_days``).
ROLLUP_TOUCHES: LiteralString = """
MATCH (p:Person)
WHERE p.last_touch_day > $prior_start AND ($visible IS NULL OR p.employer_id IN $visible)
WITH p.employer_id AS id, p.id AS person_id,
     size([d IN p.touch_days WHERE $recent_start < d <= $as_of]) AS recent,
     size([d IN p.touch_days WHERE $prior_start < d <= $recent_start]) AS prior,
     any(d IN p.engaged_days WHERE $recent_start < d <= $as_of) AS engaged
WHERE recent > 0 OR prior > 0
WITH id, sum(recent) AS recent, sum(prior) AS prior,
     collect(CASE WHEN engaged THEN person_id END) AS engaged
RETURN collect([id, recent, prior, engaged]) AS rows
"""

#: The same where summaries may be missing (a database an older abmgraph wrote, before its
#: next load): every person and their company through ``WORKS_AT``, their touches read where
#: they have no touch summary.
ROLLUP_TOUCHES_BY_RELATIONSHIPS: LiteralString = (
    """
MATCH (p:Person)-[:WORKS_AT]->(c:Company)
WHERE $visible IS NULL OR c.id IN $visible
WITH c, p, CASE WHEN p.touch_days IS NOT NULL THEN p.touch_days ELSE """
    + TOUCH_DAYS_OF_P
    + """ END AS days
WITH c, p, days, CASE WHEN p.engaged_days IS NOT NULL THEN p.engaged_days ELSE """
    + ENGAGED_DAYS_OF_P
    + """ END AS exchanges
WITH c, p, size([d IN days WHERE $recent_start < d <= $as_of]) AS recent,
     size([d IN days WHERE $prior_start < d <= $recent_start]) AS prior,
     any(d IN exchanges WHERE $recent_start < d <= $as_of) AS engaged
WHERE recent > 0 OR prior > 0
WITH c.id AS id, sum(recent) AS recent, sum(prior) AS prior,
     collect(CASE WHEN engaged THEN p.id END) AS engaged
RETURN collect([id, recent, prior, engaged]) AS rows
"""
)

#: Which ``HAS_ROLE`` relationships ``r`` from person ``p`` to ``scope`` count on ``$as_of``:
#: held then (``since <= $as_of < until``, as ``as_of.role_held_on``), by a person still at
#: the company, with the person, the role and its unit not retired by then
#: (``as_of.current_view``). Placed whole after a ``WHERE``, never built from input.
ROLE_COUNTS_ON_AS_OF: LiteralString = """
(p.left_at IS NULL OR p.left_at > $as_of)
  AND (r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until > $as_of)
  AND (p.retired_at IS NULL OR p.retired_at > $as_of)
  AND (r.retired_at IS NULL OR r.retired_at > $as_of)
  AND (scope.retired_at IS NULL OR scope.retired_at > $as_of)
"""

#: Buying roles (and champions) that count on ``$as_of``, by the employer id the person
#: keeps: one list per column (``_Rollup._add_roles`` reads them by name).
ROLLUP_ROLES: LiteralString = (
    """
MATCH (p:Person)-[r:HAS_ROLE]->(scope)
WHERE """
    + ROLE_COUNTS_ON_AS_OF
    + """
  AND ($visible IS NULL OR p.employer_id IN $visible)
RETURN {company_ids: collect(coalesce(p.employer_id, '')), roles: collect(r.role),
        person_ids: collect(p.id)} AS rows
"""
)

#: The same where employer ids may be missing, through ``WORKS_AT``.
ROLLUP_ROLES_BY_RELATIONSHIPS: LiteralString = (
    """
MATCH (p:Person)-[r:HAS_ROLE]->(scope)
WHERE """
    + ROLE_COUNTS_ON_AS_OF
    + """
MATCH (p)-[:WORKS_AT]->(c:Company)
WHERE $visible IS NULL OR c.id IN $visible
RETURN {company_ids: collect(c.id), roles: collect(r.role), person_ids: collect(p.id)} AS rows
"""
)

#: Each company's explicit wallet per category as of ``$as_of`` (``AccountFacts``): of each
#: (unit, category), the latest estimate on or before it, converted on its as-of date; per
#: category the company-wide one (no unit), else the sum of the units' (added in unit id
#: order, as the Python side does). Estimates with no rate are left out (the category's
#: wallet is null when nothing is left) and follow as [id, amount, currency].
ROLLUP_WALLET: LiteralString = (
    """
MATCH (w:WalletEstimate)-[:OF]->(c:Company)
WHERE w.as_of <= $as_of AND ($visible IS NULL OR c.id IN $visible)
OPTIONAL MATCH (w)-[:IN_UNIT]->(b)
WITH c.id AS id, b.id AS unit, w
ORDER BY w.as_of DESC
WITH id, unit, w.category AS category, head(collect(w)) AS w
WITH id, unit, category, w, coalesce(w.currency, $base) AS cur, w.as_of AS day
WITH id, unit, category, w, """
    + RATE_OF_CUR_ON_DAY
    + """ AS rate
ORDER BY id, category, unit
WITH id, category,
     collect(CASE WHEN unit IS NULL THEN w.amount / rate END) AS company_wide,
     collect(CASE WHEN unit IS NOT NULL THEN w.amount / rate END) AS units,
     collect(CASE WHEN rate IS NULL THEN
       [id + '|' + coalesce(unit, '') + '|' + category + '|' + toString(w.as_of),
        w.amount, w.currency] END) AS unconverted
RETURN collect([
  id, category,
  CASE WHEN size(company_wide) > 0 THEN company_wide[0]
       WHEN size(units) > 0 THEN reduce(total = 0.0, a IN units | total + a) END,
  unconverted
]) AS rows
"""
)

#: Each company's earliest-due action not marked done, as its field values in
#: :class:`NextAction` order.
ROLLUP_NEXT_ACTIONS: LiteralString = """
MATCH (a:NextAction)-[:FOR]->(c:Company)
WHERE (a.status IS NULL OR a.status <> 'done') AND ($visible IS NULL OR c.id IN $visible)
WITH c, a ORDER BY a.due_date, a.id
WITH c, head(collect(a)) AS a
OPTIONAL MATCH (a)-[:ASSIGNED_TO]->(m)
OPTIONAL MATCH (a)-[:WITH]->(p)
RETURN collect([a.id, c.id, m.id, toString(a.due_date), a.description, p.id, a.status]) AS rows
"""


def portfolio_facts(
    db: Connection,
    as_of: date,
    *,
    engagement_days: int,
    spend_window_days: int,
    rates: Rates,
    workers: int,
    visible: frozenset[str] | None = None,
) -> list[AccountFacts]:
    """One rollup per company in id order, from the scans run ``workers`` side by side.

    With ``visible``, every scan reads the visible companies only (``$visible``, a list of
    ids; ``null`` reads them all), so that nothing of a hidden account leaves the database.

    Deals and wallet estimates are converted into the reporting currency in Cypher, where they
    are added up; companies' annual revenue as they are rebuilt.

    The scans are separate read transactions: a write committed while they run may show in
    some of them and not in others.
    """
    params = {
        "as_of": as_of,
        "spend_start": as_of - timedelta(days=spend_window_days),
        "recent_start": as_of - timedelta(days=engagement_days),
        "prior_start": as_of - timedelta(days=2 * engagement_days),
        "visible": None if visible is None else sorted(visible),
        **rates.cypher_params(),
    }
    # The parent links first (they take no time, and companies are rebuilt once they are
    # in), then the longest scans, so that the short ones fill in beside them.
    kept = person_summaries_kept(db)
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

    def scan(query: LiteralString) -> Any:
        return db.read(query, **params)[0]["rows"]

    # Each scan's rows are taken in as it finishes, while the others still run. Rebuilding
    # a few hundred thousand small lists would otherwise set off many full garbage
    # collections, none of which can free anything until the rollup is done.
    rollup = _Rollup(rates, as_of)
    with gc_paused():
        if workers <= 1:
            for kind, query in scans.items():
                rollup.add(kind, scan(query))
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="rollup") as pool:
                running = {pool.submit(scan, query): kind for kind, query in scans.items()}
                for done in as_completed(running):
                    rollup.add(running[done], done.result())
        return rollup.facts()


_ROLES = {r.value: r for r in Role}

#: Where a ``ROLLUP_COMPANIES`` value list holds the company's id and its parent (sent as
#: ``null``, filled in from ``ROLLUP_PARENTS``): the positions of those fields among
#: :class:`Company`'s, the order :func:`~graph_service.domain.from_value_rows` reads them in,
#: looked up once by name.
_COMPANY_FIELDS = [f.name for f in dataclasses.fields(Company)]
_COMPANY_ID = _COMPANY_FIELDS.index("id")
_COMPANY_PARENT = _COMPANY_FIELDS.index("parent_company_id")


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
    text, and other rows as lists unpacked in the order their scan's comment and Cypher give
    (or, for a scan sending one list per column, as a map of the columns by name).
    :meth:`facts` joins the kinds by company id.
    """

    def __init__(self, rates: Rates, as_of: date) -> None:
        self.rates, self.as_of = rates, as_of
        self.unconverted: dict[str, list[Unconverted]] = {}
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

    def add(self, kind: str, rows: Any) -> None:
        """Take one scan's rows, a list or a map of columns (``kind`` names the scan)."""
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
        parents, id_at, parent_at = self.parents, _COMPANY_ID, _COMPANY_PARENT
        for values in self.company_rows:
            values[parent_at] = parents.get(values[id_at])
        companies = []
        for record in cast(list[Company], from_value_rows(Company, self.company_rows)):
            company, left_out = record, None
            if record.annual_revenue is not None:
                company, left_out = company_in_reporting_currency(record, self.rates, self.as_of)
            if left_out is not None:
                self.unconverted.setdefault(company.id, []).append(left_out)
            companies.append(company)
        self.companies = sorted(companies, key=lambda c: c.id)
        self.company_rows = []

    def _add_teams(self, columns: dict[str, list[str]]) -> None:
        for cid, member_id in zip(columns["company_ids"], columns["member_ids"], strict=True):
            self.owners.setdefault(cid, []).append(member_id)

    def _add_deals(self, rows: list[list[Any]]) -> None:
        for cid, won, in_window, category, channel, converted, close_date, left_out in rows:
            d = self.deals.get(cid)
            if d is None:
                d = self.deals[cid] = _no_deals()
            if not won:
                d["open_deals"] += 1
                continue
            if left_out is not None:
                deal_id, original, currency = left_out
                self.unconverted.setdefault(cid, []).append(
                    Unconverted("deal", deal_id, cid, original, currency)
                )
            amount = 0.0 if converted is None else converted
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

    def _add_roles(self, columns: dict[str, list[str]]) -> None:
        self.role_rows = list(
            zip(columns["company_ids"], columns["roles"], columns["person_ids"], strict=True)
        )
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
        for cid, category, amount, left_out in rows:  # in company and category order
            for record_id, original, currency in left_out:
                self.unconverted.setdefault(cid, []).append(
                    Unconverted("wallet", record_id, cid, original, currency)
                )
            if amount is None:
                continue
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
                    unconverted=sorted(self.unconverted.get(cid, ())),
                    currency=self.rates.reporting,
                )
            )
        return out
