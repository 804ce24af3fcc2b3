"""Entity resolution on the embedded store: what merges, what must not, and what follows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph_service.domain import Company, Kind, Person
from graph_service.errors import ConfigError
from graph_service.store.dry_run import DryRunStore
from graph_service.store.memory import MemoryStore
from loaders.bundle import IdentityResolver, load_bundle
from loaders.report import LoadReport
from loaders.resolve import NAME_THRESHOLD, EntityResolver, Overrides, name_score
from tests.resolution_fixtures import PLANTED, write_bundle, write_overrides


@pytest.fixture
def mem(tmp_path: Path) -> MemoryStore:
    return MemoryStore(tmp_path / "data")


def merges(report: LoadReport) -> set[tuple[str, str, str, str]]:
    return {(m.kind, m.kept_id, i, m.rule) for m in report.merges for i in m.merged_ids}


def load(
    path: Path, store: MemoryStore | DryRunStore, overrides: Overrides | None = None
) -> LoadReport:
    return load_bundle(path, store, resolver=EntityResolver(store, overrides))


def files(report: LoadReport) -> dict[str, tuple[int, int, int, int]]:
    return {f.file: (f.read, f.loaded, f.merged, f.rejected) for f in report.files}


def test_the_planted_duplicates_merge_and_nothing_else(tmp_path: Path, mem: MemoryStore) -> None:
    report = load_bundle(write_bundle(tmp_path / "b"), mem)  # resolution is on by default
    assert merges(report) == PLANTED
    counts = files(report)
    assert counts["companies.csv"] == (9, 9, 4, 0)
    assert counts["people.csv"] == (8, 8, 3, 0)
    assert mem.existing_ids(Kind.COMPANIES, [f"c{i}" for i in range(1, 10)]) == {
        "c1",
        "c4",
        "c5",  # same name as c4 (Acme) but another domain
        "c6",
        "c8",
    }
    assert mem.existing_ids(Kind.PEOPLE, [f"p{i}" for i in range(1, 9)]) == {
        "p1",
        "p3",
        "p5",  # p1's name at another company
        "p6",  # p1's name romanized, with nothing to confirm it
        "p7",
    }


def test_merged_rows_count_as_loaded_onto_their_survivor(tmp_path: Path, mem: MemoryStore) -> None:
    report = load(write_bundle(tmp_path / "b"), mem)
    for f in report.files:
        assert f.read == f.loaded + f.rejected
    totals = report.as_dict()["totals"]
    assert totals["merged"] == 7
    assert {m["rule"] for m in report.as_dict()["merges"]} == {
        "domain",
        "corporate_number",
        "name",
        "email",
    }


def test_the_survivor_keeps_its_values_and_fills_its_empty_ones(
    tmp_path: Path, mem: MemoryStore
) -> None:
    load(write_bundle(tmp_path / "b"), mem)
    view = mem.account("c1")
    assert view is not None
    assert view.company == Company(
        id="c1", name="株式会社さくら", domain="sakura.co.jp", country="JP"
    )
    acme = mem.account("c4")
    assert acme is not None
    ann = next(p for p in acme.people if p.id == "p3")
    # Ann's own email and company win; her empty title is filled from the duplicate.
    assert ann == Person(
        id="p3", company_id="c4", full_name="Ann Lee", email="ann@acme.com", title="CTO"
    )
    beta = mem.account("c8")
    assert beta is not None and beta.company.country == "US"


def test_references_to_merged_ids_land_on_the_survivor(tmp_path: Path, mem: MemoryStore) -> None:
    load(write_bundle(tmp_path / "b"), mem)
    view = mem.account("c1")
    assert view is not None
    assert sorted(p.id for p in view.people) == ["p1", "p6"]
    assert sorted((t.id, t.person_id) for t in view.touches) == [
        ("t1", "p1"),
        ("t2", "p1"),
        ("t3", "p6"),
    ]
    # p2's roles are p1's now; the later row of the same identity wins, as for any repeat.
    assert sorted((r.person_id, r.role.value) for r in view.buying_roles) == [
        ("p1", "champion"),
        ("p1", "decider"),
        ("p6", "user"),
    ]
    assert [(d.id, d.company_id) for d in view.deals] == [("d1", "c1")]
    assert sorted((c.person_id, c.role) for c in view.deal_contacts) == [("p3", "user")]
    nta = mem.account("c6")
    assert nta is not None and [(t.id, t.person_id) for t in nta.touches] == [("t4", "p7")]
    acme = mem.account("c4")
    assert acme is not None
    assert [(r.from_person_id, r.to_person_id) for r in acme.relationships] == [("p3", "p1")]


def test_a_tie_that_merging_joins_to_itself_is_rejected_with_its_reason(
    tmp_path: Path, mem: MemoryStore
) -> None:
    report = load(write_bundle(tmp_path / "b"), mem)
    assert [(r.file, r.line, r.field, r.value) for r in report.rejects] == [
        ("relationships.csv", 2, "to_person_id", "p1")
    ]
    assert "both ends of this tie are person 'p1' after merging" in report.rejects[0].reason


def test_romanized_and_kanji_names_merge_only_on_an_always_merge_override(
    tmp_path: Path, mem: MemoryStore
) -> None:
    overrides = Overrides.from_dict({"always_merge": [["p1", "p6"]]})
    report = load(write_bundle(tmp_path / "b"), mem, overrides)
    assert merges(report) == PLANTED | {("people", "p1", "p6", "always_merge")}
    assert mem.existing_ids(Kind.PEOPLE, ["p6"]) == set()
    view = mem.account("c1")
    assert view is not None
    assert sorted((t.id, t.person_id) for t in view.touches)[-1] == ("t3", "p1")


def test_never_merge_keeps_records_apart_under_every_rule(tmp_path: Path, mem: MemoryStore) -> None:
    overrides = Overrides.from_dict({"never_merge": [["c3", "c1"], ["p3", "p4"]]})
    report = load(write_bundle(tmp_path / "b"), mem, overrides)
    assert merges(report) == PLANTED - {
        ("companies", "c1", "c3", "domain"),
        ("people", "p3", "p4", "email"),
    }
    # c3 cannot join c1's group through c2 either.
    assert mem.existing_ids(Kind.COMPANIES, ["c1", "c2", "c3"]) == {"c1", "c3"}


def test_reloading_changes_nothing(tmp_path: Path, mem: MemoryStore) -> None:
    bundle = write_bundle(tmp_path / "b")
    first = load(bundle, mem)
    before = mem.stats()
    again = load(bundle, mem)
    assert mem.stats() == before
    assert merges(again) == merges(first)
    assert files(again) == files(first)


def test_a_record_in_the_store_survives_the_same_record_under_a_new_id(
    tmp_path: Path, mem: MemoryStore
) -> None:
    write_bundle(
        tmp_path / "old", {"companies.csv": "company_id,name,domain\nx1,さくら,www.sakura.co.jp\n"}
    )
    load(tmp_path / "old", mem)
    report = load(write_bundle(tmp_path / "b"), mem)
    assert {("companies", "x1", c, "domain") for c in ("c1", "c2", "c3")} <= merges(report)
    view = mem.account("x1")
    assert view is not None
    assert view.company.name == "さくら" and view.company.country == "JP"
    assert sorted(p.id for p in view.people) == ["p1", "p6"]
    assert mem.account("c1") is None


def test_an_override_added_later_folds_a_stored_record_into_its_survivor(
    tmp_path: Path, mem: MemoryStore
) -> None:
    bundle = write_bundle(tmp_path / "b")
    load(bundle, mem)
    assert mem.existing_ids(Kind.PEOPLE, ["p6"]) == {"p6"}
    # The next load holds only a touch file: the override is honoured all the same.
    write_bundle(tmp_path / "next", {"team.csv": "member_id,full_name\nm1,Eve AE\n"})
    report = load(tmp_path / "next", mem, Overrides.from_dict({"always_merge": [["p1", "p6"]]}))
    assert merges(report) == {("people", "p1", "p6", "always_merge")}
    assert report.merges[0].file == "(store)"
    assert mem.existing_ids(Kind.PEOPLE, ["p1", "p6"]) == {"p1"}
    view = mem.account("c1")
    assert view is not None
    assert ("t3", "p1") in {(t.id, t.person_id) for t in view.touches}
    assert ("p1", "user") in {(r.person_id, r.role.value) for r in view.buying_roles}


def test_merges_of_records_both_in_the_store_are_reported_from_the_store(
    tmp_path: Path, mem: MemoryStore
) -> None:
    bundle = write_bundle(tmp_path / "b")
    load(bundle, mem)
    report = load(bundle, mem, Overrides.from_dict({"always_merge": [["p1", "p6"]]}))
    [merge] = [m for m in report.merges if m.rule == "always_merge"]
    assert (merge.kept_id, merge.merged_ids, merge.file) == ("p1", ("p6",), "(store)")
    assert files(report)["people.csv"] == (8, 8, 4, 0)  # p6's row is merged now too


def test_a_later_load_may_refer_to_a_merged_id(tmp_path: Path, mem: MemoryStore) -> None:
    load(write_bundle(tmp_path / "b"), mem)
    write_bundle(
        tmp_path / "later",
        {"touches.csv": "touch_id,member_id,person_id,type,occurred_at\nt9,m1,p2,call,42856\n"},
    )
    report = load(tmp_path / "later", mem)
    assert report.rejects == [] and report.merges == []
    view = mem.account("c1")
    assert view is not None and ("t9", "p1") in {(t.id, t.person_id) for t in view.touches}


def test_a_row_merged_away_earlier_goes_to_its_survivor_when_no_rule_matches_now(
    tmp_path: Path, mem: MemoryStore
) -> None:
    load(write_bundle(tmp_path / "b"), mem)
    write_bundle(tmp_path / "next", {"companies.csv": "company_id,name\nc2,Hanamizuki\n"})
    report = load(tmp_path / "next", mem)
    assert merges(report) == {("companies", "c1", "c2", "earlier_merge")}
    assert mem.existing_ids(Kind.COMPANIES, ["c2"]) == set()


def test_never_merge_given_after_a_merge_lets_the_merged_id_stand_for_itself_again(
    tmp_path: Path, mem: MemoryStore
) -> None:
    bundle = write_bundle(tmp_path / "b")
    load(bundle, mem)
    report = load(bundle, mem, Overrides.from_dict({"never_merge": [["p3", "p4"]]}))
    assert ("people", "p3", "p4", "email") not in merges(report)
    assert mem.existing_ids(Kind.PEOPLE, ["p3", "p4"]) == {"p3", "p4"}
    assert "p4" not in mem.resolution_records(Kind.PEOPLE).aliases


def test_a_dry_run_reports_the_same_merges_and_writes_nothing(
    tmp_path: Path, mem: MemoryStore
) -> None:
    dry = DryRunStore(mem)
    report = load(write_bundle(tmp_path / "b"), dry)
    assert merges(report) == PLANTED
    assert mem.stats().as_dict() == {"nodes": {}, "relationships": {}}


def test_merges_survive_a_crash_and_a_reopen(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "data")
    load(write_bundle(tmp_path / "b"), store)
    load(tmp_path / "b", store, Overrides.from_dict({"always_merge": [["p1", "p6"]]}))
    stats = store.stats()
    aliases = store.resolution_records(Kind.PEOPLE).aliases
    assert aliases == {"p2": "p1", "p4": "p3", "p6": "p1", "p8": "p7"}
    crashed = MemoryStore(tmp_path / "data", read_only=True)  # the journal, not yet compacted
    assert crashed.stats() == stats
    assert crashed.resolution_records(Kind.PEOPLE).aliases == aliases
    store.close()
    reopened = MemoryStore(tmp_path / "data")  # the snapshot
    try:
        assert reopened.stats() == stats
        assert reopened.resolution_records(Kind.PEOPLE).aliases == aliases
        assert reopened.resolution_records(Kind.COMPANIES).aliases == {
            "c2": "c1",
            "c3": "c1",
            "c7": "c6",
            "c9": "c8",
        }
    finally:
        reopened.close()


def test_the_identity_resolver_merges_nothing(tmp_path: Path, mem: MemoryStore) -> None:
    report = load_bundle(write_bundle(tmp_path / "b"), mem, resolver=IdentityResolver())
    assert report.merges == [] and mem.stats().nodes["Person"] == 8


def test_the_merge_report_is_a_csv(tmp_path: Path, mem: MemoryStore) -> None:
    report = load(write_bundle(tmp_path / "b"), mem)
    path = report.write_merges(tmp_path / "merges.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0] == {
        "kind": "companies",
        "kept_id": "c1",
        "merged_ids": "c2",
        "rule": "domain",
        "score": "100",
        "file": "companies.csv",
        "status": "merged",
    }
    assert len(rows) == len(PLANTED)
    assert report.as_dict()["merges_path"] == str(path)


# -- the rules one at a time ---------------------------------------------------------------------


def companies(tmp_path: Path, mem: MemoryStore, rows: str) -> set[str]:
    write_bundle(
        tmp_path / "c", {"companies.csv": "company_id,name,domain,corporate_number\n" + rows}
    )
    report = load(tmp_path / "c", mem)
    return {f"{m.merged_ids[0]}>{m.kept_id}" for m in report.merges}


def people(tmp_path: Path, mem: MemoryStore, rows: str) -> set[str]:
    write_bundle(
        tmp_path / "p",
        {
            "companies.csv": "company_id,name\nc1,Acme\nc2,Beta\n",
            "people.csv": "person_id,company_id,full_name,email\n" + rows,
        },
    )
    report = load(tmp_path / "p", mem)
    return {f"{m.merged_ids[0]}>{m.kept_id}" for m in report.merges}


def test_a_name_shared_by_two_companies_with_different_domains_merges_nothing(
    tmp_path: Path, mem: MemoryStore
) -> None:
    rows = "a,Acme Inc,acme.com,\nb,Acme Ltd,acme.co.uk,\nc,ACME,,\n"
    assert companies(tmp_path, mem, rows) == set()


def test_different_valid_corporate_numbers_are_different_companies(
    tmp_path: Path, mem: MemoryStore
) -> None:
    rows = "a,Acme,acme.com,7000012050002\nb,Acme,acme.com,2021001052596\nc,Acme,acme.com,\n"
    assert companies(tmp_path, mem, rows) == {"c>a"}


def test_an_invalid_corporate_number_is_not_matched(tmp_path: Path, mem: MemoryStore) -> None:
    rows = "a,Acme,,7000012050003\nb,Zeta,,7000012050003\n"
    assert companies(tmp_path, mem, rows) == set()


def test_people_with_the_same_name_but_different_emails_are_different_people(
    tmp_path: Path, mem: MemoryStore
) -> None:
    rows = "a,c1,佐藤 翔,sho1@acme.com\nb,c1,佐藤翔,sho2@acme.com\nc,c1,佐藤　翔,\n"
    assert people(tmp_path, mem, rows) == {"c>a"}


def test_japanese_names_with_and_without_the_space_merge_at_the_same_company_only(
    tmp_path: Path, mem: MemoryStore
) -> None:
    rows = "a,c1,佐藤 花子,\nb,c1,佐藤花子,\nc,c2,佐藤花子,\n"
    assert people(tmp_path, mem, rows) == {"b>a"}


def test_the_name_threshold_keeps_one_letter_apart_short_names_apart(
    tmp_path: Path, mem: MemoryStore
) -> None:
    rows = (
        "a,c1,Katherine Johnson,\nb,c1,Katharine Johnson,\n"
        "c,c1,Mark Chen,\nd,c1,Mary Chen,\n"
        "e,c1,Hanako Sato,\nf,c1,SATO Hanako,\n"
    )
    assert people(tmp_path, mem, rows) == {"b>a", "f>e"}


def test_name_scores_around_the_threshold() -> None:
    assert name_score("Katherine Johnson", "Katharine Johnson") >= NAME_THRESHOLD
    assert name_score("Ann Lee", "Anne Lee") >= NAME_THRESHOLD
    assert name_score("Mark Chen", "Mary Chen") < NAME_THRESHOLD
    assert name_score("Maria Garcia", "Mario Garcia") < NAME_THRESHOLD
    assert name_score("佐藤花子", "佐藤華子") < NAME_THRESHOLD
    assert name_score("Sato Hanako", "佐藤花子") < NAME_THRESHOLD


# -- the overrides file --------------------------------------------------------------------------


def test_an_overrides_file_is_read(tmp_path: Path) -> None:
    path = write_overrides(
        tmp_path / "o.toml",
        'never_merge = [["c1", "c3"]]\nalways_merge = [["p1", "p6"], ["p1", "p9"]]\n',
    )
    overrides = Overrides.load(path)
    assert overrides.never_merge == {frozenset({"c1", "c3"})}
    assert overrides.always_merge == {"p6": "p1", "p9": "p1"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("never_merge = [1, 2]", "never_merge must be a list of id pairs"),
        ('always_merge = [["a", "b", "c"]]', "always_merge must be a list of id pairs"),
        ('always_merge = [["a", "a"]]', "names one id twice"),
        ('always_merge = [["a", "b"], ["c", "b"]]', "merges 'b' into both 'a' and 'c'"),
        ('always_merge = [["a", "b"]]\nnever_merge = [["b", "a"]]', "in both always_merge"),
        ('sometimes_merge = [["a", "b"]]', "unknown key 'sometimes_merge'"),
        ("never_merge = [[", "not TOML"),
    ],
)
def test_a_bad_overrides_file_is_refused_with_its_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write_overrides(tmp_path / "o.toml", text)
    with pytest.raises(ConfigError, match=message):
        Overrides.load(path)


def test_a_missing_overrides_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"o\.toml: cannot read"):
        Overrides.load(tmp_path / "o.toml")
