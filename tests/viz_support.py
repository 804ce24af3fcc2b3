"""Helpers shared by the drawing tests: the demo store, the data a page embeds, external refs."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from graph_service.demo import DEMO_AS_OF, DEMO_BUNDLE
from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle

#: The demo bundle's data runs to late November 2026.
AS_OF = DEMO_AS_OF
DEMO_ACCOUNT = "c-01"

#: Anything that would make a browser fetch from the network: a script/link/img source, a CSS
#: url() or @import of an http(s) or protocol-relative address.
EXTERNAL_REF = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+(?:url\()?\s*["']?(?:https?:)?//)""",
    re.IGNORECASE,
)

_DATA = re.compile(r'<script id="abm-data" type="application/json">(.*?)</script>', re.DOTALL)


def load_demo(store: Store) -> Store:
    report = load_bundle(DEMO_BUNDLE, store)
    assert report.ok
    return store


def demo_store(path: Path) -> MemoryStore:
    store = MemoryStore(path)
    load_demo(store)
    return store


def embedded(page: str) -> dict[str, Any]:
    """The JSON a page embeds in ``<script id="abm-data">``."""
    found = _DATA.search(page)
    assert found, "the page embeds no abm-data"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def ids_of(data: dict[str, Any], kind: str) -> set[str]:
    return {n["id"] for n in data["nodes"] if n["kind"] == kind}


#: Set in CI (``.ci/run``): the browser and the Japanese fonts must be there, a skip fails.
REQUIRE_ENV = "ABMGRAPH_REQUIRE_BROWSER"


def required() -> bool:
    """Whether a missing browser or font must fail the test rather than skip it."""
    return os.environ.get(REQUIRE_ENV) == "1" or os.environ.get("CI", "").lower() == "true"


def missing(reason: str) -> None:
    """Skip, or under CI fail loudly, for a missing tool."""
    import pytest

    if required():
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1 or CI=true: required)")
    pytest.skip(reason)
