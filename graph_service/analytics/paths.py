"""Influence paths: the strongest warm paths from our people to a person at an account.

The path graph of an account (its people and those of its subsidiaries, and our members who
touched them) has these edges, each with a strength in (0, 1]:

* member -> person: the touch strength of the member's touches with the person
  (:func:`~graph_service.analytics.engagement.touch_strength`); only members start paths;
* person <-> person: reports-to (0.7, either direction) and ties (influences 0.6,
  worked with 0.5, knows 0.3, or the tie's own ``strength``); where two people share several
  ties, the strongest counts.

People who have left are never a hop. A path's **strength** is the product of its hops'
strengths; the k strongest simple paths (k = 3, at most 6 hops) are the k cheapest under the
cost ``-log(strength)``, found by a hop-bounded best-first search (:func:`influence_paths`).
Searches only read the path graph, so threads may share one.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import islice, pairwise

import networkx as nx

from graph_service.analytics.coverage import CoverageReport, RoleCell, coverage, unit_ancestors
from graph_service.analytics.engagement import (
    DEFAULT,
    Engagement,
    Standing,
    summarize,
    touch_strength,
)
from graph_service.analytics.params import AnalyticsParams
from graph_service.as_of import (
    TouchLike,
    current,
    current_view,
    has_left,
    is_current,
    is_open_at,
    roles_held_on,
)
from graph_service.domain import AccountView, PathSubgraph, Person, Role, Seniority

_SOURCE = "__source__"


def member_node(member_id: str) -> str:
    return f"m:{member_id}"


def person_node(person_id: str) -> str:
    return f"p:{person_id}"


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path and why it is strong."""

    from_id: str
    from_kind: str  # "member" or "person"
    to_id: str
    strength: float
    reason: str


@dataclass(frozen=True, slots=True)
class InfluencePath:
    """A path from one of our members to the target person."""

    member_id: str
    hops: list[Hop]
    strength: float

    @property
    def person_ids(self) -> list[str]:
        return [h.to_id for h in self.hops]


def path_graph(sub: PathSubgraph, as_of: date, params: AnalyticsParams = DEFAULT) -> nx.DiGraph:
    """The weighted path graph of an account family's path subgraph.

    Nodes are ``p:<person id>`` (people who have not left) and ``m:<member id>`` (members with a
    touch strength above zero to one of them); every edge carries ``strength``, ``cost``
    (``-log(strength)``) and either ``reason`` (person ties) or ``touches`` (member hops).
    """
    people = {p.id: p for p in sub.people if not has_left(p, as_of) and is_current(p, as_of)}
    ties: dict[tuple[str, str], tuple[float, str]] = {}

    def tie(a: str, b: str, strength: float, reason_ab: str, reason_ba: str) -> None:
        if a not in people or b not in people or a == b:
            return
        for key, why in (((a, b), reason_ab), ((b, a), reason_ba)):
            seen = ties.get(key)
            if seen is None or seen[0] < strength:
                ties[key] = (strength, why)

    for p in people.values():
        if p.reports_to:
            tie(p.id, p.reports_to, params.reports_to_strength, "reports to", "manages")
    for r in current(sub.relationships, as_of):  # without ties a snapshot load retired
        s = r.strength if r.strength is not None else params.tie_strengths[r.type]
        if s <= 0:
            continue
        label = r.type.value.replace("_", " ")
        back = {"influences": "is influenced by"}.get(label, label)
        tie(r.from_person_id, r.to_person_id, s, label, back)
    touches: dict[tuple[str, str], list[TouchLike]] = {}
    for t in sub.touches:
        if t.person_id in people:
            touches.setdefault((t.member_id, t.person_id), []).append(t)

    g = nx.DiGraph(as_of=as_of, params=params)
    g.add_nodes_from((person_node(pid), {"kind": "person", "id": pid}) for pid in people)
    g.add_edges_from(
        (
            person_node(a),
            person_node(b),
            {"strength": s, "cost": -math.log(s), "reason": why},
        )
        for (a, b), (s, why) in ties.items()
    )
    for (mid, pid), ts in sorted(touches.items()):
        strength = touch_strength(ts, as_of, params)
        if strength > 0:
            # The reason in words is only worded for hops that end up on a returned path.
            g.add_node(member_node(mid), kind="member", id=mid)
            g.add_edge(
                member_node(mid),
                person_node(pid),
                strength=strength,
                cost=-math.log(strength),
                touches=ts,
            )
    return g


