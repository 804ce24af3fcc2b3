"""The workspace in a real browser: headless Chromium (Debian's, driven by Playwright) against
the app on a real port, with every request that would leave the app refused and recorded.

Without Chromium these skip, except in CI (``ABMGRAPH_REQUIRE_BROWSER=1`` or ``CI=true``),
where they fail (tests/viz_support.py's rule). Screenshots go to ``test-artifacts/``; the
ones in docs/img/ were taken by these tests.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.image import imread

from graph_service.analytics.params import AnalyticsParams
from graph_service.api.app import create_app
from graph_service.auth import Role
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from loaders.generate import DEFAULT_TODAY, generate_bundle
from tests.auth_support import Credentials
from tests.conftest import REPO
from tests.viz_support import AS_OF, demo_store, missing
from tests.workspace_support import OTHERS_ACCOUNT, REP, SECRET, LiveServer, member_key, serving
from viz.org_map import PATH_COLOR

pytestmark = pytest.mark.slow

ARTIFACTS = REPO / "test-artifacts"
DAY = AS_OF.isoformat()
VIEWPORT = {"width": 1440, "height": 1000}


def chromium() -> str:
    found = shutil.which("chromium")
    if not found:
        missing("Chromium not found: apt-get install chromium (.ci/run installs it)")
    assert found is not None
    return found


@dataclass
class Watch:
    """What a page did that it should not: console errors, uncaught errors, outside requests."""

    origin: str
    console: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def clean(self) -> None:
        assert self.console == [], self.console
        assert self.outside == [], self.outside


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield b
        b.close()


def open_page(browser: Any, live: LiveServer, locale: str = "en-US") -> tuple[Any, Watch]:
    """A fresh browser context (no cookies) whose requests may only go to ``live``."""
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    watch = Watch(live.url)

    def gate(route: Any) -> None:
        if route.request.url.startswith(live.url + "/"):
            route.continue_()
        else:
            watch.outside.append(route.request.url)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    page.on("console", lambda m: watch.console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.console.append(f"uncaught: {e}"))
    return page, watch


def status(page: Any) -> dict[str, str]:
    found: dict[str, str] = page.eval_on_selector(
        "#ws-status",
        "e => Object.fromEntries([...e.attributes].filter(a => a.name.startsWith('data-'))"
        ".map(a => [a.name.slice(5), a.value]))",
    )
    return found


def wait_for(page: Any, attribute: str, value: str = "1") -> None:
    page.wait_for_selector(f"#ws-status[data-{attribute}='{value}']", state="attached")


def sign_in(page: Any, live: LiveServer, key: str, target: str = "/") -> None:
    page.goto(f"{live.url}{target}")
    assert "/signin" in page.url
    page.fill("#credential", key)
    page.click("#ws-signin-form button[type=submit]")
    page.wait_for_load_state()


def pink_pixels(png: Path) -> int:
    rgb = imread(png)[:, :, :3]
    pink = np.array([int(PATH_COLOR[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return int((np.abs(rgb - pink).max(axis=2) < 0.12).sum())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryStore]:
    store = demo_store(tmp_path_factory.mktemp("demo"))
    yield store
    store.close()


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory, demo: MemoryStore) -> Credentials:
    return Credentials(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def live(demo: MemoryStore, keys: Credentials) -> Iterator[LiveServer]:
    """The demo accounts behind credentials."""
    keys.header(Role.ADMIN)
    app = create_app(
        demo, store_name="memory", authenticator=keys.authenticator, session_secret_key=SECRET
    )
    with serving(app) as server:
        yield server


def test_the_pages_load_offline_with_no_console_error(
    browser: Any, live: LiveServer, keys: Credentials
) -> None:
    page, watch = open_page(browser, live, locale="ja-JP")
    sign_in(page, live, keys.keys.create(Role.ADMIN, service="browser").key, f"/?asOf={DAY}")
    assert page.url == f"{live.url}/?asOf={DAY}"
    assert page.locator("#ws-portfolio tbody tr").count() == 6
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("#ws-export-xlsx").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workspace-portfolio.png"))

    page.click("#ws-portfolio a[href^='/accounts/c-01']")
    wait_for(page, "ready")
    drawn = status(page)
    assert drawn["errors"] == "0"
    assert int(drawn["nodes"]) > 14  # c-01's 14 people, our team and its open deals
    assert float(drawn["scale"]) >= 0.8  # labels at 14 px drawn at 11 px or more
    assert page.locator(".ws-seat-empty").count() > 0
    watch.clean()


def test_clicking_a_person_draws_the_paths_to_them(
    browser: Any, live: LiveServer, keys: Credentials, tmp_path: Path
) -> None:
    page, watch = open_page(browser, live)
    key = keys.keys.create(Role.ADMIN, service="paths").key
    sign_in(page, live, key, f"/accounts/c-01?asOf={DAY}")
    wait_for(page, "ready")
    before = tmp_path / "before.png"
    page.locator("#ws-map").screenshot(path=str(before))

    # on the map: 中村さくら (p-05), the champion
    at = page.evaluate(
        "() => { const w = window.abmWorkspace;"
        " const p = w.network.getPositions(['p:p-05'])['p:p-05'];"
        " w.network.moveTo({position: p, scale: 1, animation: false});"
        " return w.network.canvasToDOM(p); }"
    )
    box = page.locator("#ws-map").bounding_box()
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    wait_for(page, "paths-ready")
    drawn = status(page)
    assert drawn["picked"] == "p-05"
    assert int(drawn["paths"]) >= 1 and int(drawn["path-edges"]) >= 1
    assert page.locator("#ws-path-list > li").count() == int(drawn["paths"])
    assert page.locator("#ws-introducers li").count() >= 1

    # on the board: 渡辺浩二 (p-02), the decider
    page.locator("#ws-board button[data-person='p-02']").first.click()
    wait_for(page, "picked", "p-02")
    wait_for(page, "paths-ready")
    hops = page.locator("#ws-path-list > li").first.inner_text()
    assert "渡辺浩二" in hops
    page.add_style_tag(content=".vis-tooltip { display: none !important; }")  # no hover box
    after = tmp_path / "after.png"
    page.locator("#ws-map").screenshot(path=str(after))
    assert pink_pixels(after) > pink_pixels(before) + 200  # the paths, drawn in pink
    page.screenshot(path=str(ARTIFACTS / "workspace-account.png"), full_page=False)
    watch.clean()


def test_a_rep_cannot_open_another_reps_account(
    browser: Any, live: LiveServer, keys: Credentials, demo: MemoryStore
) -> None:
    page, watch = open_page(browser, live)
    sign_in(page, live, member_key(keys.keys, Role.REP, REP, demo), f"/?asOf={DAY}")
    listed = page.locator("#ws-portfolio tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.account)"
    )
    assert sorted(listed) == ["c-01", "c-02", "c-03", "c-04"]
    response = page.goto(f"{live.url}/accounts/{OTHERS_ACCOUNT}?asOf={DAY}")
    assert response is not None and response.status == 404
    assert page.locator("#ws-error").get_attribute("data-status") == "404"
    assert "Granite Peak" not in page.content()
    assert page.locator("#ws-export-csv").count() == 0
    watch.console = [m for m in watch.console if "404" not in m]  # the page's own status
    watch.clean()


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A generated account of 120 people in 11 business units, served open."""
    folder = tmp_path_factory.mktemp("large")
    generate_bundle(folder / "bundle", accounts=2, seed=3, first_account_people=120)
    store = MemoryStore(folder / "store")
    assert load_bundle(folder / "bundle", store).ok
    params = AnalyticsParams(reporting_currency="JPY")  # the generated rates are against JPY
    app = create_app(store, store_name="memory", params=params, session_secret_key=SECRET)
    with serving(app) as server:
        yield server
    store.close()


