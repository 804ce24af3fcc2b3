"""Neo4j goes away and comes back, under traffic: GraphQL answers ``STORE_UNAVAILABLE`` and
``/readyz`` 503 meanwhile, and the service recovers by itself.

A Neo4j of its own (own data directory and port), so the session's server and the other tests
are unaffected.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn

from graph_service.api.app import create_app
from graph_service.neo4j_embedded import EmbeddedNeo4j, free_port
from graph_service.store.neo4j import Neo4jStore
from tests.fixtures import load

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

QUERY = {"query": "query Accounts { accounts(first: 2) { totalCount } }"}


@dataclass
class Traffic:
    """Answers seen by a client asking every 0.1 s: ``ok``, an error code, or ``http <n>``."""

    seen: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, base: str) -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            while not self.stop.is_set():
                self.seen.append(answer(client))
                time.sleep(0.1)


def answer(client: httpx.Client) -> str:
    r = client.post("/graphql", json=QUERY)
    if r.status_code != 200:
        return f"http {r.status_code}"
    body = r.json()
    if body.get("errors"):
        return str(body["errors"][0]["extensions"]["code"])
    return "ok" if body["data"]["accounts"]["totalCount"] == 3 else "wrong"


def wait_for(what: str, check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"not within {timeout} s: {what}")


def test_neo4j_goes_away_and_comes_back(own_neo4j: EmbeddedNeo4j) -> None:
    store = Neo4jStore(own_neo4j.uri)
    store.ensure_schema()
    load(store)
    port = free_port()
    config = uvicorn.Config(
        create_app(store, store_name="neo4j"), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{port}"
    traffic = Traffic()
    asking = threading.Thread(target=traffic.run, args=(base,), daemon=True)
    try:
        wait_for("the server started", lambda: server.started, 30)
        with httpx.Client(base_url=base, timeout=120) as c:
            assert answer(c) == "ok"
            asking.start()
            wait_for("answers under traffic", lambda: "ok" in traffic.seen, 30)

            own_neo4j.stop()
            wait_for("STORE_UNAVAILABLE", lambda: answer(c) == "STORE_UNAVAILABLE", 120)
            assert c.get("/readyz").status_code == 503
            assert c.get("/healthz").status_code == 200
            started = time.monotonic()
            assert answer(c) == "STORE_UNAVAILABLE"
            assert time.monotonic() - started < 1, "fails fast while Neo4j is away"

            own_neo4j.start()
            wait_for("ready again", lambda: c.get("/readyz").status_code == 200, 120)
            wait_for("answers again", lambda: answer(c) == "ok", 30)
    finally:
        traffic.stop.set()
        if asking.is_alive():
            asking.join(timeout=150)
        server.should_exit = True
        serving.join(timeout=30)
    seen = traffic.seen
    assert set(seen) <= {"ok", "STORE_UNAVAILABLE"}, sorted(set(seen))
    first_down = seen.index("STORE_UNAVAILABLE")
    assert "ok" in seen[:first_down] and "ok" in seen[first_down:], "ok, away, then ok again"