def influence_paths(
    g: nx.DiGraph,
    target_person_id: str,
    *,
    from_member_ids: Iterable[str] | None = None,
    avoid_person_ids: Iterable[str] = (),
    k: int = 3,
    max_hops: int = 6,
) -> list[InfluencePath]:
    """The ``k`` strongest simple paths of at most ``max_hops`` hops from the members to the target.

    ``from_member_ids`` None means every member in the graph; avoided people are never a hop
    (an avoided target has no path).
    """
    target = person_node(target_person_id)
    avoid = {person_node(p) for p in avoid_person_ids}
    if target not in g or target in avoid:
        return []
    members = [n for n, d in g.nodes(data=True) if d["kind"] == "member"]
    if from_member_ids is not None:
        wanted = {member_node(m) for m in from_member_ids}
        members = [m for m in members if m in wanted]
    if not members:
        return []
    found = _best_first(g, members, target, avoid, k, max_hops)
    if found is None:
        found = _yen(g, members, target, avoid, k, max_hops)
    return [_path(g, nodes) for nodes in found]


#: How many partial paths the best-first search may expand before it hands over to Yen's
#: algorithm (only graphs with many near-free ties, e.g. cliques of strength-1 ties, get there).
EXPANSION_LIMIT = 50_000


def _best_first(
    g: nx.DiGraph,
    members: list[str],
    target: str,
    avoid: set[str],
    k: int,
    max_hops: int,
) -> list[tuple[str, ...]] | None:
    """The ``k`` cheapest simple paths of at most ``max_hops`` hops, by best-first search.

    Partial paths are expanded in order of ``cost so far + h``, where ``h`` is the cheapest
    cost from the last node to the target (one reverse Dijkstra): ``h`` never overestimates,
    so complete paths come off the queue cheapest first and the first ``k`` are the answer
    (ties: smaller node ids first). A partial path that can no longer reach the target within
    ``max_hops`` (reverse hop distances, one breadth-first search) is dropped. ``None`` when
    more than :data:`EXPANSION_LIMIT` partial paths were expanded.
    """
    back = (nx.restricted_view(g, avoid, []) if avoid else g).reverse(copy=False)
    hops_left = _hop_distances(back, [target], max_hops)
    # Over the nodes that can still reach the target in time only (an admissible ``h`` there).
    h = nx.single_source_dijkstra_path_length(
        back, target, weight=lambda _u, v, d: d["cost"] if v in hops_left else None
    )
    queue: list[tuple[float, tuple[str, ...]]] = [
        (h[m], (m,)) for m in members if m in hops_left and m in h
    ]
    heapq.heapify(queue)
    costs: dict[tuple[str, ...], float] = {path: 0.0 for _, path in queue}
    adj = g.adj
    found: list[tuple[str, ...]] = []
    expanded = 0
    while queue and len(found) < k:
        _, path = heapq.heappop(queue)
        u = path[-1]
        if u == target:
            found.append(path)
            continue
        expanded += 1
        if expanded > EXPANSION_LIMIT:
            return None
        cost = costs.pop(path)
        room = max_hops - len(path)  # hops still allowed after the next one
        for v, data in adj[u].items():
            if hops_left.get(v, max_hops + 1) > room or v in path:
                continue
            step = cost + data["cost"]
            longer = (*path, v)
            costs[longer] = step
            heapq.heappush(queue, (step + h[v], longer))
    return found


def _yen(
    g: nx.DiGraph,
    members: list[str],
    target: str,
    avoid: set[str],
    k: int,
    max_hops: int,
) -> list[tuple[str, ...]]:
    """Yen's k shortest simple paths (networkx) on the nodes within ``max_hops`` of both ends,
    skipping paths over ``max_hops`` (at most ``50 k`` candidates are looked at)."""
    keep = _within_hops(g, members, target, avoid, max_hops)
    work = nx.DiGraph()
    adj = g.adj
    work.add_weighted_edges_from(
        ((u, v, d["cost"]) for u in keep for v, d in adj[u].items() if v in keep), weight="cost"
    )
    work.add_weighted_edges_from(((_SOURCE, m, 0.0) for m in members if m in keep), weight="cost")
    found: list[tuple[str, ...]] = []
    if _SOURCE not in work or target not in work:
        return found
    try:
        candidates = nx.shortest_simple_paths(work, _SOURCE, target, weight="cost")
        for nodes in islice(candidates, 50 * k):
            if len(nodes) - 2 <= max_hops:
                found.append(tuple(nodes[1:]))
                if len(found) == k:
                    break
    except nx.NetworkXNoPath:
        pass
    return found


