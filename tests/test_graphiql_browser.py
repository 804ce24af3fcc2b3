"""GraphiQL in a real browser, with the network cut: headless Chromium (Debian's, driven by
Playwright) opens ``/graphql`` on a running service that requires credentials, is asked for a
key, runs a query with it and sees the answer.

Every host name but 127.0.0.1 resolves to nothing and every other request goes to a dead
proxy; the test records every request the page makes and checks that each went to the service,
and that the page's Content Security Policy refuses one to another origin. The assets are the
real ones, built by ``python -m graph_service.api.graphiql_assets`` (``.ci/run`` builds them).
Without Chromium, Playwright or the assets the test skips, except in CI
(``ABMGRAPH_REQUIRE_BROWSER=1`` or ``CI=true``), where it fails.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from graph_service.api.app import create_app
from graph_service.api.graphiql_assets import ASSETS_DIR, BUILD_COMMAND, missing
from graph_service.auth import Role
from graph_service.store.memory import MemoryStore
from tests.auth_support import Credentials
from tests.conftest import REPO
from tests.fixtures import load
from tests.viz_support import missing as missing_tool

pytestmark = pytest.mark.slow

QUERY = "{ accounts(first: 1) { edges { node { id } } } }"
#: tests.fixtures loads companies c1, c2 and c3; the first page of one is c1.
ANSWER = {"data": {"accounts": {"edges": [{"node": {"id": "c1"}}]}}}
TIMEOUT_MS = 60_000
_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(e.violatedDirective + " " + e.blockedURI));
"""
_EDITOR_VALUE = "(sel) => document.querySelector(sel + ' .CodeMirror').CodeMirror.getValue()"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    missing_tool("Chromium not found: apt-get install chromium (.ci/run installs it)")
    raise AssertionError("unreachable")


@dataclass
class Service:
    url: str
    key: str


@dataclass
class Seen:
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    """The service on a free port of 127.0.0.1, requiring credentials, with one admin key."""
    if missing(ASSETS_DIR):
        missing_tool(f"GraphiQL's assets are not built: {BUILD_COMMAND} (.ci/run builds them)")
    store = MemoryStore(tmp_path / "data")
    load(store)
    credentials = Credentials(tmp_path / "data")
    key = credentials.header(Role.ADMIN)["Authorization"].removeprefix("Bearer ")
    app = create_app(store, store_name="memory", authenticator=credentials.authenticator)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the service did not start"
        time.sleep(0.05)
    try:
        yield Service(f"http://127.0.0.1:{port}", key)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium with the network cut (only 127.0.0.1 is reachable)."""
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("Playwright not installed: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--proxy-server=127.0.0.1:9",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser: Any, seen: Seen) -> Any:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(_VIOLATIONS)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda m: seen.console_errors.append(m.text) if m.type == "error" else 0)
    page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
    return page


def test_graphiql_asks_for_a_key_and_answers_offline(service: Service, browser: Any) -> None:
    seen = Seen()
    page = open_page(browser, seen)
    page.goto(f"{service.url}/graphql")

    # Asked for a key; a wrong one is refused and asked for again.
    page.wait_for_selector("#abm-key", state="visible")
    page.fill("#abm-key", "abm_wrong")
    page.click("#abm-key-form button[type=submit]")
    page.wait_for_selector("#abm-key-status:has-text('The key was refused: invalid API key')")
    assert page.is_visible("#abm-key")
    assert page.evaluate("sessionStorage.getItem('abmgraph.apiKey')") is None
    refused = [e for e in seen.console_errors if "401" in e]
    assert refused and len(refused) == len(seen.console_errors)  # the refused request only
    seen.console_errors.clear()

    # The right key: GraphiQL, the query and its answer.
    page.fill("#abm-key", service.key)
    page.click("#abm-key-form button[type=submit]")
    page.wait_for_selector(".graphiql-query-editor .CodeMirror")
    assert page.is_hidden("#abm-key-form")
    assert page.evaluate("sessionStorage.getItem('abmgraph.apiKey')") == service.key
    page.evaluate(
        "(q) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"
        ".setValue(q)",
        QUERY,
    )
    page.click(".graphiql-execute-button")
    page.wait_for_function(
        "() => document.querySelector('.result-window .CodeMirror')"
        ".CodeMirror.getValue().includes('c1')"
    )
    assert json.loads(page.evaluate(_EDITOR_VALUE, ".result-window")) == ANSWER
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "graphiql.png"))  # for a reader of the docs

    # The key is kept for the tab: a reload goes straight to GraphiQL.
    page.reload()
    page.wait_for_selector(".graphiql-query-editor .CodeMirror")
    assert page.is_hidden("#abm-key-form")
    # A dialog adds a <style> element, which the policy lets through.
    page.click("button[aria-label='Open settings dialog']")
    page.wait_for_selector("[role=dialog]")
    assert seen.console_errors == []
    assert page.evaluate("window.__violations") == []

    # Nothing but the service was asked for anything...
    assert seen.requests, "no request recorded"
    outside = [url for url in seen.requests if not url.startswith(service.url + "/")]
    assert outside == []
    assert f"{service.url}/graphiql-assets/vendor/graphiql.min.js" in seen.requests
    # ... and the page may not: its policy refuses another origin.
    blocked = page.evaluate(
        "() => fetch('https://cdn.example.com/graphiql.js').then(() => 'fetched', () => 'refused')"
    )
    assert blocked == "refused"
    assert page.evaluate("window.__violations") == [
        "connect-src https://cdn.example.com/graphiql.js"
    ]
