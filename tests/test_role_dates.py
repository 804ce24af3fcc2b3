"""Buying roles' since and until: loaded from the bundle (and a mapping file), and counted in
as-of answers only while held (``since <= as_of < until``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph_service.analytics import queries
from graph_service.analytics.engagement import Engagement
from graph_service.analytics.paths import Gap, NextBestTouch
from graph_service.as_of import role_held_on
from graph_service.domain import BuyingRole, Kind, Record, Role
from graph_service.store.family import family_views
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from loaders.presets import load_preset
from tests.fixtures import ACME, load
from viz.org_map import build_org_map

AS_OF = date(2026, 11, 1)
ACME_ROLES = [r for r in ACME[Kind.BUYING_ROLES] if isinstance(r, BuyingRole)]


@pytest.fixture
def mem(tmp_path: Path) -> MemoryStore:
    return MemoryStore(tmp_path / "data")


def write_bundle(folder: Path, roles: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "companies.csv").write_text("company_id,name\nc1,Acme\n", encoding="utf-8")
    (folder / "people.csv").write_text(
        "person_id,company_id,full_name\np1,c1,Ann\np2,c1,Bob\n", encoding="utf-8"
    )
    (folder / "buying_roles.csv").write_text(roles, encoding="utf-8")
    return folder


def test_role_held_on_includes_since_and_excludes_until() -> None:
    role = BuyingRole("p1", Role.USER, since=date(2026, 8, 3), until=date(2026, 10, 1))
    assert not role_held_on(role, date(2026, 8, 2))
    assert role_held_on(role, date(2026, 8, 3))
    assert role_held_on(role, date(2026, 9, 30))
    assert not role_held_on(role, date(2026, 10, 1))
    assert role_held_on(BuyingRole("p1", Role.USER), date(1900, 1, 1))
    assert role_held_on(BuyingRole("p1", Role.USER, until=date(2026, 1, 1)), date(2025, 12, 31))


def test_since_and_until_load_in_any_accepted_date_spelling(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = write_bundle(
        tmp_path / "b",
        "person_id,role,bu_id,since,until\n"
        "p1,decider,,2024-01-15,2026/06/01\n"
        "p2,user,,,2026-03-01\n"
        "p2,champion,,2025-02-01,\n",
    )
    report = load_bundle(b, mem)
    assert report.rejects == []
    view = mem.account("c1")
    assert view is not None
    assert {(r.person_id, r.role.value, r.since, r.until) for r in view.buying_roles} == {
        ("p1", "decider", date(2024, 1, 15), date(2026, 6, 1)),
        ("p2", "user", None, date(2026, 3, 1)),
        ("p2", "champion", date(2025, 2, 1), None),
    }


def test_a_bad_until_and_an_until_not_after_since_are_rejected(
    tmp_path: Path, mem: MemoryStore
) -> None:
    b = write_bundle(
        tmp_path / "b",
        "person_id,role,bu_id,since,until\n"
        "p1,decider,,2024-01-15,someday\n"
        "p1,buyer,,2024-01-15,2024-01-15\n"
        "p2,user,,2025-06-01,2025-05-31\n"
        "p2,champion,,2025-06-01,2025-06-02\n",
    )
    report = load_bundle(b, mem)
    rejects = {(r.file, r.line, r.field, r.value): r.reason for r in report.rejects}
    assert set(rejects) == {
        ("buying_roles.csv", 2, "until", "someday"),
        ("buying_roles.csv", 3, "until", "2024-01-15"),
        ("buying_roles.csv", 4, "until", "2025-05-31"),
    }
    assert rejects["buying_roles.csv", 4, "until", "2025-05-31"] == (
        "until must be after since (2025-06-01)"
    )
    roles = next(f for f in report.files if f.file == "buying_roles.csv")
    assert (roles.read, roles.loaded, roles.rejected) == (4, 1, 3)


def test_a_mapping_file_maps_role_dates(tmp_path: Path, mem: MemoryStore) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "people.csv").write_text("Id,Company,Name\np1,Acme,Ann\n", encoding="utf-8")
    (folder / "roles.csv").write_text(
        "Contact,Role,From,To\np1,Decision Maker,2024-01-15,2026-06-01\n"
        "p1,Coach,2026-06-01,2026-05-01\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[companies]\nfile = "people.csv"\ncolumns = { company_id = "Company", name = "Company" }\n'
        '[people]\nfile = "people.csv"\n'
        'columns = { person_id = "Id", company_id = "Company", full_name = "Name" }\n'
        '[buying_roles]\nfile = "roles.csv"\n'
        'columns = { person_id = "Contact", role = "Role", since = "From", until = "To" }\n'
        'values.role = { "Decision Maker" = "decider", "Coach" = "champion" }\n',
        encoding="utf-8",
    )
    report = load_preset("mapping", folder, mem, mapping=mapping)
    assert [(r.file, r.line, r.field) for r in report.rejects] == [("roles.csv", 3, "To")]
    view = mem.account("Acme")
    assert view is not None
    assert [(r.role, r.since, r.until) for r in view.buying_roles] == [
        (Role.DECIDER, date(2024, 1, 15), date(2026, 6, 1))
    ]


def ended(until: date) -> dict[Kind, list[Record]]:
    """Acme with Bob's (p2, engaged on AS_OF) influencer role ended on ``until``."""
    roles = [
        r if r.role is not Role.INFLUENCER else BuyingRole("p2", Role.INFLUENCER, until=until)
        for r in ACME_ROLES
    ]
    return {**ACME, Kind.BUYING_ROLES: [*roles]}


