"""The generated pages in a real browser: headless Chromium with no network.

Each page is opened twice from a file: once to read the DOM after it has drawn (the page writes
what vis-network drew into ``#abm-status``) with a net log of every request, once for a
screenshot kept under ``test-artifacts/``. The network is cut (every host name resolves to
nothing, every request goes to a dead proxy) and the net log proves the page asked for nothing.

Without Chromium the tests skip, except in CI (``ABMGRAPH_REQUIRE_BROWSER=1`` or ``CI=true``),
where they fail: ``.ci/run`` installs Debian's ``chromium``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.image import imread

from graph_service.store.family import family_views
from graph_service.store.memory import MemoryStore
from tests.conftest import REPO
from tests.viz_support import AS_OF, DEMO_ACCOUNT, demo_store, embedded, missing
from viz.charts import sow_data, sow_html
from viz.org_map import PATH_COLOR, org_map_html

pytestmark = pytest.mark.slow

ARTIFACTS = REPO / "test-artifacts"
WINDOW = (1400, 900)
_STATUS = re.compile(r'<div id="abm-status"([^>]*)>')
_ATTR = re.compile(r'data-([a-z-]+)="([^"]*)"')


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    missing("Chromium not found: apt-get install chromium (.ci/run installs it)")
    raise AssertionError("unreachable")


@dataclass
class Run:
    dom: str
    stderr: str
    page_requests: list[str]


def open_page(page: Path, work: Path, *extra: str) -> Run:
    """Open ``page`` headless with the network cut; the DOM, the log and the page's requests."""
    work.mkdir(parents=True, exist_ok=True)
    netlog = work / "net.json"
    cmd = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        f"--user-data-dir={work / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        f"--log-net-log={netlog}",
        "--virtual-time-budget=8000",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        *extra,
        page.as_uri(),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return Run(result.stdout, result.stderr, page_requests(netlog))


def page_requests(netlog: Path) -> list[str]:
    """http(s) requests the page started (the browser's own carry no origin)."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    out = []
    for event in log["events"]:
        params = event.get("params") or {}
        url = str(params.get("url", ""))
        page_started = params.get("initiator") != "not an origin"
        if event["type"] == start and url.startswith(("http:", "https:")) and page_started:
            out.append(url)
    return out


def status(dom: str) -> dict[str, str]:
    found = _STATUS.search(dom)
    assert found, "no #abm-status in the DOM"
    return dict(_ATTR.findall(found.group(1)))


def console_errors(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if ":CONSOLE" in line and re.search(r"Uncaught|Error|error", line)
    ]


def screenshot(page: Path, work: Path, name: str) -> Any:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    target.unlink(missing_ok=True)
    run = open_page(page, work, f"--screenshot={target}")
    assert not run.page_requests
    assert target.exists(), run.stderr[-2000:]
    img = imread(target)
    assert img.shape[:2] == (WINDOW[1], WINDOW[0])
    return img[:, :, :3]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryStore]:
    chromium()
    store = demo_store(tmp_path_factory.mktemp("demo"))
    yield store
    store.close()


def test_the_org_map_draws_every_node_and_edge_offline(demo: MemoryStore, tmp_path: Path) -> None:
    views = family_views(demo, DEMO_ACCOUNT)
    page = tmp_path / "org-map.html"
    page.write_text(org_map_html(views, AS_OF, target_person_id="p-02"), encoding="utf-8")
    data = embedded(page.read_text(encoding="utf-8"))
    people = len(views[0].people)
    assert len(data["nodes"]) >= people + len(views[0].members)

    run = open_page(page, tmp_path / "dom", "--dump-dom")
    drawn = status(run.dom)
    assert drawn["ready"] == "1", run.stderr[-2000:]
    assert drawn["errors"] == "0"
    assert int(drawn["drawn-nodes"]) == int(drawn["nodes"]) == len(data["nodes"])
    assert int(drawn["drawn-edges"]) == int(drawn["edges"]) == len(data["edges"])
    assert console_errors(run.stderr) == []
    assert run.page_requests == []

    rgb = screenshot(page, tmp_path / "shot", "org-map-c-01.png")
    assert np.any(rgb < 0.9, axis=2).mean() > 0.03  # not blank
    pink = np.array([int(PATH_COLOR[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    assert (np.abs(rgb - pink).max(axis=2) < 0.12).sum() > 200  # the influence paths


def test_the_sow_page_draws_every_point_offline(demo: MemoryStore, tmp_path: Path) -> None:
    data = sow_data(demo, AS_OF)
    page = tmp_path / "sow.html"
    page.write_text(sow_html(data), encoding="utf-8")

    run = open_page(page, tmp_path / "dom", "--dump-dom")
    drawn = status(run.dom)
    assert drawn["ready"] == "1" and drawn["errors"] == "0"
    assert int(drawn["points"]) == len(data.ltv.points)
    bars = (
        sum(1 for a in data.accounts if a.whitespace > 0)
        + sum(1 for u in data.units if u.whitespace > 0)
        + sum(len(c.shares) for c in data.channels)
    )
    assert int(drawn["bars"]) == bars
    assert console_errors(run.stderr) == []
    assert run.page_requests == []

    rgb = screenshot(page, tmp_path / "shot", "sow.png")
    assert np.any(rgb < 0.9, axis=2).mean() > 0.03


def test_the_net_log_catches_a_page_that_fetches(tmp_path: Path) -> None:
    chromium()
    page = tmp_path / "fetches.html"
    page.write_text(
        '<html><body><img src="https://cdn.example.com/x.png"></body></html>', encoding="utf-8"
    )
    run = open_page(page, tmp_path / "dom", "--dump-dom")
    assert run.page_requests == ["https://cdn.example.com/x.png"]
