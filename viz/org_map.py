"""The org map of an account: a self-contained, offline HTML page drawn with pyvis (vis-network).

What it shows (see ``docs/viz.md``):

* **People** in one column ("lane") per business unit, unit lanes in the order of the unit tree,
  each lane laid out top-down along the reports-to hierarchy (a person's row is their depth
  below the top of the shown people); a company-wide lane holds people without a unit.
* **Buying roles** as the fill colour (:data:`ROLE_COLORS`; a person with several roles shows
  the first in that order, the tooltip lists all), **champions** with a ★ badge, people who
  have left with a dashed border.
* **Engagement heat** as a thick border coloured by the age of the last touch on or before the
  as-of date (:data:`HEAT_BANDS`).
* **Our team members** in a column on the left, with one edge to every person they touched,
  its width the touch strength (:func:`~graph_service.analytics.engagement.touch_strength`).
* **Open deals** (open as of the date) in a column on the right, linked to their contacts.
* With a **target** person: the strongest influence paths from the account team
  (:mod:`graph_service.analytics.paths`) drawn over the map in pink, and listed in words.

The positions are computed here, so the page never runs a physics simulation: nothing has to
settle, a large account opens at once, and the layout is the same every time. Filter a large
account to one business unit (and the units below it) with ``business_unit``.

pyvis holds the nodes and edges; the page is rendered from ``viz/templates/org_map.html``, which
inlines the vis-network JavaScript and CSS that pyvis ships (what pyvis's ``in_line`` mode does,
without its template's Bootstrap links to a CDN): the page fetches nothing from the network. The
graph data sits in a ``<script id="abm-data" type="application/json">`` element (names as
unescaped UTF-8).
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyvis.network import Network

from graph_service.analytics.engagement import (
    DEFAULT,
    band,
    summarize,
)
from graph_service.analytics.params import AnalyticsParams
from graph_service.analytics.paths import (
    InfluencePath,
    influence_paths,
    member_node,
    path_graph,
    person_node,
)
from graph_service.as_of import has_left, role_held_on, touch_day
from graph_service.domain import (
    AccountView,
    BusinessUnit,
    BuyingRole,
    Company,
    Deal,
    PathSubgraph,
    Person,
    Role,
    TeamMember,
    Touch,
)
from graph_service.errors import NotFoundError

#: Fonts tried in order for every label; Japanese-capable faces first, then the system's.
FONT_STACK = (
    '"Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP", "Hiragino Kaku Gothic ProN", '
    '"Hiragino Sans", "Yu Gothic UI", "Yu Gothic", Meiryo, "IPAexGothic", "IPAGothic", '
    '"TakaoGothic", "VL Gothic", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
)

#: Fill colour of a person by buying role; a person with several roles shows the first here.
ROLE_COLORS: dict[Role, str] = {
    Role.DECIDER: "#6a3d9a",
    Role.BUYER: "#1f78b4",
    Role.INFLUENCER: "#33a02c",
    Role.USER: "#b2df8a",
    Role.INITIATOR: "#17becf",
    Role.GATEKEEPER: "#a6761d",
    Role.CHAMPION: "#ffd92f",
}
NO_ROLE_COLOR = "#f2f2f2"
MEMBER_COLOR = "#263238"
OTHER_MEMBER_COLOR = "#607d8b"
DEAL_COLOR = "#fff3e0"
DEAL_BORDER = "#b15928"
PATH_COLOR = "#ff1493"
REPORTS_TO_COLOR = "#607d8b"
TIE_COLOR = "#8d8d8d"
TOUCH_COLOR = "#1f78b4"
CHAMPION_BADGE = "★"
TARGET_BADGE = "◎"


@dataclass(frozen=True, slots=True)
class HeatBand:
    """Border colour of a person whose last touch is at most ``max_days`` old (None: older)."""

    max_days: int | None
    label: str
    color: str


#: Engagement heat: the age of the last touch on or before the as-of date.
HEAT_BANDS: tuple[HeatBand, ...] = (
    HeatBand(30, "last touch within 30 days", "#d7191c"),
    HeatBand(90, "31-90 days ago", "#fb6a4a"),
    HeatBand(180, "91-180 days ago", "#fdae61"),
    HeatBand(365, "181-365 days ago", "#8c96a8"),
    HeatBand(None, "over a year ago", "#cfd4dc"),
)
NEVER_TOUCHED = HeatBand(None, "never touched", "#e0e0e0")

#: Layout grid (vis-network canvas units).
COLUMN_WIDTH = 180
ROW_HEIGHT = 120
SUBROW_HEIGHT = 82
LANE_GAP = 50
LANE_PADDING = 40
MAX_PER_ROW = 6
SIDE_GAP = 250
SIDE_ROW = 92
#: Above this many edges the page draws straight edges and hides them while dragging/zooming.
BIG_GRAPH_EDGES = 1500

_ROLE_ORDER = (
    Role.DECIDER,
    Role.BUYER,
    Role.INFLUENCER,
    Role.USER,
    Role.INITIATOR,
    Role.GATEKEEPER,
    Role.CHAMPION,
)
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def _vis_dir() -> Path:
    """The newest vis-network that pyvis ships (9.1.2 in pyvis 0.3.2)."""
    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib"
    found = sorted(
        (d for d in lib.glob("vis-*") if (d / "vis-network.min.js").is_file()),
        key=lambda d: tuple(int(x) for x in re.findall(r"\d+", d.name)),
    )
    if not found:
        raise RuntimeError(f"pyvis ships no vis-network under {lib}")
    return found[-1]


@dataclass(frozen=True, slots=True)
class Lane:
    """One business unit's column (``bu_id`` None: the company-wide lane)."""

    company_id: str
    company: str
    bu_id: str | None
    label: str
    x0: float
    x1: float
    y0: float
    y1: float
    color: str
    people: int


