"""The demo keeps its story whenever it is run: it answers as of its own date, in its own store,
and says plainly when its port is taken.

"A year later" is the machine's date moved forward a year: :func:`graph_service.as_of.
machine_today` is the one place the default as-of day reads the clock, and it is patched here.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner, Result

from graph_service import as_of
from graph_service.api.app import create_app
from graph_service.cli.app import app
from graph_service.demo import DEMO_AS_OF, DEMO_BUNDLE, use_demo_day
from graph_service.errors import AbmGraphError
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from tests.test_cli import abmgraph

A_YEAR_LATER = DEMO_AS_OF + timedelta(days=365)

#: The findings of tests/test_demo_story.py that drift with the calendar, asked with no asOf.
STORY = """{
  c02: coverageGaps(accountId: "c-02") { ... on CoverageGaps {
    account { roles { role status coldPersonIds } champion { status coolingPersonIds } } } }
  c03: coverageGaps(accountId: "c-03") { ... on CoverageGaps {
    account { roles { role status } } ourThread { memberId memberTouches touches } } }
  c04: coverageGaps(accountId: "c-04") { ... on CoverageGaps {
    singleThreadedDeals { dealId engagedContactIds } } }
  c01: coverageGaps(accountId: "c-01") { ... on CoverageGaps { noEngagedPeople } }
}"""


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's date a year after the demo's, and no day fixed (restored afterwards)."""
    monkeypatch.setattr(as_of, "machine_today", lambda: A_YEAR_LATER)
    monkeypatch.setattr(as_of._TODAY, "fixed", None)
    yield


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The demo's service as ``abmgraph demo`` builds it (it closes the store on shutdown)."""
    store = MemoryStore(tmp_path_factory.mktemp("demo") / "data")
    load_bundle(DEMO_BUNDLE, store)
    with TestClient(create_app(store, store_name="memory")) as c:
        yield c


def story(client: TestClient) -> dict[str, Any]:
    r = client.post("/graphql", json={"query": STORY})
    body: dict[str, Any] = r.json()
    assert r.status_code == 200 and "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def statuses(gaps: dict[str, Any]) -> dict[str, str]:
    return {r["role"]: r["status"] for r in gaps["account"]["roles"]}


@pytest.mark.usefixtures("clock")
def test_the_planted_findings_hold_a_year_later(client: TestClient) -> None:
    assert use_demo_day() == DEMO_AS_OF
    found = story(client)
    assert statuses(found["c02"]) == {
        "DECIDER": "COLD",
        "BUYER": "COLD",
        "INFLUENCER": "ENGAGED",
        "USER": "ENGAGED",
    }
    decider = next(r for r in found["c02"]["account"]["roles"] if r["role"] == "DECIDER")
    assert decider["coldPersonIds"] == ["p-16"]
    assert found["c02"]["account"]["champion"] == {
        "status": "COOLING",
        "coolingPersonIds": ["p-21"],
    }
    assert statuses(found["c03"]) == {
        "DECIDER": "MISSING",
        "BUYER": "ENGAGED",
        "INFLUENCER": "ENGAGED",
        "USER": "ENGAGED",
    }
    assert found["c03"]["ourThread"] == {"memberId": "tm-2", "memberTouches": 18, "touches": 22}
    assert found["c04"]["singleThreadedDeals"] == [
        {"dealId": "d-14", "engagedContactIds": ["p-41"]}
    ]
    assert found["c01"]["noEngagedPeople"] is False


@pytest.mark.usefixtures("clock")
def test_as_of_the_machine_date_the_story_would_have_drifted(client: TestClient) -> None:
    """The control: without the demo's day, a year on, every account has gone cold."""
    found = story(client)
    assert found["c01"]["noEngagedPeople"] is True
    assert found["c02"]["account"]["champion"]["status"] == "COLD"
    assert set(statuses(found["c03"]).values()) <= {"COLD", "MISSING"}


def invoke(data_dir: Path, *args: str) -> Result:
    env = {"ABMGRAPH_DATA_DIR": str(data_dir), "ABMGRAPH_STORE": "memory"}
    return CliRunner().invoke(app, list(args), env=env)


@pytest.mark.usefixtures("clock")
def test_the_demo_loads_into_its_own_folder_and_says_its_date(tmp_path: Path) -> None:
    result = invoke(tmp_path, "demo", "--no-serve")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert f"the demo's store is {tmp_path / 'demo'} (not your own)" in said
    assert "it answers as of 2026-11-20, the day its data ends, unless a query names asOf" in said
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]  # nothing in the user's own store
    assert as_of.today() == DEMO_AS_OF


@pytest.mark.usefixtures("clock")
def test_other_commands_reach_the_demo_as_of_its_date_with_demo(tmp_path: Path) -> None:
    assert invoke(tmp_path, "demo", "--no-serve").exit_code == 0
    as_of.fix_today(None)  # a fresh process: `abmgraph --demo query` in another shell
    query = (
        '{ coverageGaps(accountId: "c-02") '
        "{ ... on CoverageGaps { account { champion { status } } } } }"
    )
    result = invoke(tmp_path, "--demo", "query", query)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)["data"]["coverageGaps"]["account"]["champion"]
    assert answer == {"status": "COOLING"}
    users = invoke(tmp_path, "query", "{ accounts(first: 1) { totalCount } }")
    assert json.loads(users.stdout)["data"]["accounts"]["totalCount"] == 0  # the user's store


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield int(s.getsockname()[1])


def test_a_taken_port_is_named_with_a_port_to_try(tmp_path: Path, taken_port: int) -> None:
    result = invoke(tmp_path, "demo", "--port", str(taken_port), "--host", "127.0.0.1")
    assert result.exit_code == 1 and isinstance(result.exception, AbmGraphError)
    message = str(result.exception)
    assert message.startswith(f"port {taken_port} on 127.0.0.1 is taken")
    assert "choose another with --port, e.g. abmgraph demo --port " in message
    suggested = int(message.rsplit(" ", 1)[1])
    with socket.socket() as s:  # the suggested port is free
        s.bind(("127.0.0.1", suggested))
    assert not (tmp_path / "demo").exists()  # refused before loading anything


def test_the_user_sees_the_taken_port_in_one_line(tmp_path: Path, taken_port: int) -> None:
    result = abmgraph("demo", "--port", str(taken_port), data_dir=tmp_path, check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: port {taken_port} on ")
    assert "serving" not in result.stderr and "Traceback" not in result.stderr
