"""A load killed with SIGKILL at any point and run again ends with the graph of a clean load.

The load runs as users run it (``python -m graph_service --store neo4j load bundle DIR``) on a
generated bundle, in small batches so that many transactions commit. It is killed twice, at
points chosen by watching the database rather than the clock: once people have started to be
written, and once touches have (so the kill lands mid-file, with a transaction in flight). A
third run completes; its graph must equal a clean load of the same bundle into a fresh embedded
store: the same counts of every label and relationship type, and the same account views.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph_service.domain import AccountFilter
from graph_service.store.memory import MemoryStore
from graph_service.store.neo4j import Neo4jStore
from loaders.bundle import load_bundle
from loaders.generate import generate_bundle
from tests.conftest import REPO, neo4j_store

ACCOUNTS = 250
BATCH = 500
COUNT: dict[str, str] = {
    "Person": "MATCH (n:Person) RETURN count(n) AS n",
    "Touch": "MATCH (n:Touch) RETURN count(n) AS n",
}


def start_load(bundle: Path, uri: str, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NEO4J_URI": uri,
        "ABMGRAPH_DATA_DIR": str(data_dir),
        "ABMGRAPH_BATCH_SIZE": str(BATCH),
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "graph_service",
                "--store",
                "neo4j",
                "load",
                "bundle",
                str(bundle),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO,
        )


def open_store(uri: str) -> Neo4jStore:
    """The test server's store as it is (not emptied)."""
    user = os.environ.get("NEO4J_USER") if os.environ.get("NEO4J_URI") else None
    auth = (user, os.environ.get("NEO4J_PASSWORD", "")) if user else None
    return Neo4jStore(uri, auth=auth, database=os.environ.get("NEO4J_DATABASE", "neo4j"))


def kill_once_written(
    proc: subprocess.Popen[bytes], store: Neo4jStore, label: str, at_least: int, log: Path
) -> int:
    """SIGKILL ``proc`` as soon as ``at_least`` nodes of ``label`` are committed; their count."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        (record,) = store._db.read(COUNT[label])
        if record["n"] >= at_least:
            proc.kill()
            proc.wait(30)
            return int(record["n"])
        if proc.poll() is not None:
            output = log.read_text(errors="replace")[-3000:]
            pytest.fail(f"the load ended (exit {proc.returncode}) before {label}:\n{output}")
        time.sleep(0.02)
    proc.kill()
    pytest.fail(f"no {label} written within 300 s")


@pytest.mark.neo4j
@pytest.mark.slow
def test_a_load_killed_twice_and_run_again_equals_a_clean_load(
    tmp_path: Path, neo4j_uri: str
) -> None:
    bundle = tmp_path / "bundle"
    summary = generate_bundle(bundle, ACCOUNTS, seed=3)
    n_people, n_touches = summary.rows["people.csv"], summary.rows["touches.csv"]
    assert n_touches > 40 * BATCH  # the touches take many transactions
    neo4j_store(neo4j_uri).close()  # empty, with the schema
    store = open_store(neo4j_uri)
    try:
        log = tmp_path / "run1.log"
        first = start_load(bundle, neo4j_uri, tmp_path / "data", log)
        people_at_kill = kill_once_written(first, store, "Person", 1, log)
        assert people_at_kill < n_people, "killed after people.csv was complete"

        log = tmp_path / "run2.log"
        second = start_load(bundle, neo4j_uri, tmp_path / "data", log)
        touches_at_kill = kill_once_written(second, store, "Touch", 2 * BATCH, log)
        assert touches_at_kill < n_touches, "killed after touches.csv was complete"

        third = start_load(bundle, neo4j_uri, tmp_path / "data", tmp_path / "run3.log")
        assert third.wait(600) == 0, (tmp_path / "run3.log").read_text(errors="replace")

        clean = MemoryStore(tmp_path / "clean")
        try:
            report = load_bundle(bundle, clean, batch_size=BATCH)
            assert report.ok and report.rejects == []
            assert store.stats() == clean.stats()
            page = clean.accounts(first=10_000, after=None, where=AccountFilter())
            ids = [c.id for c in page.companies]
            sample = random.Random(3).sample(ids, 25) + ids[:3] + ids[-3:]
            for company_id in dict.fromkeys(sample):
                a, b = clean.account(company_id), store.account(company_id)
                assert a is not None and b is not None, company_id
                assert a.normalized() == b.normalized(), company_id
        finally:
            clean.close()
    finally:
        store.close()
