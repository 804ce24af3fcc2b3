"""The demo bundle loads into every store with the counts its files imply, and identically."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph_service.demo import DEMO_BUNDLE
from graph_service.domain import AccountFilter
from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from tests.conftest import neo4j_store


def rows(name: str) -> int:
    with (DEMO_BUNDLE / name).open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def test_demo_bundle_node_counts_equal_file_row_counts(store: Store) -> None:
    report = load_bundle(DEMO_BUNDLE, store)
    assert report.ok and report.rejects == []
    nodes = store.stats().nodes
    assert nodes == {
        "Company": rows("companies.csv"),
        "BusinessUnit": rows("business_units.csv"),
        "Person": rows("people.csv"),
        "TeamMember": rows("team.csv"),
        "Deal": rows("deals.csv"),
        "Touch": rows("touches.csv"),
        "NextAction": rows("next_actions.csv"),
        "WalletEstimate": rows("wallet.csv"),
        "FxRate": rows("fx_rates.csv"),
    }
    rels = store.stats().relationships
    assert rels["WORKS_AT"] == rows("people.csv")
    assert rels["HAS_ROLE"] == rows("buying_roles.csv")
    assert rels["BY"] == rows("touches.csv")
    assert rels["CONTACT_ON"] == rows("deal_contacts.csv")


def test_reloading_the_demo_bundle_changes_nothing(store: Store) -> None:
    load_bundle(DEMO_BUNDLE, store)
    before = store.stats()
    again = load_bundle(DEMO_BUNDLE, store, batch_size=7)
    assert again.rejects == []
    assert store.stats() == before


@pytest.mark.neo4j
def test_both_stores_return_identical_account_views(tmp_path: Path, neo4j_uri: str) -> None:
    memory = MemoryStore(tmp_path / "data")
    neo = neo4j_store(neo4j_uri)
    try:
        for s in (memory, neo):
            load_bundle(DEMO_BUNDLE, s, batch_size=50)
        assert memory.stats() == neo.stats()
        page = memory.accounts(first=100, after=None, where=AccountFilter())
        assert page.total == rows("companies.csv")
        for company in page.companies:
            a, b = memory.account(company.id), neo.account(company.id)
            assert a is not None and b is not None
            assert a.normalized() == b.normalized(), company.id
    finally:
        memory.close()
        neo.close()