def _within_hops(
    g: nx.DiGraph, members: list[str], target: str, avoid: set[str], max_hops: int
) -> set[str]:
    """Nodes ``v`` (not avoided) with hops(member -> v) + hops(v -> target) <= ``max_hops``."""
    allowed = nx.restricted_view(g, avoid, []) if avoid else g
    from_members = _hop_distances(allowed, members, max_hops)
    to_target = _hop_distances(allowed.reverse(copy=False), [target], max_hops)
    return {v for v, d in from_members.items() if v in to_target and d + to_target[v] <= max_hops}


def _hop_distances(g: nx.DiGraph, sources: list[str], cutoff: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for depth, layer in enumerate(nx.bfs_layers(g, sources)):
        if depth > cutoff:
            break
        for v in layer:
            out[v] = depth
    return out


def _path(g: nx.DiGraph, nodes: tuple[str, ...]) -> InfluencePath:
    hops = []
    strength = 1.0
    for u, v in pairwise(nodes):
        data = g[u][v]
        strength *= data["strength"]
        reason = data.get("reason")
        if reason is None:
            reason = summarize(
                g.nodes[u]["id"],
                g.nodes[v]["id"],
                data["touches"],
                g.graph["as_of"],
                g.graph["params"],
            ).reason
        hops.append(
            Hop(g.nodes[u]["id"], g.nodes[u]["kind"], g.nodes[v]["id"], data["strength"], reason)
        )
    return InfluencePath(member_id=g.nodes[nodes[0]]["id"], hops=hops, strength=strength)


@dataclass(frozen=True, slots=True)
class Introducer:
    """Who should introduce us: a member, the first person on their best path, its strength."""

    member_id: str
    first_person_id: str
    strength: float
    paths: int


def introducers(paths: Iterable[InfluencePath]) -> list[Introducer]:
    """The first hop of the best paths, grouped by our member, strongest first."""
    best: dict[str, Introducer] = {}
    for p in paths:
        first = p.hops[0].to_id
        seen = best.get(p.member_id)
        if seen is None:
            best[p.member_id] = Introducer(p.member_id, first, p.strength, 1)
        else:
            keep = (
                seen
                if seen.strength >= p.strength
                else Introducer(p.member_id, first, p.strength, 0)
            )
            best[p.member_id] = Introducer(
                keep.member_id, keep.first_person_id, keep.strength, seen.paths + 1
            )
    return sorted(best.values(), key=lambda i: (-i.strength, i.member_id))


_SENIORITY_RANK = {
    Seniority.C_LEVEL: 5,
    Seniority.VP: 4,
    Seniority.DIRECTOR: 3,
    Seniority.MANAGER: 2,
    Seniority.STAFF: 1,
}

#: Title words that are evidence of a role, for people who do not hold it (case-insensitive).
#: Only a title qualifies someone for a missing role: seniority alone does not make a buyer.
ROLE_TITLE_HINTS: dict[Role, tuple[str, ...]] = {
    Role.DECIDER: (
        "ceo",
        "cio",
        "cfo",
        "cto",
        "coo",
        "president",
        "chief",
        "head",
        "director",
        "社長",
        "取締役",
        "本部長",
        "役員",
        "部長",
    ),
    Role.BUYER: ("procurement", "purchasing", "buyer", "sourcing", "購買", "調達"),
    Role.INFLUENCER: ("architect", "lead", "manager", "課長", "マネージャー", "リーダー"),
    Role.USER: (
        "analyst",
        "engineer",
        "specialist",
        "operator",
        "担当",
        "スタッフ",
        "エンジニア",
        "技師",
        "主任",
    ),
    Role.GATEKEEPER: ("assistant", "secretary", "office", "秘書", "総務"),
    Role.INITIATOR: ("manager", "lead", "owner", "課長", "リーダー"),
}

#: Seniorities that suit a role (a fit of 1); others fit 0.
ROLE_SENIORITY: dict[Role, tuple[Seniority, ...]] = {
    Role.DECIDER: (Seniority.C_LEVEL, Seniority.VP),
    Role.BUYER: (Seniority.DIRECTOR, Seniority.MANAGER),
    Role.INFLUENCER: (Seniority.DIRECTOR, Seniority.MANAGER),
    Role.USER: (Seniority.STAFF, Seniority.MANAGER),
    Role.GATEKEEPER: (Seniority.STAFF,),
    Role.INITIATOR: (Seniority.MANAGER, Seniority.DIRECTOR),
}


def title_evidence(person: Person, role: Role) -> str | None:
    """The word of the person's title that is evidence of ``role`` (None: no evidence)."""
    title = (person.title or "").casefold()
    return next((h for h in ROLE_TITLE_HINTS.get(role, ()) if h in title), None)


def role_fit(person: Person, role: Role) -> float:
    """How well a person's title and seniority fit a role: title hint 0.6 + seniority 0.4.

    >>> role_fit(Person(id="p", company_id="c", full_name="A", title="CFO",
    ...                 seniority=Seniority.C_LEVEL), Role.DECIDER)
    1.0
    """
    score = 0.6 if title_evidence(person, role) is not None else 0.0
    if person.seniority in ROLE_SENIORITY.get(role, ()):
        score += 0.4
    return score


class Gap(StrEnum):
    """What a next best touch closes."""

    ROLE = "role"  # a required role missing or cold in a scope
    DEAL_ROLE = "deal_role"  # a required role nobody on an open deal holds
    CHAMPION = "champion"  # no champion, or a cold or cooling one
    SECOND_THREAD = "second_thread"  # an open deal with at most one engaged contact


@dataclass(frozen=True, slots=True)
class NextBestTouch:
    """For one gap: whom to reach, why them, and the warmest first step.

    ``bu_id`` is the unit of a role gap (None: the account as a whole); ``deal_id`` the deal of
    a second thread; ``role`` is None for a second thread. ``status`` is the gap's: the role's
    or the champion's, or for a second thread the chosen person's engagement.
    """

    role: Role | None
    status: Engagement
    person_id: str | None
    why: str
    path: InfluencePath | None
    gap: Gap = Gap.ROLE
    bu_id: str | None = None
    deal_id: str | None = None


class _StrongestPaths:
    """The strongest path (at most ``max_hops`` hops) from any member to each person of
    ``g``, searched once per person however many gaps name them as a candidate."""

    def __init__(self, g: nx.DiGraph, max_hops: int) -> None:
        self.g = g
        self.max_hops = max_hops
        self._found: dict[str, InfluencePath | None] = {}

    def to(self, person_id: str) -> InfluencePath | None:
        if person_id not in self._found:
            found = influence_paths(self.g, person_id, k=1, max_hops=self.max_hops)
            self._found[person_id] = found[0] if found else None
        return self._found[person_id]


def _warmest(
    paths: _StrongestPaths, candidates: list[tuple[str, float, str]]
) -> tuple[str, str, InfluencePath | None] | None:
    """The candidate ``(person id, rank, why)`` with the strongest path (ties: higher rank,
    then the smaller id), with their why and path."""
    best: tuple[tuple[float, float, tuple[int, ...]], str, str, InfluencePath | None] | None = None
    for pid, rank, why in candidates:
        found = paths.to(pid)
        key = (found.strength if found else 0.0, rank, _neg(pid))
        if best is None or key > best[0]:
            best = (key, pid, why, found)
    return None if best is None else (best[1], best[2], best[3])


def _role_candidates(
    people: Iterable[Person], role: Role, scopes: set[str] | None
) -> list[tuple[str, float, str]]:
    """People (in ``scopes``' units, None: anywhere) whose title is evidence of ``role``."""
    out = []
    for p in people:
        if scopes is not None and p.bu_id not in scopes:
            continue
        word = title_evidence(p, role)
        if word is not None:
            why = f'title "{p.title}" is evidence of {role.value} ("{word}")'
            out.append((p.id, role_fit(p, role), why))
    return out


def next_best_touches(
    view: AccountView,
    g: nx.DiGraph,
    as_of: date,
    params: AnalyticsParams = DEFAULT,
) -> list[NextBestTouch]:
    """A suggestion for every gap of the account's coverage (:mod:`.coverage`), in order:

    * every required role missing or cold at the account level, then in each business unit
      (by id; a unit's suggestion that repeats one for the account or a unit above it is
      left out). A cold role's candidates are its holders; a missing role's are the people of
      the scope (the unit and its sub-units) whose **title** is evidence of the role
      (:data:`ROLE_TITLE_HINTS`; seniority alone never qualifies), with the evidence stated;
    * every required role nobody on an open deal holds (a contact on the deal in that role,
      or holding it): the deal's buying group lacks it even where the unit's matrix is
      covered. Candidates are people not on the deal: first those of the deal's unit (and its
      sub-units) whose title is evidence of the role, else the role's holders covering the
      unit (from a unit above it, or company-wide);
    * a missing, cold or cooling champion: the champion themselves when there is one, else
      the person with our strongest relationship, engaged people first;
    * a second thread for every single-threaded open deal: its contacts who are not engaged,
      else the role holders of the deal's unit, else the people of the unit.

    Among candidates the one with the strongest influence path wins (ties: better title and
    seniority fit, or the earlier kind of candidate, then the smaller id).
    """
    view = current_view(view, as_of)  # without what a snapshot load retired by then
    view = dataclasses.replace(view, buying_roles=roles_held_on(view.buying_roles, as_of))
    report = coverage(view, as_of, params)
    people = {p.id: p for p in view.people if not has_left(p, as_of)}
    above = unit_ancestors(view.business_units)
    below: dict[str, set[str]] = {b: set() for b in above}
    for bu_id, ancestors in above.items():
        for a in ancestors:
            below.setdefault(a, set()).add(bu_id)
    paths = _StrongestPaths(g, params.max_hops)
    out: list[NextBestTouch] = []
    suggested: set[tuple[str | None, Role, str | None]] = set()  # (unit, role, person)
    for unit in [report.account, *report.units]:
        scopes = None if unit.bu_id is None else below.get(unit.bu_id, {unit.bu_id})
        for cell in unit.cells:
            if cell.status not in (Engagement.MISSING, Engagement.COLD):
                continue
            if cell.status is Engagement.COLD:
                candidates = [(h, 1.0, f"holds the {cell.role.value} role") for h in cell.cold]
            else:
                candidates = _role_candidates(people.values(), cell.role, scopes)
            best = _warmest(paths, candidates)
            pid = best[0] if best else None
            if unit.bu_id is not None:
                earlier = [None, *sorted(above.get(unit.bu_id, set()) - {unit.bu_id})]
                if any((scope, cell.role, pid) in suggested for scope in earlier):
                    continue
            where = "the account" if unit.bu_id is None else unit.bu_id
            touch = NextBestTouch(
                cell.role,
                cell.status,
                pid,
                best[1] if best else f"nobody in {where} has a title that fits the role",
                best[2] if best else None,
                Gap.ROLE,
                unit.bu_id,
            )
            suggested.add((unit.bu_id, cell.role, pid))
            out.append(touch)
    out.extend(_deal_roles(view, report, people, below, paths, as_of, params))
    standings = {r.person_id: r for r in report.people}
    out.extend(_champion_touch(report.account.champion, people, standings, paths))
    out.extend(_second_threads(view, report, people, below, paths, params))
    return out


def _deal_roles(
    view: AccountView,
    report: CoverageReport,
    people: dict[str, Person],
    below: dict[str, set[str]],
    paths: _StrongestPaths,
    as_of: date,
    params: AnalyticsParams,
) -> list[NextBestTouch]:
    units = {u.bu_id: u for u in report.units}
    on_deal: dict[str, dict[str, set[str]]] = {}  # deal id -> person id -> roles there
    for c in view.deal_contacts:
        on_deal.setdefault(c.deal_id, {}).setdefault(c.person_id, set()).add(c.role or "")
    held: dict[str, set[str]] = {}
    for r in view.buying_roles:
        held.setdefault(r.person_id, set()).add(r.role.value)
    out = []
    for deal in sorted(view.deals, key=lambda d: d.id):
        if not is_open_at(deal, as_of):
            continue
        contacts = {
            pid: roles | held.get(pid, set())
            for pid, roles in on_deal.get(deal.id, {}).items()
            if pid in people
        }
        scopes = None if deal.bu_id is None else below.get(deal.bu_id, {deal.bu_id})
        where = "the account" if deal.bu_id is None else deal.bu_id
        unit = units.get(deal.bu_id) if deal.bu_id is not None else report.account
        others = [p for p in people.values() if p.id not in contacts]
        for role in params.required_roles:
            if any(role.value in roles for roles in contacts.values()):
                continue
            candidates = _role_candidates(others, role, scopes)
            if not candidates and unit is not None:
                cell = next(c for c in unit.cells if c.role is role)
                candidates = [
                    (h, 0.0, f"holds the {role.value} role covering {where}")
                    for h in [*cell.engaged, *cell.cold]
                    if h not in contacts
                ]
            best = _warmest(paths, candidates)
            lack = f"nobody on {deal.id} is its {role.value}"
            out.append(
                NextBestTouch(
                    role,
                    Engagement.MISSING,
                    best[0] if best else None,
                    f"{lack}: {best[1]}" if best else f"{lack}, and nobody fits the role",
                    best[2] if best else None,
                    Gap.DEAL_ROLE,
                    deal.bu_id,
                    deal.id,
                )
            )
    return out


def _champion_touch(
    cell: RoleCell,
    people: dict[str, Person],
    standings: dict[str, Standing],
    paths: _StrongestPaths,
) -> list[NextBestTouch]:
    if cell.status is Engagement.ENGAGED:
        return []
    if cell.status is not Engagement.MISSING:
        held = cell.cooling or cell.cold
        why = f"the champion, {cell.status.value}: re-engage before the relationship is lost"
        candidates = [(h, 1.0, why) for h in held]
    else:
        candidates = []
        for p in people.values():
            r = standings[p.id]
            if r.strength is None:
                continue
            engaged = r.status is Engagement.ENGAGED
            state = "engaged" if engaged else f"not engaged, last touched {r.last_touch}"
            why = f"no champion: our strongest relationship here ({state}, {r.band.value})"
            candidates.append((p.id, (1.0 if engaged else 0.0) + r.strength, why))
        candidates = sorted(candidates, key=lambda c: (-c[1], c[0]))[:1]
    best = _warmest(paths, candidates)
    if best is None:
        why = "no champion, and nobody at the account has been touched yet"
        return [NextBestTouch(Role.CHAMPION, cell.status, None, why, None, Gap.CHAMPION)]
    return [NextBestTouch(Role.CHAMPION, cell.status, best[0], best[1], best[2], Gap.CHAMPION)]


def _second_threads(
    view: AccountView,
    report: CoverageReport,
    people: dict[str, Person],
    below: dict[str, set[str]],
    paths: _StrongestPaths,
    params: AnalyticsParams,
) -> list[NextBestTouch]:
    deals = {d.id: d for d in view.deals}
    engaged = set(report.engaged_people)
    out = []
    for thread in report.single_threaded_deals:
        deal = deals[thread.deal_id]
        scopes = None if deal.bu_id is None else below.get(deal.bu_id, {deal.bu_id})
        where = "the account" if deal.bu_id is None else deal.bu_id
        contacts = [p for p in thread.contacts if p in people and p not in engaged]
        candidates = [(p, 2.0, f"a contact on {deal.id}, not engaged") for p in contacts]
        if not candidates:
            holders = sorted(
                {
                    (r.person_id, r.role.value)
                    for r in view.buying_roles
                    if r.person_id in people
                    and r.person_id not in engaged
                    and (scopes is None or r.bu_id is None or r.bu_id in scopes)
                }
            )
            candidates = [(p, 1.0, f"holds the {role} role for {where}") for p, role in holders]
        if not candidates:
            candidates = [
                (p.id, 0.0, f"works in {where}")
                for p in people.values()
                if p.id not in engaged and (scopes is None or p.bu_id in scopes)
            ]
        best = _warmest(paths, candidates)
        status = Engagement.MISSING
        if best is not None:
            status = Engagement.COLD
        why = best[1] if best else f"nobody else in {where} to reach"
        out.append(
            NextBestTouch(
                None,
                status,
                best[0] if best else None,
                f"second thread for {deal.id}: {why}",
                best[2] if best else None,
                Gap.SECOND_THREAD,
                deal.bu_id,
                deal.id,
            )
        )
    return out


def _neg(text: str) -> tuple[int, ...]:
    """A key that sorts strings in reverse, so that ties go to the smaller id."""
    return tuple(-ord(ch) for ch in text)
