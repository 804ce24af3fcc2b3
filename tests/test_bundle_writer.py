"""The loader writes one batch in the background while it reads the next: same result, in order,
reads never overlap a write, and a failed write fails the load."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pytest

from graph_service.audit import AuditRecord
from graph_service.demo import DEMO_BUNDLE
from graph_service.domain import Kind, Record
from graph_service.errors import StoreUnavailableError
from graph_service.store.memory import MemoryStore
from loaders.bundle import IdentityResolver, load_bundle


class Watched:
    """A memory store whose writes are slow, recording their order and any read during one."""

    def __init__(self, inner: MemoryStore, fail_on: int | None = None) -> None:
        self.inner = inner
        self.fail_on = fail_on
        self.writes: list[tuple[Kind, int]] = []
        self.reads = 0
        self.reads_during_writes = 0
        self._writing = threading.Event()

    def upsert(
        self,
        kind: Kind,
        records: Sequence[Record],
        *,
        source: str | None = None,
        audit: AuditRecord | None = None,
    ) -> None:
        self._writing.set()
        try:
            time.sleep(0.002)
            if self.fail_on is not None and len(self.writes) == self.fail_on:
                raise StoreUnavailableError("the store went away")
            self.inner.upsert(kind, records, source=source, audit=audit)
            self.writes.append((kind, len(records)))
        finally:
            self._writing.clear()

    def existing_ids(self, kind: Kind, ids: Collection[str]) -> set[str]:
        self.reads += 1
        if self._writing.is_set():
            self.reads_during_writes += 1
        return self.inner.existing_ids(kind, ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_load_in_small_batches_equals_one_in_a_single_batch(tmp_path: Path) -> None:
    one = MemoryStore(tmp_path / "one")
    small = Watched(MemoryStore(tmp_path / "small"))
    load_bundle(DEMO_BUNDLE, one, batch_size=100_000, resolver=IdentityResolver())
    report = load_bundle(DEMO_BUNDLE, small, batch_size=7, resolver=IdentityResolver())
    assert small.inner.stats() == one.stats()
    assert sum(f.loaded for f in report.files) == sum(n for _, n in small.writes)
    # Files are written in load order, each file's batches before the next file's.
    kinds = [k for k, _ in small.writes]
    assert kinds == sorted(kinds, key=list(Kind).index)
    assert len(small.writes) > 20


def test_the_store_is_never_read_while_a_batch_is_written(tmp_path: Path) -> None:
    inner = MemoryStore(tmp_path / "data")
    load_bundle(DEMO_BUNDLE, inner, resolver=IdentityResolver())
    # Touches alone: every batch asks the store about the people and members it names.
    touches_only = tmp_path / "touches"
    touches_only.mkdir()
    shutil.copy(DEMO_BUNDLE / "touches.csv", touches_only / "touches.csv")
    store = Watched(inner)
    load_bundle(touches_only, store, batch_size=5, resolver=IdentityResolver())
    assert store.reads > 10
    assert store.reads_during_writes == 0


def test_a_failed_write_fails_the_load(tmp_path: Path) -> None:
    store = Watched(MemoryStore(tmp_path / "data"), fail_on=3)
    with pytest.raises(StoreUnavailableError, match="went away"):
        load_bundle(DEMO_BUNDLE, store, batch_size=5, resolver=IdentityResolver())
    assert len(store.writes) == 3  # nothing was written after the failed batch
