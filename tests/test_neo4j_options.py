"""``abmgraph neo4j start``'s heap, page cache and APOC options reach the launcher's command."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import neo4j
import pytest
from typer.testing import CliRunner, Result

import graph_service.neo4j_embedded as embedded
from graph_service.cli.app import app
from graph_service.neo4j_embedded import (
    APOC_PROCEDURES,
    EmbeddedNeo4j,
    EmbeddedNeo4jError,
    ServerState,
    launch_command,
)
from tests.test_cli import abmgraph

CLASSPATH = os.pathsep.join(
    ["/cache/build/classes", "/m2/neo4j-5.26.30.jar", "/m2/apoc-core-5.26.19.jar"]
)


def neo4j_cli(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        app, ["neo4j", *args], env={"ABMGRAPH_DATA_DIR": str(data_dir), **(env or {})}
    )


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    """Record what `neo4j start` asks ``start_detached`` for, without starting Java."""
    calls: list[dict[str, Any]] = []

    def fake_start(state_dir: Path, cache_dir: Path, port: int | None, **kw: Any) -> ServerState:
        calls.append({"port": port, **kw})
        return ServerState(
            pid=1, uri="bolt://127.0.0.1:7999", port=7999, data_dir=tmp_path, log_path=tmp_path
        )

    monkeypatch.setattr(embedded, "status_detached", lambda state_dir: None)
    monkeypatch.setattr(embedded, "start_detached", fake_start)
    return calls


def test_start_passes_heap_page_cache_and_apoc(
    started: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = neo4j_cli(tmp_path, "start", "--heap", "4g", "--page-cache", "4g", "--apoc")
    assert result.exit_code == 0, result.output
    assert started == [{"port": None, "heap": "4g", "pagecache_mb": 4096, "apoc": True}]
    assert "export NEO4J_URI=bolt://127.0.0.1:7999" in result.stdout


def test_start_defaults_to_1g_heap_96m_page_cache_no_apoc(
    started: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = neo4j_cli(tmp_path, "start")
    assert result.exit_code == 0, result.output
    assert started == [{"port": None, "heap": "1g", "pagecache_mb": 96, "apoc": False}]


def test_start_reads_the_sizes_from_the_environment(
    started: list[dict[str, Any]], tmp_path: Path
) -> None:
    env = {"ABMGRAPH_NEO4J_HEAP": "2g", "ABMGRAPH_NEO4J_PAGE_CACHE": "512m"}
    result = neo4j_cli(tmp_path, "start", env=env)
    assert result.exit_code == 0, result.output
    assert started[0]["heap"] == "2g"
    assert started[0]["pagecache_mb"] == 512


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--heap", "lots"], "not a JVM heap size: 'lots'"),
        (["--heap", "100m"], "heap '100m' is too small"),
        (["--page-cache", "1m"], "page cache 1 MiB: give at least 8 MiB"),
    ],
)
def test_a_bad_size_is_one_line_and_starts_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = abmgraph("neo4j", "start", *args, data_dir=tmp_path / "data", check=False)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "data").exists()  # no state, no server directory


def test_a_running_server_with_other_options_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    running = ServerState(1, "bolt://127.0.0.1:7999", 7999, tmp_path, tmp_path, "1g", 96, False)
    monkeypatch.setattr(embedded, "status_detached", lambda state_dir: running)
    result = neo4j_cli(tmp_path, "start", "--heap", "4g")
    assert result.exit_code == 0, result.output
    assert "already running with heap 1g, page cache 96 MiB" in result.output
    assert "to start it with heap 4g, page cache 96 MiB" in " ".join(result.output.split())


def test_without_apoc_its_jar_is_off_the_classpath() -> None:
    cmd = launch_command("java", CLASSPATH, Path("/d"), 7687)
    classpath = cmd[cmd.index("-cp") + 1].split(os.pathsep)
    assert classpath == ["/cache/build/classes", "/m2/neo4j-5.26.30.jar"]
    assert "--procedures" not in cmd
    assert cmd[1:3] == ["-Xmx1g", "-Dabmgraph.pagecache.mb=96"]


def test_with_apoc_its_jar_is_loaded_and_allowlisted() -> None:
    cmd = launch_command("java", CLASSPATH, Path("/d"), 7687, apoc=True, tie_to_parent=True)
    assert cmd[cmd.index("-cp") + 1] == CLASSPATH
    assert cmd[cmd.index("--procedures") + 1] == APOC_PROCEDURES == "apoc.*"
    assert "--exit-on-stdin-eof" in cmd


def test_apoc_without_its_jar_is_a_clear_error() -> None:
    with pytest.raises(EmbeddedNeo4jError, match="no APOC core jar"):
        launch_command("java", "/cache/build/classes", Path("/d"), 7687, apoc=True)


def test_the_plugins_directory_holds_apoc_only_when_asked(tmp_path: Path) -> None:
    jar = tmp_path / "m2" / "apoc-core-5.26.19.jar"
    jar.parent.mkdir()
    jar.write_bytes(b"jar")
    classpath = os.pathsep.join([str(tmp_path / "classes"), str(jar)])
    data = tmp_path / "data"
    embedded._place_plugins(data, classpath, apoc=True)
    assert [p.name for p in (data / "plugins").iterdir()] == ["apoc-core-5.26.19.jar"]
    embedded._place_plugins(data, classpath, apoc=False)
    assert list((data / "plugins").iterdir()) == []


def test_the_state_file_keeps_the_options_and_reads_older_files(tmp_path: Path) -> None:
    state = ServerState(7, "bolt://127.0.0.1:1", 1, tmp_path, tmp_path / "l", "4g", 4096, True)
    assert ServerState.from_json(state.to_json()) == state
    older = json.loads(state.to_json())
    for key in ("heap", "pagecache_mb", "apoc"):
        del older[key]
    read = ServerState.from_json(json.dumps(older))
    assert (read.heap, read.pagecache_mb, read.apoc) == ("1g", 96, False)


@pytest.mark.neo4j
def test_apoc_is_callable_only_on_a_server_started_with_it(
    tmp_path: Path, neo4j_driver: neo4j.Driver, neo4j_database: str | None
) -> None:
    # The session's server runs without APOC.
    records, _, _ = neo4j_driver.execute_query(
        "SHOW FUNCTIONS YIELD name WHERE name STARTS WITH 'apoc.' RETURN count(*) AS n",
        database_=neo4j_database,
    )
    assert records[0]["n"] == 0
    with (
        EmbeddedNeo4j(tmp_path / "neo4j", apoc=True) as server,
        neo4j.GraphDatabase.driver(server.uri) as driver,
    ):
        records, _, _ = driver.execute_query("RETURN apoc.version() AS v")
        assert str(records[0]["v"]).startswith("5.26")
