"""Fail fast while the store is away, and notice by itself when it is back.

A store that cannot be reached makes every call wait for the driver's retries (about 30 s with
Neo4j) before it fails. :func:`guarded` wraps the store so that, once a call has failed with
:class:`~graph_service.errors.StoreUnavailableError`, the following ones fail at once with the
same error (GraphQL answers ``STORE_UNAVAILABLE``, ``/readyz`` 503) while a background thread
pings the store every :data:`PROBE_INTERVAL` seconds; the first ping that answers puts the
store back in service.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, cast

from graph_service.errors import StoreUnavailableError
from graph_service.store.base import Store

log = logging.getLogger("graph_service.api")

#: Seconds between two pings of a store that is away.
PROBE_INTERVAL = 1.0


class _GuardedStore:
    def __init__(self, store: Store, probe_interval: float) -> None:
        self._store = store
        self._interval = probe_interval
        self._lock = threading.Lock()
        self._down: StoreUnavailableError | None = None
        self._closed = threading.Event()

    @property
    def available(self) -> bool:
        return self._down is None

    def _trip(self, error: StoreUnavailableError) -> None:
        with self._lock:
            if self._down is not None or self._closed.is_set():
                return
            self._down = error
        log.warning("store unavailable, failing fast until it answers again: %s", error)
        threading.Thread(target=self._probe, name="abmgraph-store-probe", daemon=True).start()

    def _probe(self) -> None:
        while not self._closed.wait(self._interval):
            try:
                self._store.ping()
            except StoreUnavailableError:
                continue
            except Exception:  # a bug in ping: keep failing fast, say why once
                log.exception("store probe failed")
                return
            with self._lock:
                self._down = None
            log.warning("store available again")
            return

    def close(self) -> None:
        self._closed.set()
        self._store.close()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name.startswith("_") or not callable(attr):
            return attr

        def guarded_call(*args: Any, **kwargs: Any) -> Any:
            down = self._down
            if down is not None:
                raise StoreUnavailableError(str(down))
            try:
                return attr(*args, **kwargs)
            except StoreUnavailableError as exc:
                self._trip(exc)
                raise

        return guarded_call


def guarded(store: Store, probe_interval: float = PROBE_INTERVAL) -> Store:
    """``store``, failing fast while it is away (see the module)."""
    return cast(Store, _GuardedStore(store, probe_interval))
