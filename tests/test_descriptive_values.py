"""An unrecognized value in an optional descriptive field never costs the row: the common
spellings are normalized, anything else loads with a warning (a seniority kept as written)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_service.analytics import queries
from graph_service.analytics.paths import role_fit
from graph_service.domain import (
    ActionStatus,
    Direction,
    Kind,
    Person,
    Role,
    Seniority,
    from_row,
    to_row,
)
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from loaders.vocabulary import seniority_level, seniority_parser


def write(dir_: Path, files: dict[str, str]) -> Path:
    dir_.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (dir_ / name).write_text(text, encoding="utf-8")
    return dir_


BASE = {
    "companies.csv": "company_id,name\nc1,Acme\n",
    "team.csv": "member_id,full_name,team_role\nm1,Kim,Account Executive\nm2,Lou,wizard\n",
    "deals.csv": "deal_id,company_id,stage,amount\nd1,c1,proposal,100\n",
    "buying_roles.csv": "person_id,role\np1,decider\np2,user\n",
    "deal_contacts.csv": "deal_id,person_id\nd1,p1\n",
    "touches.csv": (
        "touch_id,member_id,person_id,type,occurred_at,direction\n"
        "t1,m1,p1,meeting,2026-10-01,sideways\n"
        "t2,m1,p2,email,2026-10-02,Incoming\n"
    ),
    "next_actions.csv": (
        "action_id,company_id,member_id,due_date,description,status\n"
        "a1,c1,m1,2026-11-10,Call back,完了\n"
        "a2,c1,m1,2026-11-11,Send deck,someday\n"
    ),
}


def test_an_unknown_seniority_loads_the_person_and_everything_that_refers_to_them(
    tmp_path: Path,
) -> None:
    people = "person_id,company_id,full_name,title,seniority\np1,c1,Ann,CFO,Principal Wizard\n"
    people += "p2,c1,Bob,,部長\n"
    store = MemoryStore(tmp_path / "data")
    report = load_bundle(write(tmp_path / "b", {**BASE, "people.csv": people}), store)
    assert report.rejects == []
    files = {f.file: f for f in report.files}
    assert (files["people.csv"].loaded, files["people.csv"].warned) == (2, 1)
    assert files["buying_roles.csv"].loaded == 2
    assert files["deal_contacts.csv"].loaded == 1
    assert files["touches.csv"].loaded == 2
    warning = next(w for w in report.warnings if w.file == "people.csv")
    assert (warning.line, warning.field, warning.value) == (2, "seniority", "Principal Wizard")
    assert "kept as written" in warning.reason
    view = store.account("c1")
    assert view is not None
    by_id = {p.id: p for p in view.people}
    assert by_id["p1"].seniority == "Principal Wizard"  # the raw text, not a level
    assert by_id["p2"].seniority is Seniority.DIRECTOR
    # The analytics read the raw text as no known level.
    assert role_fit(by_id["p1"], Role.DECIDER) == pytest.approx(0.6)
    coverage = queries.coverage_gaps(store, "c1", date(2026, 11, 1))
    assert {c.role for c in coverage.account.cells} >= {Role.DECIDER}


def test_unknown_values_of_the_other_descriptive_fields_load_the_row_without_them(
    tmp_path: Path,
) -> None:
    people = "person_id,company_id,full_name\np1,c1,Ann\np2,c1,Bob\n"
    store = MemoryStore(tmp_path / "data")
    report = load_bundle(write(tmp_path / "b", {**BASE, "people.csv": people}), store)
    assert report.rejects == []
    warned = {(w.file, w.line, w.field, w.value) for w in report.warnings}
    assert warned == {
        ("team.csv", 3, "team_role", "wizard"),
        ("touches.csv", 2, "direction", "sideways"),
        ("next_actions.csv", 3, "status", "someday"),
    }
    files = {f.file: f for f in report.files}
    assert all(f.warned == (1 if f.file in {w[0] for w in warned} else 0) for f in files.values())
    view = store.account("c1")
    assert view is not None
    assert {t.id: t.direction for t in view.touches} == {"t1": None, "t2": Direction.INBOUND}
    assert {a.id: a.status for a in view.next_actions} == {"a1": ActionStatus.DONE, "a2": None}


def test_a_wallet_row_with_two_warnings_counts_once(tmp_path: Path) -> None:
    files = {
        "companies.csv": "company_id,name\nc1,Acme\n",
        "deals.csv": "deal_id,company_id,stage,amount,currency\nd1,c1,won,5,USD\nd2,c1,won,5,USD\n",
        "wallet.csv": "company_id,category,amount,as_of,source,currency\n"
        "c1,CRM,100,2026-01-01,hearsay,BRL\n",
    }
    report = load_bundle(write(tmp_path / "b", files), MemoryStore(tmp_path / "data"))
    wallet = next(f for f in report.files if f.file == "wallet.csv")
    assert (wallet.loaded, wallet.warned) == (1, 1)
    assert {w.field for w in report.warnings} == {"source", "currency"}


@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("Individual Contributor", Seniority.STAFF),
        ("Entry", Seniority.STAFF),
        ("senior", Seniority.STAFF),
        ("Non-Manager", Seniority.STAFF),
        ("主任", Seniority.STAFF),
        ("担当", Seniority.STAFF),
        ("Lead", Seniority.MANAGER),
        ("Senior Manager", Seniority.MANAGER),
        ("課長", Seniority.MANAGER),
        ("係長", Seniority.MANAGER),
        ("Head of Marketing", Seniority.DIRECTOR),
        ("Director", Seniority.DIRECTOR),
        ("部長", Seniority.DIRECTOR),
        ("VP", Seniority.VP),
        ("SVP", Seniority.VP),
        ("EVP, Sales", Seniority.VP),
        ("VP-Level", Seniority.VP),
        ("本部長", Seniority.VP),
        ("執行役員", Seniority.VP),
        ("CxO", Seniority.C_LEVEL),
        ("Chief Revenue Officer", Seniority.C_LEVEL),
        ("C-Level", Seniority.C_LEVEL),
        ("役員", Seniority.C_LEVEL),
        ("取締役", Seniority.C_LEVEL),
        ("代表取締役社長", Seniority.C_LEVEL),
        ("ＳＴＡＦＦ", Seniority.STAFF),
    ],
)
def test_common_spellings_of_rank_are_levels(label: str, level: Seniority) -> None:
    assert seniority_level(label) is level


@given(label=st.text(min_size=1, max_size=30))
def test_the_seniority_parser_never_rejects(label: str) -> None:
    parsed = seniority_parser()(label)
    assert isinstance(parsed, Seniority) or parsed.value == label


_SENIORITY = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters='",'),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s.strip())


@settings(max_examples=25, deadline=None)
@given(seniority=_SENIORITY)
def test_any_seniority_string_loads_the_person(seniority: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        people = f"person_id,company_id,full_name,seniority\np1,c1,Ann,{seniority}\n"
        files = {"companies.csv": "company_id,name\nc1,Acme\n", "people.csv": people}
        store = MemoryStore(Path(tmp) / "data")
        report = load_bundle(write(Path(tmp) / "b", files), store)
        assert report.rejects == []
        view = store.account("c1")
        assert view is not None and [p.id for p in view.people] == ["p1"]
        kept = view.people[0].seniority
        assert kept == (seniority_level(seniority) or seniority)


def test_a_raw_seniority_survives_a_round_trip_through_a_row() -> None:
    person = Person(id="p", company_id="c", full_name="A", seniority="Principal Wizard")
    assert from_row(Person, to_row(person)) == person
    known = Person(id="p", company_id="c", full_name="A", seniority=Seniority.VP)
    again = from_row(Person, to_row(known))
    assert isinstance(again, Person) and again.seniority is Seniority.VP
    assert Kind.PEOPLE.record_type is Person
