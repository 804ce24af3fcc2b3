"""Pytest plugin: a real Neo4j for tests marked ``neo4j``.

Fixtures ``neo4j_uri``, ``neo4j_driver`` and ``neo4j_database`` (all session-scoped). With
``NEO4J_URI`` set they use that server (``NEO4J_USER`` / ``NEO4J_PASSWORD`` /
``NEO4J_DATABASE``); otherwise an embedded Neo4j is started once per session. If no server
can be had the tests are skipped with a reason starting ``NEO4J UNAVAILABLE:``.

CI guard: with ``ABMGRAPH_REQUIRE_NEO4J=1`` the session fails if a ``neo4j`` test was
skipped, or if ``neo4j`` tests were collected but none ran.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from graph_service.neo4j_embedded import EmbeddedNeo4j, EmbeddedNeo4jError

REQUIRE_ENV = "ABMGRAPH_REQUIRE_NEO4J"
UNAVAILABLE = "NEO4J UNAVAILABLE: "


class _Neo4jReport:
    """Per-session bookkeeping of ``neo4j`` tests; registered as a plugin by pytest_configure."""

    def __init__(self) -> None:
        self.uri: str | None = None
        self.marked: set[str] = set()
        self.ran: set[str] = set()
        self.skipped: dict[str, str] = {}
        self.guard_error: str | None = None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.marked = {item.nodeid for item in session.items if item.get_closest_marker("neo4j")}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.nodeid not in self.marked:
            return
        if report.skipped and not hasattr(report, "wasxfail"):
            longrepr = report.longrepr
            self.skipped[report.nodeid] = (
                longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
            )
        elif report.when == "call":
            self.ran.add(report.nodeid)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        required = os.environ.get(REQUIRE_ENV) == "1"
        if not required or not self.marked or session.config.option.collectonly:
            return
        if self.skipped:
            first = next(iter(self.skipped.values()))
            self.guard_error = f"{len(self.skipped)} neo4j test(s) skipped, e.g. {first}"
        elif not self.ran:
            self.guard_error = f"{len(self.marked)} neo4j test(s) collected but none ran"
        if self.guard_error and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.marked or terminalreporter.config.option.collectonly:
            return
        line = f"neo4j: {len(self.ran)} tests ran against {self.uri or 'no server'}"
        if self.skipped:
            line += f", {len(self.skipped)} skipped"
        terminalreporter.write_line(line, bold=True, red=bool(self.skipped))
        if self.guard_error:
            terminalreporter.write_line(f"{REQUIRE_ENV}=1: FAILING: {self.guard_error}", red=True)


_REPORT = pytest.StashKey[_Neo4jReport]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "neo4j: needs a real Neo4j server")
    report = _Neo4jReport()
    config.stash[_REPORT] = report
    config.pluginmanager.register(report, "abmgraph-neo4j-report")


@pytest.fixture(scope="session")
def neo4j_uri(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Bolt URI of ``NEO4J_URI`` or of an embedded server started for this session."""
    report = request.config.stash[_REPORT]
    external = os.environ.get("NEO4J_URI")
    if external:
        report.uri = external
        yield external
        return
    server = EmbeddedNeo4j(tmp_path_factory.mktemp("neo4j"), tie_to_parent=True)
    try:
        uri = server.start()
    except EmbeddedNeo4jError as exc:
        pytest.skip(f"{UNAVAILABLE}{exc}")
    report.uri = uri
    try:
        yield uri
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_database() -> str | None:
    """Database to use (``NEO4J_DATABASE``); ``None`` means the server's default."""
    return os.environ.get("NEO4J_DATABASE") or None


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_uri: str) -> Iterator[neo4j.Driver]:
    """A connected driver; basic auth when ``NEO4J_USER`` is set, no auth otherwise."""
    user = os.environ.get("NEO4J_URI") and os.environ.get("NEO4J_USER")
    auth = neo4j.basic_auth(user, os.environ.get("NEO4J_PASSWORD", "")) if user else None
    driver = neo4j.GraphDatabase.driver(neo4j_uri, auth=auth)
    try:
        driver.verify_connectivity()
    except Exception as exc:
        driver.close()
        pytest.skip(f"{UNAVAILABLE}cannot connect to {neo4j_uri}: {exc}")
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture
def own_neo4j(tmp_path: Path) -> Iterator[EmbeddedNeo4j]:
    """A small embedded Neo4j of the test's own (its data under ``tmp_path``), for a test that
    stops and starts the server without disturbing the session's; skipped with the
    ``NEO4J UNAVAILABLE:`` reason when none can start."""
    server = EmbeddedNeo4j(tmp_path / "neo4j", tie_to_parent=True, heap="512m", pagecache_mb=32)
    try:
        server.start()
    except EmbeddedNeo4jError as exc:
        pytest.skip(f"{UNAVAILABLE}{exc}")
    try:
        yield server
    finally:
        server.stop()
