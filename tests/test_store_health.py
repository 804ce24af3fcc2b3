"""While the store is away calls fail fast; a background ping notices when it is back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from graph_service.api.store_health import guarded
from graph_service.domain import GraphStats
from graph_service.errors import StoreUnavailableError
from graph_service.store.memory import MemoryStore


class Flaky(MemoryStore):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.away = False
        self.calls = 0

    def stats(self) -> GraphStats:
        self.calls += 1
        if self.away:
            raise StoreUnavailableError("the store went away")
        return super().stats()

    def ping(self) -> None:
        if self.away:
            raise StoreUnavailableError("the store went away")


def test_calls_fail_fast_while_away_and_recover_by_themselves(tmp_path: Path) -> None:
    store = Flaky(tmp_path)
    g = guarded(store, probe_interval=0.05)
    g.stats()
    store.away = True
    with pytest.raises(StoreUnavailableError):
        g.stats()
    calls = store.calls
    for _ in range(3):
        with pytest.raises(StoreUnavailableError, match="went away"):
            g.stats()
        with pytest.raises(StoreUnavailableError):
            g.ping()
    assert store.calls == calls, "no call reached the store while it was away"
    store.away = False
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            g.stats()
            break
        except StoreUnavailableError:
            time.sleep(0.02)
    else:
        pytest.fail("the guard did not notice the store was back")
    g.close()
