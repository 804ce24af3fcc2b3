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

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import islice, pairwise

import networkx as nx

from graph_service.analytics.engagement import (
    DEFAULT,
    Engagement,
    person_engagement,
    summarize,
    touch_strength,
)
from graph_service.analytics.params import AnalyticsParams
from graph_service.as_of import TouchLike, current, current_view, has_left, is_current, role_held_on
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

#: Title words that suggest a role, for people who hold no role yet (case-insensitive).
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
        "社長",
        "取締役",
        "本部長",
        "役員",
        "部長",
    ),
    Role.BUYER: ("procurement", "purchasing", "buyer", "sourcing", "購買", "調達", "finance"),
    Role.INFLUENCER: ("architect", "lead", "director", "manager", "課長", "マネージャー"),
    Role.USER: ("analyst", "engineer", "specialist", "operator", "担当", "スタッフ"),
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


def role_fit(person: Person, role: Role) -> float:
    """How well a person's title and seniority fit a role: title hint 0.6 + seniority 0.4.

    >>> role_fit(Person(id="p", company_id="c", full_name="A", title="CFO",
    ...                 seniority=Seniority.C_LEVEL), Role.DECIDER)
    1.0
    """
    title = (person.title or "").casefold()
    score = 0.6 if any(h in title for h in ROLE_TITLE_HINTS.get(role, ())) else 0.0
    if person.seniority in ROLE_SENIORITY.get(role, ()):
        score += 0.4
    return score


@dataclass(frozen=True, slots=True)
class NextBestTouch:
    """For a missing or cold role: whom to reach and the warmest first step."""

    role: Role
    status: Engagement
    person_id: str | None
    why: str
    path: InfluencePath | None


def next_best_touches(
    view: AccountView,
    g: nx.DiGraph,
    as_of: date,
    params: AnalyticsParams = DEFAULT,
) -> list[NextBestTouch]:
    """For every required role that is missing or cold, the warmest path to who holds it.

    A cold role's candidates are its holders; a missing role's are the people whose title and
    seniority fit it best (:func:`role_fit` > 0). Among candidates, the one with the strongest
    path wins (ties: better fit, then id).
    """
    view = current_view(view, as_of)  # without what a snapshot load retired by then
    people = {p.id: p for p in view.people if not has_left(p, as_of)}
    out = []
    for role in params.required_roles:
        holders = sorted(
            {
                r.person_id
                for r in view.buying_roles
                if r.role is role and r.person_id in people and role_held_on(r, as_of)
            }
        )
        if holders:
            if any(
                person_engagement(people[h], view.touches, as_of, params) is Engagement.ENGAGED
                for h in holders
            ):
                continue
            status, candidates, why = Engagement.COLD, [(h, 1.0) for h in holders], "holds the role"
        else:
            fits = [(p.id, role_fit(p, role)) for p in people.values()]
            candidates = [(pid, f) for pid, f in fits if f > 0]
            status, why = Engagement.MISSING, "best title and seniority fit for the role"
        best: tuple[float, float, str, InfluencePath | None] | None = None
        for pid, fit in candidates:
            found = influence_paths(g, pid, k=1, max_hops=params.max_hops)
            strength = found[0].strength if found else 0.0
            key = (strength, fit, pid, found[0] if found else None)
            if best is None or (key[0], key[1], _neg(key[2])) > (best[0], best[1], _neg(best[2])):
                best = key
        if best is None:
            out.append(
                NextBestTouch(role, status, None, "nobody at the account fits the role", None)
            )
        else:
            out.append(NextBestTouch(role, status, best[2], why, best[3]))
    return out


def _neg(text: str) -> tuple[int, ...]:
    """A key that sorts strings in reverse, so that ties go to the smaller id."""
    return tuple(-ord(ch) for ch in text)
