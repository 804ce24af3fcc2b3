"""Shared fixtures: one ``store`` fixture parametrized over both stores (the conformance axis)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from graph_service.store.neo4j import Neo4jStore

pytest_plugins = ["tests.neo4j_fixture"]

# Property tests check behaviour, not speed (speed lives in bench/): no per-example deadline,
# which a shared 2-core machine misses at random.
settings.register_profile("abmgraph", deadline=None)
settings.load_profile("abmgraph")

REPO = Path(__file__).resolve().parents[1]
MAVEN_CRM = REPO.parent / "shared" / "datasets" / "maven-crm"

#: Tests of the public sample skip when it is not beside the checkout, except in CI (``CI`` set),
#: where they run and fail loudly instead.
needs_maven_crm = pytest.mark.skipif(
    not MAVEN_CRM.is_dir() and not os.environ.get("CI"),
    reason=f"the Maven CRM sample is not at {MAVEN_CRM}",
)


def neo4j_store(uri: str) -> Neo4jStore:
    """A Neo4j store on the test server, emptied, with the schema applied."""
    user = os.environ.get("NEO4J_USER") if os.environ.get("NEO4J_URI") else None
    auth = (user, os.environ.get("NEO4J_PASSWORD", "")) if user else None
    store = Neo4jStore(uri, auth=auth, database=os.environ.get("NEO4J_DATABASE", "neo4j"))
    store.clear()
    store.ensure_schema()
    return store


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each kind: tests using it run once per store."""
    s: Store
    if request.param == "memory":
        s = MemoryStore(tmp_path / "data")
    else:
        s = neo4j_store(request.getfixturevalue("neo4j_uri"))
    try:
        yield s
    finally:
        s.close()