@dataclass(frozen=True, slots=True)
class PathLine:
    """One highlighted influence path, in words."""

    rank: int
    strength: float
    steps: list[str]


@dataclass(slots=True)
class OrgMap:
    """Everything the page draws: vis-network nodes and edges, lanes, legend and paths."""

    title: str
    subtitle: str
    as_of: date
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    lanes: list[Lane]
    options: dict[str, Any]
    target_person_id: str | None = None
    paths: list[PathLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Edge kinds drawn hidden at first (our touches, on a large account).
    hidden_kinds: list[str] = field(default_factory=list)

    def count(self, kind: str) -> int:
        """Number of nodes (or, failing that, edges) of a kind: person, member, deal, path..."""
        n = sum(1 for x in self.nodes if x["kind"] == kind)
        return n or sum(1 for x in self.edges if x["kind"] == kind)


def heat_band(last: date | None, as_of: date) -> HeatBand:
    """The heat band of a last-touch date.

    >>> heat_band(date(2026, 10, 20), date(2026, 11, 1)).label
    'last touch within 30 days'
    >>> heat_band(None, date(2026, 11, 1)).label
    'never touched'
    """
    if last is None:
        return NEVER_TOUCHED
    age = (as_of - last).days
    for b in HEAT_BANDS:
        if b.max_days is None or age <= b.max_days:
            return b
    return HEAT_BANDS[-1]  # pragma: no cover - the last band has no bound


def primary_role(roles: Iterable[Role]) -> Role | None:
    """The role whose colour a person shows (the first of :data:`ROLE_COLORS` they hold).

    >>> primary_role([Role.CHAMPION, Role.INFLUENCER])
    <Role.INFLUENCER: 'influencer'>
    """
    held = set(roles)
    return next((r for r in _ROLE_ORDER if r in held), None)


def text_color(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (``#rrggbb``)."""
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#111111" if lum > 0.5 else "#ffffff"


def compact_amount(amount: float | None, currency: str | None = None) -> str:
    """An amount in a few characters: ``85M JPY``, ``420K USD``.

    >>> compact_amount(85_000_000, "JPY"), compact_amount(420_000, "USD"), compact_amount(None)
    ('85M JPY', '420K USD', '')
    """
    if amount is None:
        return ""
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(amount) >= div:
            value = f"{amount / div:.1f}".rstrip("0").rstrip(".")
            return f"{value}{suffix}" + (f" {currency}" if currency else "")
    return f"{amount:,.0f}" + (f" {currency}" if currency else "")


def _short(text: str | None, limit: int) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def deal_open_on(deal: Deal, as_of: date) -> bool:
    """Whether a deal was open on ``as_of``: created by then and not closed by then."""
    if deal.created_date is not None and deal.created_date > as_of:
        return False
    if deal.stage.is_open:
        return True
    return deal.close_date is not None and deal.close_date > as_of


def _unit_subtree(units: dict[str, BusinessUnit], root: str) -> set[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for unit in units.values():
        if unit.parent_bu_id:
            children[unit.parent_bu_id].append(unit.id)
    out: set[str] = set()
    stack = [root]
    while stack:
        bu_id = stack.pop()
        if bu_id not in out:
            out.add(bu_id)
            stack.extend(children[bu_id])
    return out


def _resolve_unit(units: dict[str, BusinessUnit], wanted: str) -> str:
    """A unit id from an id or an exact (unique) name."""
    if wanted in units:
        return wanted
    named = sorted(u.id for u in units.values() if u.name == wanted)
    if len(named) == 1:
        return named[0]
    if named:
        raise NotFoundError(f"unique business unit (ids {', '.join(named)}) named", wanted)
    raise NotFoundError("business unit at this account", wanted)


def _units_in_order(company_id: str, units: dict[str, BusinessUnit]) -> list[BusinessUnit]:
    """The company's units depth-first along the unit tree (siblings by id)."""
    mine = {u.id: u for u in units.values() if u.company_id == company_id}
    children: dict[str | None, list[BusinessUnit]] = defaultdict(list)
    for u in mine.values():
        parent = u.parent_bu_id if u.parent_bu_id in mine else None
        children[parent].append(u)
    out: list[BusinessUnit] = []
    stack = sorted(children[None], key=lambda u: u.id, reverse=True)
    while stack:
        u = stack.pop()
        out.append(u)
        stack.extend(sorted(children[u.id], key=lambda c: c.id, reverse=True))
    return out


def _depths(people: dict[str, Person]) -> dict[str, int]:
    """Depth of each person below the top of the shown people (cycle-safe).

    >>> _depths({"a": Person(id="a", company_id="c", full_name="A", reports_to="b"),
    ...          "b": Person(id="b", company_id="c", full_name="B", reports_to="a"),
    ...          "c": Person(id="c", company_id="c", full_name="C", reports_to="a")})
    {'b': 0, 'a': 1, 'c': 2}
    """
    depth: dict[str, int] = {}
    for pid in people:
        chain: list[str] = []
        cur: str | None = pid
        while cur is not None and cur in people and cur not in depth and cur not in chain:
            chain.append(cur)
            cur = people[cur].reports_to
        base = depth[cur] + 1 if cur is not None and cur in depth else 0
        for i, p in enumerate(reversed(chain)):
            depth[p] = base + i
    return depth


class _Builder:
    """One org map being built: the selection, the layout, then nodes and edges."""

    def __init__(
        self,
        views: Sequence[AccountView],
        as_of: date,
        *,
        target_person_id: str | None,
        business_unit: str | None,
        include_subsidiaries: bool,
        params: AnalyticsParams,
    ) -> None:
        self.views = views
        self.as_of = as_of
        self.params = params
        self.target = target_person_id
        self.drawn_views = list(views) if include_subsidiaries else [views[0]]
        self.drawn_company_ids = [v.company.id for v in self.drawn_views]
        self.companies: dict[str, Company] = {v.company.id: v.company for v in views}
        self.everyone: dict[str, Person] = {p.id: p for v in views for p in v.people}
        self.units: dict[str, BusinessUnit] = {u.id: u for v in views for u in v.business_units}
        self.touches: dict[str, Touch] = {t.id: t for v in views for t in v.touches}
        self.roles: dict[str, list[BuyingRole]] = defaultdict(list)
        held = {r.id: r for v in views for r in v.buying_roles if role_held_on(r, as_of)}
        for role in held.values():
            self.roles[role.person_id].append(role)
        self.members: dict[str, TeamMember] = {m.id: m for v in views for m in v.members}
        self.team_role = {a.member_id: a.role for a in views[0].account_team}
        self.unit: BusinessUnit | None = None
        self.keep_units: set[str] | None = None
        drawn_units = {u.id: u for v in self.drawn_views for u in v.business_units}
        if business_unit is not None:
            self.unit = drawn_units[_resolve_unit(drawn_units, business_unit)]
            self.keep_units = _unit_subtree(drawn_units, self.unit.id)
        self.shown: dict[str, Person] = {
            p.id: p
            for v in self.drawn_views
            for p in v.people
            if self.keep_units is None or (p.bu_id is not None and p.bu_id in self.keep_units)
        }
        self.paths: list[InfluencePath] = []
        self.notes: list[str] = []
        self.pos: dict[str, tuple[float, float]] = {}
        self.lanes: list[Lane] = []
        self.net = Network(directed=True, cdn_resources="in_line")
        self.edges: list[dict[str, Any]] = []

    # -- selection -------------------------------------------------------------------------

    def find_paths(self) -> None:
        """The strongest paths to the target; their people are drawn whatever the filter."""
        if self.target is None:
            return
        if self.target not in self.everyone:
            raise NotFoundError("person at this account", self.target)
        g = path_graph(PathSubgraph.from_views(list(self.views)), self.as_of, self.params)
        sources = sorted(self.team_role) or None
        self.paths = influence_paths(
            g,
            self.target,
            from_member_ids=sources,
            k=self.params.k_paths,
            max_hops=self.params.max_hops,
        )
        if not self.paths:
            self.notes.append(
                f"No warm path from {'the account team' if sources else 'our team'} to "
                f"{self.everyone[self.target].full_name} as of {self.as_of}."
            )
        for pid in [self.target, *(p for path in self.paths for p in path.person_ids)]:
            self.shown.setdefault(pid, self.everyone[pid])

    # -- layout: one lane per (company, unit), rows by reports-to depth --------------------

    def _lane_of(self, person: Person) -> tuple[str, str | None]:
        return (person.company_id, person.bu_id if person.bu_id in self.units else None)

    def _lane_keys(self) -> list[tuple[str, str | None]]:
        shown = self.shown.values()
        with_people = [c for c in self.companies if any(p.company_id == c for p in shown)]
        keys: list[tuple[str, str | None]] = []
        for cid in dict.fromkeys([*self.drawn_company_ids, *with_people]):
            if any(self._lane_of(p) == (cid, None) for p in shown):
                keys.append((cid, None))
            for unit in _units_in_order(cid, self.units):
                has_people = any(p.bu_id == unit.id for p in shown)
                wanted = cid in self.drawn_company_ids and (
                    self.keep_units is None or unit.id in self.keep_units
                )
                if has_people or wanted:
                    keys.append((cid, unit.id))
        return keys

    def layout(self) -> None:
        depth = _depths(self.shown)
        keys = self._lane_keys()
        grid: dict[tuple[str, str | None], dict[int, list[Person]]] = {k: {} for k in keys}
        for person in self.shown.values():
            grid[self._lane_of(person)].setdefault(depth[person.id], []).append(person)
        row_y: list[float] = []
        y = 0.0
        for level in range(max(depth.values(), default=0) + 1):
            row_y.append(y)
            lines = max([math.ceil(len(grid[k].get(level, [])) / MAX_PER_ROW) for k in keys] + [1])
            y += (lines - 1) * SUBROW_HEIGHT + ROW_HEIGHT
        bottom = y - ROW_HEIGHT + 60
        palette = ("#eef3f9", "#f9f1e7", "#eef7ee", "#f5eef8")
        company_order = list(self.companies)
        x = 0.0
        for cid, bu in keys:
            rows = grid[(cid, bu)]
            columns = max((min(len(ps), MAX_PER_ROW) for ps in rows.values()), default=1)
            for level in sorted(rows):
                ordered = sorted(
                    rows[level],
                    key=lambda p: (
                        self.pos.get(p.reports_to or "", (math.inf, 0.0))[0],
                        p.full_name,
                        p.id,
                    ),
                )
                for i, person in enumerate(ordered):
                    sub, col = divmod(i, MAX_PER_ROW)
                    in_row = min(len(ordered) - sub * MAX_PER_ROW, MAX_PER_ROW)
                    offset = (columns - in_row) * COLUMN_WIDTH / 2
                    self.pos[person.id] = (
                        x + offset + col * COLUMN_WIDTH + COLUMN_WIDTH / 2,
                        row_y[level] + sub * SUBROW_HEIGHT,
                    )
            width = columns * COLUMN_WIDTH
            self.lanes.append(
                Lane(
                    company_id=cid,
                    company=self.companies[cid].name,
                    bu_id=bu,
                    label=self.units[bu].name if bu else "company-wide / no unit",
                    x0=x - LANE_PADDING / 2,
                    x1=x + width + LANE_PADDING / 2,
                    y0=-90.0,
                    y1=bottom,
                    color=palette[company_order.index(cid) % len(palette)],
                    people=sum(len(ps) for ps in rows.values()),
                )
            )
            x += width + LANE_GAP

    # -- nodes -----------------------------------------------------------------------------

    def add_people(self) -> None:
        on_path = {pid for path in self.paths for pid in path.person_ids}
        last_touch: dict[str, date] = {}
        for t in self.touches.values():
            day = touch_day(t)
            if day <= self.as_of and day > last_touch.get(t.person_id, date.min):
                last_touch[t.person_id] = day
        for pid in sorted(self.shown, key=lambda p: (self.pos[p][0], self.pos[p][1], p)):
            person = self.shown[pid]
            held = sorted(
                self.roles.get(pid, []), key=lambda r: (_ROLE_ORDER.index(r.role), r.bu_id or "")
            )
            role = primary_role(r.role for r in held)
            fill = ROLE_COLORS[role] if role else NO_ROLE_COLOR
            last = last_touch.get(pid)
            heat = heat_band(last, self.as_of)
            gone = has_left(person, self.as_of)
            champion = any(r.role is Role.CHAMPION for r in held)
            is_target = pid == self.target
            name = person.full_name + (f" {CHAMPION_BADGE}" if champion else "")
            if is_target:
                name = f"{TARGET_BADGE} {name}"
            label = name + (f"\n{_short(person.title, 18)}" if person.title else "")
            if gone:
                label += "\n(left)"
            role_lines = [
                f"  {r.role.value} "
                f"({self.units[r.bu_id].name if r.bu_id in self.units else 'company-wide'})"
                for r in held
            ]
            company = self.companies.get(person.company_id)
            where = company.name if company else person.company_id
            if person.bu_id in self.units:
                where += f" / {self.units[person.bu_id].name}"
            tip = [
                person.full_name + (" — target" if is_target else ""),
                *([person.title] if person.title else []),
                where,
                *([f"seniority: {person.seniority}"] if person.seniority else []),
                "roles:" if role_lines else "no buying role recorded",
                *role_lines,
                (
                    f"last touch: {last} ({(self.as_of - last).days} days before {self.as_of})"
                    if last
                    else "last touch: never"
                ),
                *([f"left on {person.left_at}"] if gone else []),
            ]
            self.net.add_node(
                person_node(pid),
                label=label,
                shape="box",
                kind="person",
                personId=pid,
                name=person.full_name,
                role=role.value if role else None,
                champion=champion,
                heat=heat.label,
                onPath=pid in on_path,
                target=is_target,
                title="\n".join(tip),
                x=round(self.pos[pid][0], 1),
                y=round(self.pos[pid][1], 1),
                color=_colors(fill, PATH_COLOR if is_target else heat.color),
                font={**_FONT, "color": text_color(fill)},
                borderWidth=7 if is_target else (5 if last else 1),
                borderWidthSelected=7,
                shapeProperties={"borderDashes": [6, 4] if gone else False, "borderRadius": 6},
                opacity=0.55 if gone else 1.0,
                margin=8,
                widthConstraint={"maximum": COLUMN_WIDTH - 30},
                shadow=(
                    {"enabled": True, "color": PATH_COLOR, "size": 18, "x": 0, "y": 0}
                    if pid in on_path or is_target
                    else False
                ),
            )

    def select_deals(self) -> list[Deal]:
        """Deals open on the as-of date of the drawn companies (with a unit filter: in the
        units, or with a contact among the shown people)."""
        contacts: dict[str, set[str]] = defaultdict(set)
        for v in self.views:
            for c in v.deal_contacts:
                contacts[c.deal_id].add(c.person_id)

        def shown(deal: Deal) -> bool:
            if not deal_open_on(deal, self.as_of):
                return False
            drawn = deal.company_id in self.drawn_company_ids
            if self.keep_units is None:
                return drawn
            in_unit = drawn and deal.bu_id is not None and deal.bu_id in self.keep_units
            return in_unit or bool(contacts[deal.id] & self.shown.keys())

        found = {d.id: d for v in self.views for d in v.deals if shown(d)}
        return sorted(found.values(), key=lambda d: d.id)

    def touch_pairs(self) -> dict[tuple[str, str], list[Touch]]:
        pairs: dict[tuple[str, str], list[Touch]] = defaultdict(list)
        for t in self.touches.values():
            if t.person_id in self.shown and touch_day(t) <= self.as_of:
                pairs[(t.member_id, t.person_id)].append(t)
        return pairs

    def select_members(
        self, pairs: dict[tuple[str, str], list[Touch]], deals: list[Deal]
    ) -> list[str]:
        """Every member the drawn views refer to; with a unit filter, those connected to it.

        Account team first.
        """
        if self.keep_units is None:
            ids = {m.id for v in self.drawn_views for m in v.members}
        else:
            ids = set(self.team_role) | {mid for mid, _ in pairs}
            ids |= {d.owner_id for d in deals if d.owner_id}
        ids |= {path.member_id for path in self.paths}
        return sorted(ids & self.members.keys(), key=lambda m: (m not in self.team_role, m))

    def add_members(self, member_ids: list[str], x: float) -> None:
        on_path = {path.member_id for path in self.paths}
        for i, mid in enumerate(member_ids):
            m = self.members[mid]
            on_team = mid in self.team_role
            fill = MEMBER_COLOR if on_team else OTHER_MEMBER_COLOR
            job = self.team_role.get(mid) or (m.team_role.value if m.team_role else "")
            self.net.add_node(
                member_node(mid),
                label=m.full_name + (f"\n{job}" if job else ""),
                shape="box",
                kind="member",
                memberId=mid,
                name=m.full_name,
                onPath=mid in on_path,
                title="\n".join(
                    [
                        m.full_name,
                        f"our team: {m.team_role.value if m.team_role else 'member'}"
                        + (f", {m.region}" if m.region else ""),
                        f"account team ({self.team_role[mid] or 'member'})"
                        if on_team
                        else "not on the account team",
                    ]
                ),
                x=x,
                y=float(i * SIDE_ROW),
                color=_colors(fill, PATH_COLOR if mid in on_path else fill),
                font={**_FONT, "color": "#ffffff"},
                borderWidth=4 if mid in on_path else 1,
                margin=8,
                widthConstraint={"maximum": 200},
            )

    def add_deals(self, deals: list[Deal], x: float) -> None:
        for i, deal in enumerate(deals):
            owner = self.members[deal.owner_id].full_name if deal.owner_id in self.members else None
            amount = (
                f"amount: {deal.amount:,.0f} {deal.currency or ''}".rstrip()
                if deal.amount is not None
                else "amount: unknown"
            )
            self.net.add_node(
                f"d:{deal.id}",
                label=f"{_short(deal.name or deal.id, 22)}\n{deal.stage.value} · "
                + compact_amount(deal.amount, deal.currency),
                shape="box",
                kind="deal",
                dealId=deal.id,
                name=deal.name or deal.id,
                title="\n".join(
                    [
                        deal.name or deal.id,
                        f"stage: {deal.stage.value}",
                        amount,
                        *(
                            [f"unit: {self.units[deal.bu_id].name}"]
                            if deal.bu_id in self.units
                            else []
                        ),
                        *([f"product: {deal.product}"] if deal.product else []),
                        *([f"close: {deal.close_date}"] if deal.close_date else []),
                        *([f"owner: {owner or deal.owner_id}"] if deal.owner_id else []),
                    ]
                ),
                x=x,
                y=float(i * SIDE_ROW),
                color=_colors(DEAL_COLOR, DEAL_BORDER),
                font={**_FONT, "color": "#3e2723"},
                borderWidth=2,
                margin=8,
                widthConstraint={"maximum": 220},
            )

    # -- edges -----------------------------------------------------------------------------

    def edge(self, src: str, dst: str, kind: str, **options: Any) -> None:
        self.edges.append(
            {"id": f"e{len(self.edges)}", "from": src, "to": dst, "kind": kind, **options}
        )

    def add_people_edges(self) -> None:
        for person in sorted(self.shown.values(), key=lambda p: p.id):
            manager = self.shown.get(person.reports_to or "")
            if manager is not None:
                self.edge(
                    person_node(manager.id),
                    person_node(person.id),
                    "reports_to",
                    color={"color": REPORTS_TO_COLOR, "opacity": 0.9},
                    width=2,
                    arrows={"to": {"enabled": False}},
                    smooth={"enabled": True, "type": "cubicBezier", "forceDirection": "vertical"},
                    title=f"{person.full_name} reports to {manager.full_name}",
                )
        ties = {t.id: t for v in self.views for t in v.relationships}
        for tie in sorted(ties.values(), key=lambda t: t.id):
            a, b = self.shown.get(tie.from_person_id), self.shown.get(tie.to_person_id)
            if a is None or b is None:
                continue
            s = tie.strength if tie.strength is not None else self.params.tie_strengths[tie.type]
            self.edge(
                person_node(a.id),
                person_node(b.id),
                "tie",
                color={"color": TIE_COLOR, "opacity": 0.8},
                dashes=[6, 4],
                width=round(1 + 2 * s, 2),
                arrows={"to": {"enabled": tie.type.value == "influences", "scaleFactor": 0.6}},
                smooth={"enabled": True, "type": "curvedCW", "roundness": 0.2},
                title=f"{a.full_name} {tie.type.value.replace('_', ' ')} {b.full_name} ({s:.2f})",
            )

    def add_touch_edges(
        self, pairs: dict[tuple[str, str], list[Touch]], member_ids: list[str]
    ) -> None:
        drawn = set(member_ids)
        for (mid, pid), touches in sorted(pairs.items()):
            if mid not in drawn:
                continue
            summary = summarize(mid, pid, touches, self.as_of, self.params)
            s = summary.strength
            if s is None or s <= 0:  # None: no touch counts yet
                continue
            self.edge(
                member_node(mid),
                person_node(pid),
                "touch",
                color={"color": TOUCH_COLOR, "opacity": round(0.15 + 0.55 * s, 2)},
                width=round(1 + 7 * s, 2),
                strength=round(s, 4),
                arrows={"to": {"enabled": False}},
                smooth={"enabled": True, "type": "curvedCW", "roundness": 0.08},
                title=f"{self.members[mid].full_name} → {self.shown[pid].full_name}\n"
                f"touch strength {s:.2f} ({band(s, self.params).value})\n{summary.reason}",
            )

    def add_deal_edges(self, deals: list[Deal]) -> None:
        ids = {d.id for d in deals}
        contacts = {
            (c.deal_id, c.person_id): c
            for v in self.views
            for c in v.deal_contacts
            if c.deal_id in ids and c.person_id in self.shown
        }
        for (deal_id, pid), contact in sorted(contacts.items()):
            self.edge(
                f"d:{deal_id}",
                person_node(pid),
                "deal",
                color={"color": DEAL_BORDER, "opacity": 0.7},
                dashes=[2, 5],
                width=1.5,
                arrows={"to": {"enabled": False}},
                smooth={"enabled": True, "type": "curvedCCW", "roundness": 0.08},
                title=f"{self.shown[pid].full_name}: contact on {deal_id}"
                + (f" ({contact.role})" if contact.role else ""),
            )

    def add_path_edges(self) -> list[PathLine]:
        lines = []
        for rank, path in enumerate(self.paths, start=1):
            member = self.members.get(path.member_id)
            steps = [member.full_name if member else path.member_id]
            prev = member_node(path.member_id)
            for hop in path.hops:
                nxt = person_node(hop.to_id)
                self.edge(
                    prev,
                    nxt,
                    "path",
                    rank=rank,
                    color={"color": PATH_COLOR, "opacity": 1.0 if rank == 1 else 0.75},
                    width={1: 7, 2: 5}.get(rank, 4),
                    arrows={"to": {"enabled": True, "scaleFactor": 0.9}},
                    smooth={"enabled": True, "type": "curvedCCW", "roundness": 0.15 + 0.05 * rank},
                    label=f"#{rank}",
                    font={"color": PATH_COLOR, "size": 14, "strokeWidth": 3, "face": FONT_STACK},
                    title=f"path #{rank} (strength {path.strength:.2f}): {hop.reason} "
                    f"({hop.strength:.2f})",
                )
                why = "touches" if hop.from_kind == "member" else hop.reason
                steps.append(f"{self.everyone[hop.to_id].full_name} ({why} {hop.strength:.2f})")
                prev = nxt
            lines.append(PathLine(rank, path.strength, steps))
        return lines

    # -- the whole map ---------------------------------------------------------------------

    def build(self) -> OrgMap:
        self.find_paths()
        self.layout()
        self.add_people()
        deals = self.select_deals()
        pairs = self.touch_pairs()
        member_ids = self.select_members(pairs, deals)
        left = (self.lanes[0].x0 if self.lanes else 0.0) - SIDE_GAP
        right = (self.lanes[-1].x1 if self.lanes else 0.0) + SIDE_GAP
        self.add_members(member_ids, left)
        self.add_deals(deals, right)
        self.add_people_edges()
        self.add_touch_edges(pairs, member_ids)
        self.add_deal_edges(deals)
        path_lines = self.add_path_edges()
        big = len(self.edges) > BIG_GRAPH_EDGES
        hidden_kinds: list[str] = []
        if big:
            # A large account opens with our touches hidden (a tick in the legend shows them).
            hidden_kinds.append("touch")
            for e in self.edges:
                e.pop("smooth", None)
                if e["kind"] in hidden_kinds:
                    e["hidden"] = True
        subtitle = f"as of {self.as_of}"
        if len(self.drawn_views) > 1:
            n = len(self.drawn_views) - 1
            subtitle += f" · with {n} {'subsidiary' if n == 1 else 'subsidiaries'}"
        if self.unit is not None:
            subtitle += f" · unit {self.unit.name} and below"
        if self.target is not None:
            subtitle += f" · paths to {self.everyone[self.target].full_name}"
        nodes, _, _, _, _, _ = self.net.get_network_data()
        return OrgMap(
            title=self.views[0].company.name,
            subtitle=subtitle,
            as_of=self.as_of,
            nodes=list(nodes),
            edges=self.edges,
            lanes=self.lanes,
            options=_options(big),
            target_person_id=self.target,
            paths=path_lines,
            notes=self.notes,
            hidden_kinds=hidden_kinds,
        )


_FONT: dict[str, Any] = {"face": FONT_STACK, "size": 14}


def _colors(fill: str, border: str) -> dict[str, Any]:
    focus = {"background": fill, "border": "#000000"}
    return {"background": fill, "border": border, "highlight": focus, "hover": focus}


def _options(big: bool) -> dict[str, Any]:
    """vis-network options: no physics (positions are computed), lighter drawing when big."""
    return {
        "autoResize": True,
        "physics": {"enabled": False, "stabilization": {"enabled": False}},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "multiselect": True,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
        },
        "nodes": {"font": {"face": FONT_STACK}},
        "edges": {
            "smooth": False if big else {"enabled": True, "type": "continuous"},
            "font": {"face": FONT_STACK, "size": 12},
            "selectionWidth": 2,
        },
    }


def build_org_map(
    views: Sequence[AccountView],
    as_of: date,
    *,
    target_person_id: str | None = None,
    business_unit: str | None = None,
    include_subsidiaries: bool = False,
    params: AnalyticsParams = DEFAULT,
) -> OrgMap:
    """The org map of ``views[0]``'s account.

    ``views`` is the account's view followed by its subsidiaries' (as
    :func:`graph_service.store.family.family_views` returns them); the subsidiaries are
    drawn only with ``include_subsidiaries``, but influence paths always run over the whole
    family (as the ``influencePaths`` answer does), and the people on a highlighted path are
    drawn even when a filter would hide them. ``business_unit`` (an id or an exact name) keeps
    that unit and the units below it. Raises :class:`NotFoundError` for an unknown unit or a
    target who is not a person of the family.
    """
    if not views:
        raise ValueError("no account view")
    return _Builder(
        views,
        as_of,
        target_person_id=target_person_id,
        business_unit=business_unit,
        include_subsidiaries=include_subsidiaries,
        params=params,
    ).build()


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element (``<``, ``>``, ``&`` escaped; UTF-8 kept)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(_TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )


def _company_bands(org: OrgMap) -> list[dict[str, Any]]:
    """One header over each company's lanes, when the map shows more than one company."""
    bands: list[dict[str, Any]] = []
    for lane in org.lanes:
        if bands and bands[-1]["id"] == lane.company_id:
            bands[-1]["x1"] = lane.x1
        else:
            bands.append(
                {"id": lane.company_id, "label": lane.company, "x0": lane.x0, "x1": lane.x1}
            )
    return bands if len(bands) > 1 else []


def render_org_map(org: OrgMap) -> str:
    """The self-contained HTML page of an org map."""
    data = {
        "nodes": org.nodes,
        "edges": org.edges,
        "lanes": [
            {
                "label": f"{lane.label} ({lane.people})",
                "x0": lane.x0,
                "x1": lane.x1,
                "y0": lane.y0,
                "y1": lane.y1,
                "color": lane.color,
            }
            for lane in org.lanes
        ],
        "companies": _company_bands(org),
        "options": org.options,
        "font": FONT_STACK,
        "columns": {
            "members": min((n["x"] for n in org.nodes if n["kind"] == "member"), default=None),
            "deals": max((n["x"] for n in org.nodes if n["kind"] == "deal"), default=None),
        },
    }
    template = _environment().get_template("org_map.html")
    return template.render(
        title=org.title,
        subtitle=org.subtitle,
        font_stack=FONT_STACK,
        data_json=script_json(data),
        vis_js=(_vis_dir() / "vis-network.min.js").read_text(encoding="utf-8"),
        vis_css=(_vis_dir() / "vis-network.css").read_text(encoding="utf-8"),
        roles=[(r.value, c, text_color(c)) for r, c in ROLE_COLORS.items()],
        no_role=NO_ROLE_COLOR,
        heat=[(b.label, b.color) for b in (*HEAT_BANDS, NEVER_TOUCHED)],
        colors={
            "member": MEMBER_COLOR,
            "other_member": OTHER_MEMBER_COLOR,
            "deal": DEAL_COLOR,
            "deal_border": DEAL_BORDER,
            "path": PATH_COLOR,
            "reports_to": REPORTS_TO_COLOR,
            "tie": TIE_COLOR,
            "touch": TOUCH_COLOR,
        },
        counts={
            "people": org.count("person"),
            "members": org.count("member"),
            "deals": sum(1 for n in org.nodes if n["kind"] == "deal"),
        },
        paths=org.paths,
        notes=org.notes,
        has_target=org.target_person_id is not None,
        hidden_kinds=org.hidden_kinds,
        champion_badge=CHAMPION_BADGE,
        target_badge=TARGET_BADGE,
    )


def org_map_html(
    views: Sequence[AccountView],
    as_of: date,
    *,
    target_person_id: str | None = None,
    business_unit: str | None = None,
    include_subsidiaries: bool = False,
    params: AnalyticsParams = DEFAULT,
) -> str:
    """:func:`build_org_map` rendered by :func:`render_org_map`."""
    return render_org_map(
        build_org_map(
            views,
            as_of,
            target_person_id=target_person_id,
            business_unit=business_unit,
            include_subsidiaries=include_subsidiaries,
            params=params,
        )
    )
