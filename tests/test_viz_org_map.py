"""The org map page: what it draws for the demo account, and that it stands alone offline."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from graph_service.analytics import queries
from graph_service.domain import (
    AccountTeamMember,
    AccountView,
    BusinessUnit,
    BuyingRole,
    Company,
    Person,
    Role,
    TeamMember,
    Touch,
    TouchType,
)
from graph_service.errors import NotFoundError
from graph_service.store.base import Store
from graph_service.store.family import family_views
from graph_service.store.memory import MemoryStore
from tests.viz_support import (
    AS_OF,
    DEMO_ACCOUNT,
    EXTERNAL_REF,
    demo_store,
    embedded,
    ids_of,
    load_demo,
)
from viz.org_map import (
    CHAMPION_BADGE,
    HEAT_BANDS,
    NEVER_TOUCHED,
    ROLE_COLORS,
    build_org_map,
    org_map_html,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryStore]:
    store = demo_store(tmp_path_factory.mktemp("demo"))
    yield store
    store.close()


def test_the_demo_account_map_has_a_node_for_every_person_and_member(store: Store) -> None:
    load_demo(store)
    views = family_views(store, DEMO_ACCOUNT)
    data = embedded(org_map_html(views, AS_OF))
    account = views[0]
    assert ids_of(data, "person") == {f"p:{p.id}" for p in account.people}
    assert ids_of(data, "member") == {f"m:{m.id}" for m in account.members}
    node_ids = {n["id"] for n in data["nodes"]}
    assert len(node_ids) == len(data["nodes"])
    assert all(e["from"] in node_ids and e["to"] in node_ids for e in data["edges"])
    managed = [p for p in account.people if p.reports_to in {q.id for q in account.people}]
    assert sum(1 for e in data["edges"] if e["kind"] == "reports_to") == len(managed)


def test_japanese_names_are_in_the_page_as_utf8_text(demo: MemoryStore) -> None:
    page = org_map_html(family_views(demo, DEMO_ACCOUNT), AS_OF)
    assert '<meta charset="utf-8">' in page
    assert "<title>株式会社さくら製作所 — org map</title>" in page
    names = {n["name"] for n in embedded(page)["nodes"]}
    assert {"渡辺浩二", "高橋\u3000誠", "田中\u3000美咲"} <= names
    assert "渡辺浩二" in page  # unescaped in the embedded JSON, not \\u escapes
    assert '"Noto Sans CJK JP"' in page


def test_the_page_fetches_nothing_from_the_network(demo: MemoryStore) -> None:
    page = org_map_html(family_views(demo, DEMO_ACCOUNT), AS_OF, target_person_id="p-02")
    assert EXTERNAL_REF.search(page) is None
    assert "vis.Network" in page and "DataSet" in page  # vis-network is inlined
    assert len(re.findall(r"<script[^>]*\bsrc=", page)) == 0
    assert "<link" not in page


def test_the_strongest_paths_to_the_target_are_drawn_and_marked(demo: MemoryStore) -> None:
    answer = queries.influence(demo, DEMO_ACCOUNT, "p-02", AS_OF)
    assert answer.paths
    data = embedded(org_map_html(family_views(demo, DEMO_ACCOUNT), AS_OF, target_person_id="p-02"))
    drawn = {(e["rank"], e["from"], e["to"]) for e in data["edges"] if e["kind"] == "path"}
    expected = set()
    for rank, path in enumerate(answer.paths, start=1):
        prev = f"m:{path.member_id}"
        for hop in path.hops:
            expected.add((rank, prev, f"p:{hop.to_id}"))
            prev = f"p:{hop.to_id}"
    assert drawn == expected
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["p:p-02"]["target"] is True
    assert all(nodes[to]["onPath"] for _, _, to in drawn)
    assert {n for n, node in nodes.items() if node.get("target")} == {"p:p-02"}


def test_an_unknown_target_or_unit_is_not_found(demo: MemoryStore) -> None:
    views = family_views(demo, DEMO_ACCOUNT)
    with pytest.raises(NotFoundError, match="person at this account 'p-999'"):
        build_org_map(views, AS_OF, target_person_id="p-999")
    with pytest.raises(NotFoundError, match="business unit at this account 'bu-99'"):
        build_org_map(views, AS_OF, business_unit="bu-99")


def test_a_business_unit_filter_keeps_the_unit_and_the_units_below_it(
    demo: MemoryStore,
) -> None:
    views = family_views(demo, DEMO_ACCOUNT)
    org = build_org_map(views, AS_OF, business_unit="情報システム部")  # bu-03, parent of bu-04
    people = {n["personId"] for n in org.nodes if n["kind"] == "person"}
    expected = {p.id for p in views[0].people if p.bu_id in ("bu-03", "bu-04")}
    assert people == expected
    assert [lane.bu_id for lane in org.lanes] == ["bu-03", "bu-04"]


def test_subsidiaries_are_drawn_only_when_asked(demo: MemoryStore) -> None:
    views = family_views(demo, DEMO_ACCOUNT)
    assert [v.company.id for v in views] == ["c-01", "c-04"]
    alone = build_org_map(views, AS_OF)
    family = build_org_map(views, AS_OF, include_subsidiaries=True)
    sub_people = {f"p:{p.id}" for p in views[1].people}
    assert not sub_people & {n["id"] for n in alone.nodes}
    assert sub_people <= {n["id"] for n in family.nodes}
    assert {lane.company_id for lane in family.lanes} == {"c-01", "c-04"}


def test_open_deals_are_those_open_on_the_as_of_date(demo: MemoryStore) -> None:
    views = family_views(demo, DEMO_ACCOUNT)

    def deals(day: date) -> set[str]:
        return {n["dealId"] for n in build_org_map(views, day).nodes if n["kind"] == "deal"}

    assert deals(AS_OF) == {"d-04", "d-05"}
    assert deals(date(2026, 6, 1)) == {"d-04"}  # d-05 was created in August
    assert deals(date(2026, 1, 15)) == {"d-03"}  # d-03 was won on 2026-03-31


def _small_view() -> AccountView:
    """Ann (decider, touched yesterday), Bob (champion, touched 200 days ago) and Cid (left)."""
    day = datetime(2026, 11, 19, 10, tzinfo=UTC)
    return AccountView(
        company=Company(id="c", name="Acme"),
        business_units=[BusinessUnit(id="u", company_id="c", name="Sales")],
        people=[
            Person(id="ann", company_id="c", full_name="Ann", bu_id="u"),
            Person(id="bob", company_id="c", full_name="Bob", bu_id="u", reports_to="ann"),
            Person(
                id="cid",
                company_id="c",
                full_name="Cid",
                reports_to="ann",
                left_at=date(2026, 1, 1),
            ),
        ],
        buying_roles=[
            BuyingRole(person_id="ann", role=Role.DECIDER),
            BuyingRole(person_id="bob", role=Role.CHAMPION, bu_id="u"),
            BuyingRole(person_id="bob", role=Role.USER),
        ],
        members=[TeamMember(id="m", full_name="Eve")],
        account_team=[AccountTeamMember(company_id="c", member_id="m", role="ae")],
        touches=[
            Touch(id="t1", member_id="m", person_id="ann", type=TouchType.MEETING, occurred_at=day),
            Touch(
                id="t2",
                member_id="m",
                person_id="bob",
                type=TouchType.CALL,
                occurred_at=day - timedelta(days=199),
            ),
        ],
    )


def test_roles_are_fill_colours_champions_wear_a_star_and_heat_is_the_border() -> None:
    nodes = {n["id"]: n for n in build_org_map([_small_view()], AS_OF).nodes}
    ann, bob, cid = nodes["p:ann"], nodes["p:bob"], nodes["p:cid"]
    assert ann["color"]["background"] == ROLE_COLORS[Role.DECIDER]
    assert bob["color"]["background"] == ROLE_COLORS[Role.USER]  # user before champion
    assert bob["label"].startswith(f"Bob {CHAMPION_BADGE}") and CHAMPION_BADGE not in ann["label"]
    assert ann["color"]["border"] == HEAT_BANDS[0].color  # 1 day
    assert bob["color"]["border"] == HEAT_BANDS[3].color  # 200 days
    assert cid["color"]["border"] == NEVER_TOUCHED.color
    assert cid["shapeProperties"]["borderDashes"] and "(left)" in cid["label"]


def test_touch_edges_are_as_wide_as_the_touch_strength() -> None:
    edges = [e for e in build_org_map([_small_view()], AS_OF).edges if e["kind"] == "touch"]
    by_person = {e["to"]: e for e in edges}
    assert set(by_person) == {"p:ann", "p:bob"}
    assert by_person["p:ann"]["strength"] > by_person["p:bob"]["strength"] > 0
    assert by_person["p:ann"]["width"] == pytest.approx(
        1 + 7 * by_person["p:ann"]["strength"], abs=0.01
    )


def test_a_large_account_opens_at_once_without_physics() -> None:
    n = 1500
    people = [Person(id="p0", company_id="c", full_name="社長")]
    people += [
        Person(
            id=f"p{i}",
            company_id="c",
            full_name=f"社員 {i}",
            bu_id=f"u{i % 8}",
            reports_to=f"p{(i - 1) // 6}",
        )
        for i in range(1, n)
    ]
    day = datetime(2026, 11, 1, tzinfo=UTC)
    view = AccountView(
        company=Company(id="c", name="大企業"),
        business_units=[BusinessUnit(id=f"u{i}", company_id="c", name=f"部{i}") for i in range(8)],
        people=people,
        members=[TeamMember(id=f"m{i}", full_name=f"M{i}") for i in range(5)],
        touches=[
            Touch(
                id=f"t{i}",
                member_id=f"m{i % 5}",
                person_id=f"p{i % n}",
                type=TouchType.EMAIL,
                occurred_at=day - timedelta(days=i % 300),
            )
            for i in range(3 * n)
        ],
    )
    started = time.perf_counter()
    org = build_org_map([view], AS_OF)
    assert time.perf_counter() - started < 10
    assert org.options["physics"]["enabled"] is False
    assert org.options["edges"]["smooth"] is False
    assert all(n.get("x") is not None and n.get("y") is not None for n in org.nodes)
    assert org.hidden_kinds == ["touch"]
    assert all(e.get("hidden") for e in org.edges if e["kind"] == "touch")
    assert len({(n["x"], n["y"]) for n in org.nodes}) == len(org.nodes)  # no two overlap


def test_render_writes_the_status_hook_the_browser_test_reads(tmp_path: Path) -> None:
    page = org_map_html([_small_view()], AS_OF)
    assert 'id="abm-status"' in page and "drawnNodes" in page
