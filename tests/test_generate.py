"""The scale-data generator writes a loadable, deterministic bundle with a realistic shape."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from graph_service.domain import Kind, Stage
from graph_service.store.memory import MemoryStore
from loaders.bundle import IdentityResolver, load_bundle
from loaders.generate import (
    HEADERS,
    MANIFEST_FILE,
    NAME_SIMILARITY,
    PLANTED_FILE,
    corporate_number,
    generate_bundle,
)
from loaders.normalize import normalize_key
from loaders.tables import COLUMNS
from tests.test_cli import abmgraph

ACCOUNTS = 60


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    generate_bundle(out, ACCOUNTS, seed=7)
    return out


@pytest.fixture(scope="module")
def big_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated-big")
    generate_bundle(out, 1500, seed=11, duplicates=12)
    return out


def read(bundle: Path, kind: Kind | str) -> list[dict[str, str]]:
    name = kind.value if isinstance(kind, Kind) else kind
    with (bundle / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_file_has_exactly_the_bundle_header_and_rows(bundle: Path) -> None:
    for kind in Kind:
        with (bundle / f"{kind.value}.csv").open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        assert tuple(header) == HEADERS[kind] == tuple(c.name for c in COLUMNS[kind])
        assert read(bundle, kind), f"{kind.value}.csv has no rows"


def test_the_bundle_loads_with_zero_rejects(bundle: Path, tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "data")
    try:
        report = load_bundle(bundle, store, resolver=IdentityResolver())
        assert report.ok and report.rejects == []
        summary = json.loads((bundle / MANIFEST_FILE).read_text(encoding="utf-8"))
        assert {f.file: f.loaded for f in report.files} == summary["rows"]
        nodes = store.stats().nodes
        assert nodes["Company"] == summary["rows"]["companies.csv"]
        assert nodes["Person"] == summary["rows"]["people.csv"]
        assert nodes["Touch"] == summary["rows"]["touches.csv"]
    finally:
        store.close()


def test_same_seed_same_bytes_other_seed_other_bytes(bundle: Path, tmp_path: Path) -> None:
    again = generate_bundle(tmp_path / "again", ACCOUNTS, seed=7)
    names = [f"{k.value}.csv" for k in Kind] + [PLANTED_FILE, MANIFEST_FILE]
    for name in names:
        assert (bundle / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    assert again.rows["touches.csv"] == len(read(bundle, Kind.TOUCHES))
    generate_bundle(tmp_path / "other", ACCOUNTS, seed=8)
    assert (bundle / "touches.csv").read_bytes() != (
        tmp_path / "other" / "touches.csv"
    ).read_bytes()


def test_deals_in_every_stage_over_several_years(bundle: Path) -> None:
    deals = read(bundle, Kind.DEALS)
    assert {d["stage"] for d in deals} == {s.value for s in Stage}
    years = {d["created_date"][:4] for d in deals}
    assert len(years) >= 4
    closed = [d for d in deals if d["stage"] in ("won", "lost")]
    assert all(d["close_date"] and d["close_date"] >= d["created_date"] for d in closed)


def test_planted_duplicates_name_rows_that_exist_and_share_their_keys(bundle: Path) -> None:
    planted = json.loads((bundle / PLANTED_FILE).read_text(encoding="utf-8"))
    companies = {c["company_id"]: c for c in read(bundle, Kind.COMPANIES)}
    people = {p["person_id"]: p for p in read(bundle, Kind.PEOPLE)}
    assert planted["companies"] and planted["people"]
    for pair in planted["companies"]:
        a, b = companies[pair["original"]], companies[pair["duplicate"]]
        assert a["name"] != b["name"]
        assert host(a["domain"]) == host(b["domain"]) != ""
        assert a["corporate_number"] == b["corporate_number"]
    for pair in planted["people"]:
        a, b = people[pair["original"]], people[pair["duplicate"]]
        assert a["company_id"] == b["company_id"] == pair["company_id"]
        assert a["email"] != b["email"] and a["email"].lower() == b["email"].lower()
        assert normalize_key(a["full_name"]) == normalize_key(b["full_name"])
    touched = {t["person_id"] for t in read(bundle, Kind.TOUCHES)}
    assert {p["duplicate"] for p in planted["people"]} <= touched


def host(domain: str) -> str:
    return domain.lower().removeprefix("www.")


def test_nothing_but_the_planted_rows_is_a_duplicate(big_bundle: Path) -> None:
    planted = json.loads((big_bundle / PLANTED_FILE).read_text(encoding="utf-8"))
    assert len(planted["companies"]) == len(planted["people"]) == 12
    dup_companies = {p["duplicate"] for p in planted["companies"]}
    dup_people = {p["duplicate"] for p in planted["people"]}
    companies = [
        c for c in read(big_bundle, Kind.COMPANIES) if c["company_id"] not in dup_companies
    ]
    domains = [host(c["domain"]) for c in companies if c["domain"]]
    assert len(domains) == len(set(domains))
    numbers = [c["corporate_number"] for c in companies if c["corporate_number"]]
    assert numbers and len(numbers) == len(set(numbers))
    assert all(corporate_number(int(n[1:])) == n for n in numbers)
    names = [base_name(c["name"]) for c in companies]
    assert len(names) == len(set(names)), Counter(names).most_common(3)
    people = [p for p in read(big_bundle, Kind.PEOPLE) if p["person_id"] not in dup_people]
    emails = [p["email"].lower() for p in people if p["email"]]
    assert len(emails) == len(set(emails))


def test_no_two_people_of_a_company_have_alike_names(big_bundle: Path) -> None:
    fuzz = pytest.importorskip("rapidfuzz.fuzz")
    dup_people = {
        p["duplicate"]
        for p in json.loads((big_bundle / PLANTED_FILE).read_text(encoding="utf-8"))["people"]
    }
    by_company: dict[str, list[str]] = {}
    for p in read(big_bundle, Kind.PEOPLE):
        if p["person_id"] not in dup_people:
            name = (
                p["full_name"].replace("\u3000", "").replace(" ", "")
                if not p["full_name"].isascii()
                else p["full_name"]
            )
            by_company.setdefault(p["company_id"], []).append(name)
    checked = 0
    for names in sorted(by_company.values(), key=len, reverse=True)[:40]:
        assert len(names) == len(set(names))
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                assert fuzz.ratio(a, b) < NAME_SIMILARITY * 100, (a, b)
                checked += 1
    assert checked > 10_000


LEGAL_FORMS = (
    "株式会社", "合同会社", "Co., Ltd.", "Pte. Ltd.", "Pty Ltd", "K.K.", "Inc.", "Corp.", "LLC",
    "Co.", "Ltd.", "Ltd", "plc", "GmbH", "AG", "SAS", "SA",
)  # fmt: skip


def base_name(name: str) -> str:
    """The name without its legal form, normalized."""
    for form in LEGAL_FORMS:
        if name.startswith(form):
            return normalize_key(name[len(form) :])
        if name.endswith(form):
            return normalize_key(name[: -len(form)])
    return normalize_key(name)


def test_the_shape_is_realistic(big_bundle: Path) -> None:
    companies = read(big_bundle, Kind.COMPANIES)
    subsidiaries = [c for c in companies if c["parent_company_id"]]
    assert 0.04 < len(subsidiaries) / len(companies) < 0.2
    people = read(big_bundle, Kind.PEOPLE)
    sizes = sorted(Counter(p["company_id"] for p in people).values())
    assert sizes[-1] > 10 * sizes[len(sizes) // 2]  # heavy tail
    assert any(p["left_at"] for p in people)
    ids = {p["person_id"] for p in people}
    order = {p["person_id"]: i for i, p in enumerate(people)}
    forward = [
        p for p in people if p["reports_to"] and order[p["reports_to"]] > order[p["person_id"]]
    ]
    assert forward and all(p["reports_to"] in ids for p in people if p["reports_to"])
    units = read(big_bundle, Kind.BUSINESS_UNITS)
    assert any(u["parent_bu_id"] for u in units)
    roles = read(big_bundle, Kind.BUYING_ROLES)
    assert {r["role"] for r in roles} == {
        "decider", "buyer", "influencer", "user", "gatekeeper", "initiator", "champion"
    }  # fmt: skip
    assert any(r["role"] == "champion" and r["bu_id"] for r in roles)
    wallet = read(big_bundle, Kind.WALLET)
    with_wallet = {w["company_id"] for w in wallet}
    assert 0.2 < len(with_wallet) / len(companies) < 0.9
    assert any(w["vendor_rank"] and w["vendor_count"] for w in wallet)
    touches = read(big_bundle, Kind.TOUCHES)
    last: dict[str, str] = {}
    for t in touches:
        company = t["person_id"][2:8]
        last[company] = max(last.get(company, ""), t["occurred_at"][:10])
    cold = [c for c, day in last.items() if day < "2026-03-01"]
    assert 0.05 < len(cold) / len(last) < 0.5  # some accounts went cold months ago
    team = read(big_bundle, Kind.TEAM)
    assert len(team) >= 1500 / 25 and {m["team_role"] for m in team} >= {"ae", "manager", "exec"}


def test_the_first_account_can_be_made_large(tmp_path: Path) -> None:
    summary = generate_bundle(tmp_path, 5, seed=1, first_account_people=700)
    assert summary.largest_accounts[0] == ("c-000001", 700)


def test_cli_generate_prints_rows_per_file(tmp_path: Path) -> None:
    result = abmgraph(
        "generate", str(tmp_path / "b"), "--accounts", "4", "--json", data_dir=tmp_path
    )
    summary = json.loads(result.stdout)
    assert summary["rows"]["companies.csv"] == 4 + summary["planted_companies"]
    assert (tmp_path / "b" / "touches.csv").exists()
    table = abmgraph("generate", str(tmp_path / "c"), "--accounts", "4", data_dir=tmp_path)
    assert "touches.csv" in table.stderr and "Traceback" not in table.stderr