def test_coverage_no_longer_counts_a_role_after_its_until(mem: MemoryStore) -> None:
    load(mem, ended(date(2026, 10, 15)))
    report = queries.coverage_gaps(mem, "c1", AS_OF)
    influencer = next(c for c in report.account.cells if c.role is Role.INFLUENCER)
    assert (influencer.status, influencer.engaged) == (Engagement.MISSING, [])
    assert report.score == pytest.approx((0.5 + 0 + 0 + 0) / 4)
    # The day before it ended, Bob still held it.
    before = queries.coverage_gaps(mem, "c1", date(2026, 10, 14))
    influencer = next(c for c in before.account.cells if c.role is Role.INFLUENCER)
    assert influencer.engaged == ["p2"]


def test_a_role_not_yet_begun_is_a_missing_role_for_next_best_touches(mem: MemoryStore) -> None:
    """Ann (p1) becomes the decider only after AS_OF: the decider is missing, not cold."""
    roles = [
        BuyingRole("p1", Role.DECIDER, since=date(2026, 12, 1)) if r.role is Role.DECIDER else r
        for r in ACME_ROLES
    ]
    load(mem, {**ACME, Kind.BUYING_ROLES: [*roles]})

    def account_roles(day: date) -> dict[Role | None, NextBestTouch]:
        return {
            t.role: t
            for t in queries.next_best(mem, "c1", day)
            if t.gap is Gap.ROLE and t.bu_id is None
        }

    assert account_roles(AS_OF)[Role.DECIDER].status is Engagement.MISSING
    assert account_roles(date(2026, 12, 1))[Role.DECIDER].status is Engagement.COLD


def test_the_org_map_shows_only_the_roles_held_on_its_day(mem: MemoryStore) -> None:
    load(mem, ended(date(2026, 10, 15)))

    def bob(as_of: date) -> dict[str, Any]:
        org = build_org_map(family_views(mem, "c1"), as_of)
        node: dict[str, Any] = next(n for n in org.nodes if n.get("personId") == "p2")
        return node

    assert "influencer" in bob(date(2026, 10, 14))["title"]
    assert "influencer" not in bob(AS_OF)["title"]
    assert bob(AS_OF)["role"] == "champion"
