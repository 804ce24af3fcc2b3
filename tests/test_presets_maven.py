"""The maven-crm preset: the public Maven CRM sample loads as the CSVs say, on both stores.

Expected figures are computed here from the CSV files with the csv module, independently of the
preset, and compared with what the store holds after the load.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_service.domain import Stage, TeamRole
from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from loaders.normalize import normalize_key
from loaders.presets import load_preset
from loaders.presets.maven_crm import UNASSIGNED_REASON
from loaders.report import LoadReport
from tests.conftest import MAVEN_CRM, needs_maven_crm

pytestmark = needs_maven_crm


def source(name: str) -> list[dict[str, str]]:
    with (MAVEN_CRM / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


PIPELINE = source("sales_pipeline.csv") if MAVEN_CRM.is_dir() else []
ACCOUNTS = source("accounts.csv") if MAVEN_CRM.is_dir() else []
TEAMS = source("sales_teams.csv") if MAVEN_CRM.is_dir() else []


def files(report: LoadReport) -> dict[str, dict[str, object]]:
    return {f.file: f.as_dict() for f in report.files}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MemoryStore, LoadReport]]:
    """The sample loaded once into an embedded store, for the read-only tests below."""
    store = MemoryStore(tmp_path_factory.mktemp("maven") / "data")
    report = load_preset("maven-crm", MAVEN_CRM, store)
    yield store, report
    store.close()


def expected_figures() -> dict[str, tuple[int, int, float]]:
    """Per account name: deals, won deals and won close_value, straight from the CSV."""
    deals: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in PIPELINE:
        if row["account"]:
            deals[row["account"]].append(row)
    figures = {}
    for account, rows in deals.items():
        won = [r for r in rows if r["deal_stage"] == "Won"]
        figures[account] = (len(rows), len(won), sum(float(r["close_value"]) for r in won))
    return figures


def test_the_store_holds_each_accounts_deals_wins_and_won_value_and_the_report_every_row(
    store: Store,
) -> None:
    report = load_preset("maven-crm", MAVEN_CRM, store)
    by_file = files(report)
    for name in ("accounts.csv", "sales_teams.csv", "products.csv", "sales_pipeline.csv"):
        assert by_file[name]["read"] == len(source(name)), name
    for f in report.files:
        assert f.error is None
        assert f.read == f.loaded + f.rejected, f.file
    assert len(report.rejects) == sum(f.rejected for f in report.files)
    figures = sorted(expected_figures().items())
    if not isinstance(store, MemoryStore):  # an account view is a few queries: every 6th
        figures = figures[::6]
    for account, (count, won_count, won_value) in figures:
        view = store.account(normalize_key(account))
        assert view is not None, account
        won = [d for d in view.deals if d.stage is Stage.WON]
        assert (len(view.deals), len(won)) == (count, won_count), account
        assert sum(d.amount or 0.0 for d in won) == pytest.approx(won_value), account
        assert all(d.currency == "USD" for d in view.deals)


def test_a_second_load_changes_nothing(store: Store) -> None:
    first = load_preset("maven-crm", MAVEN_CRM, store)
    stats = store.stats()
    second = load_preset("maven-crm", MAVEN_CRM, store)
    assert store.stats() == stats
    assert files(second) == files(first)
    assert second.merges == []


def test_opportunities_without_an_account_are_each_rejected_with_the_documented_reason(
    loaded: tuple[MemoryStore, LoadReport],
) -> None:
    _, report = loaded
    unassigned = [i for i, r in enumerate(PIPELINE, start=2) if not r["account"]]
    assert len(unassigned) == 1425
    rejects = [r for r in report.rejects if r.file == "sales_pipeline.csv"]
    assert [r.line for r in rejects] == unassigned
    assert {(r.field, r.reason) for r in rejects} == {("account", UNASSIGNED_REASON)}
    assert files(report)["sales_pipeline.csv"]["loaded"] == len(PIPELINE) - 1425


def test_gtxpro_deals_land_on_the_gtx_pro_product_and_its_series(
    loaded: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = loaded
    gtxpro = [r for r in PIPELINE if r["product"] == "GTXPro" and r["account"]]
    assert gtxpro
    for row in gtxpro[:50]:
        view = store.account(normalize_key(row["account"]))
        assert view is not None
        deal = next(d for d in view.deals if d.id == row["opportunity_id"])
        assert (deal.product, deal.category) == ("GTX Pro", "GTX")


def test_every_deal_is_categorized_by_its_product_series(
    loaded: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = loaded
    series = {normalize_key(p["product"]): p["series"] for p in source("products.csv")}
    for account in ACCOUNTS[:20]:
        view = store.account(normalize_key(account["account"]))
        assert view is not None
        for deal in view.deals:
            assert deal.category == series[normalize_key(deal.product or "")]


def test_stages_map_won_lost_engaging_and_prospecting(
    loaded: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = loaded
    expected = Counter(
        {"Won": "won", "Lost": "lost", "Engaging": "qualifying", "Prospecting": "prospecting"}[
            r["deal_stage"]
        ]
        for r in PIPELINE
        if r["account"]
    )
    stages: Counter[str] = Counter()
    for account in ACCOUNTS:
        view = store.account(normalize_key(account["account"]))
        assert view is not None
        stages.update(d.stage.value for d in view.deals)
    assert stages == expected


def test_accounts_keep_their_parent_revenue_in_usd_and_firmographics(
    loaded: tuple[MemoryStore, LoadReport],
) -> None:
    store, _ = loaded
    for row in ACCOUNTS:
        view = store.account(normalize_key(row["account"]))
        assert view is not None
        company = view.company
        assert company.name == row["account"]
        assert company.annual_revenue == pytest.approx(float(row["revenue"]) * 1_000_000)
        assert company.employees == int(row["employees"])
        assert (company.industry, company.country) == (row["sector"], row["office_location"])
        parent = view.parent.name if view.parent else ""
        assert parent == row["subsidiary_of"]


def test_agents_report_to_their_managers_who_are_team_members_too(
    loaded: tuple[MemoryStore, LoadReport],
) -> None:
    store, report = loaded
    managers = {r["manager"] for r in TEAMS}
    assert files(report)["sales_teams.csv (managers)"]["loaded"] == len(managers)
    assert store.stats().nodes["TeamMember"] == len(TEAMS) + len(managers)
    assert store.stats().relationships["REPORTS_TO"] == len(TEAMS)
    teams = {normalize_key(r["sales_agent"]): r for r in TEAMS}
    seen = set()
    for account in ACCOUNTS:
        view = store.account(normalize_key(account["account"]))
        assert view is not None
        for member in view.members:
            assert member.team_role is TeamRole.AE
            row = teams[member.id]
            assert member.full_name == row["sales_agent"]
            assert member.manager_id == normalize_key(row["manager"])
            assert member.region == row["regional_office"]
            seen.add(member.id)
    assert seen


def test_agents_owning_deals_of_an_account_are_on_its_account_team(
    loaded: tuple[MemoryStore, LoadReport],
) -> None:
    store, report = loaded
    pairs = {(r["account"], r["sales_agent"]) for r in PIPELINE if r["account"]}
    assert files(report)["sales_pipeline.csv (account teams)"]["loaded"] == len(pairs)
    account = ACCOUNTS[0]["account"]
    view = store.account(normalize_key(account))
    assert view is not None
    assert {m.member_id for m in view.account_team} == {
        normalize_key(agent) for acc, agent in pairs if acc == account
    }


def test_a_missing_source_column_refuses_that_file_naming_it(tmp_path: Path) -> None:
    export = tmp_path / "maven"
    export.mkdir()
    (export / "accounts.csv").write_text("sector,revenue\nretail,1\n", encoding="utf-8")
    store = MemoryStore(tmp_path / "data")
    try:
        report = load_preset("maven-crm", export, store)
    finally:
        store.close()
    assert files(report)["accounts.csv"]["error"] == (
        "accounts.csv: column 'account': required column is missing"
    )
    assert not report.ok
