"""An acknowledged write survives a restart: a rep logs a touch over HTTP with a real API
key, the service is killed (SIGKILL, no shutdown) right after the answer, and, for Neo4j, the
database is stopped and started again; the new service answers the touch, and the same
idempotency key still records nothing new.

The service runs as the users run it: ``python -m graph_service serve`` in a child process,
credentials required.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_service.auth import Role
from graph_service.neo4j_embedded import EmbeddedNeo4j, free_port
from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from graph_service.store.neo4j import Neo4jStore
from tests.auth_support import Credentials
from tests.conftest import REPO
from tests.fixtures import load
from tests.mutation_support import WHEN
from tests.scope_support import BETA

pytestmark = pytest.mark.slow

LOG = """
mutation ($key: String!) {
  logTouch(input: {idempotencyKey: $key, personId: "p2", type: CALL, occurredAt: "%s",
                   notes: "after the restart?"}) {
    __typename
    ... on TouchLogged { created touch { id } }
  }
}
""".replace("%s", WHEN)

READ = '{ person(id: "p2") { ... on Person { lastTouch(asOf: "2026-11-20") { id notes } } } }'


class Service:
    """``abmgraph serve`` in a child process."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "graph_service", "serve", "--port", str(self.port)],
            env={**env, "ABMGRAPH_AUTH": "required"},
            cwd=REPO,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                pytest.fail(f"the service exited: {err}")
            assert time.monotonic() < deadline, "the service did not become ready in 90 s"
            time.sleep(0.3)

    def post(self, header: dict[str, str], document: str, **variables: Any) -> Any:
        r = httpx.post(
            f"{self.base}/graphql",
            json={"query": document, "variables": variables},
            headers=header,
            timeout=60,
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert "errors" not in body, body
        return body["data"]

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def write_then_restart(
    env: dict[str, str], header: dict[str, str], between: Any = None
) -> tuple[Any, Any, Any]:
    first = Service(env)
    try:
        logged = first.post(header, LOG, key="restart-1")["logTouch"]
    finally:
        first.kill()  # at once: the answer was the acknowledgment
    if between is not None:
        between()
    second = Service(env)
    try:
        seen = second.post(header, READ)["person"]["lastTouch"]
        again = second.post(header, LOG, key="restart-1")["logTouch"]
    finally:
        second.kill()
    return logged, seen, again


def check(logged: Any, seen: Any, again: Any) -> None:
    assert logged["__typename"] == "TouchLogged" and logged["created"] is True
    assert seen == {"id": logged["touch"]["id"], "notes": "after the restart?"}
    assert again["created"] is False and again["touch"]["id"] == logged["touch"]["id"]


def rep_header(data_dir: Path, store: Store) -> dict[str, str]:
    return Credentials(data_dir).header(Role.REP, member_id="m2", members=store)


def test_a_logged_touch_survives_a_kill_on_the_embedded_store(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    load(store, BETA)
    header = rep_header(tmp_path, store)
    store.close()
    env = {**os.environ, "ABMGRAPH_DATA_DIR": str(tmp_path), "ABMGRAPH_STORE": "memory"}
    check(*write_then_restart(env, header))


@pytest.mark.neo4j
def test_a_logged_touch_survives_a_kill_and_a_neo4j_restart(
    tmp_path: Path, own_neo4j: EmbeddedNeo4j
) -> None:
    store = Neo4jStore(own_neo4j.uri)
    store.ensure_schema()
    load(store, BETA)
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    header = rep_header(data_dir, store)
    store.close()
    env = {
        **os.environ,
        "ABMGRAPH_DATA_DIR": str(data_dir),
        "ABMGRAPH_STORE": "neo4j",
        "NEO4J_URI": own_neo4j.uri,
    }
    env.pop("NEO4J_USER", None)

    def restart_neo4j() -> None:
        own_neo4j.stop()
        own_neo4j.start()

    check(*write_then_restart(env, header, restart_neo4j))
