"""Resolvers read the store on ``ABMGRAPH_STORE_THREADS`` threads: with more than one,
requests overlap in the store (Neo4j answers several at once); with one, they take turns."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_service.api.app import create_app
from graph_service.settings import Settings
from graph_service.store.memory import MemoryStore
from tests.fixtures import load


class SlowAccounts:
    """A store whose account listing takes a while, counting how many run at once."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0

    def accounts(self, **kwargs: Any) -> Any:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.3)  # long enough for the other request to arrive
            return self._store.accounts(**kwargs)
        finally:
            with self._lock:
                self.running -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def most_at_once(tmp_path: Path, threads: int, requests: int) -> int:
    store = MemoryStore(tmp_path / "data")
    load(store)
    slow = SlowAccounts(store)
    app = create_app(slow, store_name="memory", store_threads=threads)
    query = {"query": "{ accounts(first: 1) { totalCount } }"}

    async def send() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            answers = await asyncio.gather(
                *(client.post("/graphql", json=query) for _ in range(requests))
            )
        assert all(a.json()["data"]["accounts"]["totalCount"] == 3 for a in answers)

    asyncio.run(send())
    store.close()
    return slow.most


def test_several_threads_let_requests_overlap(tmp_path: Path) -> None:
    assert most_at_once(tmp_path, threads=4, requests=3) == 3


def test_one_thread_takes_them_in_turn(tmp_path: Path) -> None:
    assert most_at_once(tmp_path, threads=1, requests=3) == 1


@pytest.mark.parametrize(
    ("env", "threads"),
    [
        ({"ABMGRAPH_STORE": "neo4j"}, 8),
        ({"ABMGRAPH_STORE": "memory"}, 1),
        ({"ABMGRAPH_STORE": "neo4j", "ABMGRAPH_STORE_THREADS": "3"}, 3),
    ],
)
def test_the_default_follows_the_store(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], threads: int
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert Settings().api_store_threads() == threads
