"""Helpers for portfolio-wide work: many small objects at once, and libraries slow to import.

CPython's cyclic garbage collector runs a full collection every so many allocations, and each
one walks every live object: building a 50,000-account rollup would set off dozens of them,
none of which can free anything (the objects are all still in use and hold no cycles).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Automatic garbage collection off inside the block (as it was before, after it).

    Reference counting still frees everything that holds no cycle. Usable as a decorator.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_in_background(module: str) -> threading.Thread | None:
    """Import ``module`` in a background thread (None: already imported).

    Portfolio-wide answers start the imports they will need (the regression's solver, a file
    writer: each takes a good part of a second) before they ask the store for the rollup, so
    that the import overlaps the store's work instead of following it. An import of the same
    module in the meantime waits for this one to finish; a failed import is left for that one
    to report.

    >>> import_in_background("sys") is None  # imported already
    True
    """
    if module in sys.modules:
        return None

    def load() -> None:
        with contextlib.suppress(ImportError):
            importlib.import_module(module)

    thread = threading.Thread(target=load, name=f"import-{module}", daemon=True)
    thread.start()
    return thread
