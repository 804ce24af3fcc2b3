"""Values kept with the data version they were computed at, the least recently used first out.

What the service keeps while the store's data is unchanged (account views, path graphs,
analytics answers) is kept here: a value is handed back only for the version it was stored
with (:meth:`~graph_service.store.base.Store.data_version`, which every write moves on).

>>> kept = KeptByVersion(size=2)
>>> kept.put("a", "v1", 1)
>>> kept.get("a", "v1"), kept.get("a", "v2")  # another version: not found
((True, 1), (False, None))
>>> kept.put("b", "v1", 2)
>>> kept.put("c", "v1", 3)  # "a" was used least recently
>>> kept.get("a", "v1")[0], kept.get("c", "v1")
(False, (True, 3))
>>> kept.computed("c", "v1", lambda: 99), kept.computed("c", "v2", lambda: 4)
(3, 4)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class KeptByVersion(Generic[V]):
    """The values of the last ``size`` keys stored, each with its data version; safe to share
    between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, tuple[str, V]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, version: str) -> tuple[bool, V | None]:
        """``(True, value)`` when ``key`` was stored at ``version``, else ``(False, None)``."""
        with self._lock:
            found = self._values.get(key)
            if found is not None and found[0] == version:
                self._values.move_to_end(key)
                self.hits += 1
                return True, found[1]
            self.misses += 1
            return False, None

    def put(self, key: Hashable, version: str, value: V) -> None:
        """Keep ``value`` for ``key`` at ``version`` (nothing when ``size`` is 0)."""
        if self.size <= 0:
            return
        with self._lock:
            self._values[key] = (version, value)
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def computed(self, key: Hashable, version: str, compute: Callable[[], V]) -> V:
        """The value kept for ``key`` at ``version``, else ``compute()``, then kept. ``version``
        is read before anything it describes, so a write during ``compute`` can only make the
        kept value newer than its version, never older. An error is not kept."""
        found, value = self.get(key, version)
        if found:
            return value  # type: ignore[return-value]
        value = compute()
        self.put(key, version, value)
        return value