def test_a_large_account_opens_grouped_by_unit_and_legible(browser: Any, large: LiveServer) -> None:
    page, watch = open_page(browser, large)
    page.goto(f"{large.url}/accounts/c-000001?asOf={DEFAULT_TODAY.isoformat()}")
    wait_for(page, "ready")
    drawn = status(page)
    clusters = int(drawn["clusters"])
    assert clusters >= 5  # one group per business unit with people
    assert float(drawn["scale"]) * 22 >= 14  # the groups' 22 px labels at 14 px or more
    assert page.locator("#ws-people details").count() >= clusters
    assert page.locator("#ws-people details[open]").count() == 0  # the list opens folded too

    page.click("#ws-expand")
    wait_for(page, "clusters", "0")
    page.check("#ws-role-holders")
    holders = int(status(page)["shown"])
    assert 0 < holders < 120

    holder = page.locator("#ws-board button[data-person]").first
    name = holder.locator(".ws-name").inner_text()
    page.fill("#ws-search", name)
    assert int(status(page)["found"]) >= 1
    row = page.locator(f"#ws-people [data-person-row='{holder.get_attribute('data-person')}']")
    assert "ws-match" in (row.get_attribute("class") or "") and row.is_visible()
    watch.clean()


def test_logging_a_touch_shows_it_at_once(
    browser: Any, live: LiveServer, keys: Credentials, demo: MemoryStore
) -> None:
    page, watch = open_page(browser, live)
    sign_in(page, live, member_key(keys.keys, Role.REP, REP, demo), "/accounts/c-02")
    page.select_option("#ws-log-touch select[name=type]", "CALL")
    page.fill("#ws-log-touch textarea[name=notes]", "browser test: a call about the renewal")
    with page.expect_navigation():
        page.click("#ws-log-touch button[type=submit]")
    assert "browser test: a call about the renewal" in page.locator("#ws-touches").inner_text()
    watch.clean()
