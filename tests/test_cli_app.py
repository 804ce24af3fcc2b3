"""The root command: it starts without the heavy libraries, and bad settings are one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

#: Libraries a command imports where it uses them, never at start-up.
HEAVY = ("pandas", "numpy", "matplotlib", "networkx", "scipy", "sklearn", "pyarrow", "neo4j")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=REPO,
        timeout=120,
    )


def imported_top_level(stderr: str) -> set[str]:
    """The top-level packages a ``python -X importtime`` run imported."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[-1].strip().split(".")[0])
    return names


def test_help_imports_none_of_the_heavy_libraries() -> None:
    result = run("-X", "importtime", "-m", "graph_service", "--help")
    assert result.returncode == 0
    assert "load" in result.stdout and "export" in result.stdout
    loaded = imported_top_level(result.stderr)
    assert "typer" in loaded  # the check sees imports at all
    assert sorted(loaded & set(HEAVY)) == []


def test_a_command_groups_help_imports_none_of_them_either() -> None:
    result = run("-X", "importtime", "-m", "graph_service", "export", "targets", "--help")
    assert result.returncode == 0 and "--min-whitespace" in result.stdout
    assert sorted(imported_top_level(result.stderr) & set(HEAVY)) == []


def test_a_bad_setting_is_one_line_naming_it(tmp_path: Path) -> None:
    result = run(
        "-m",
        "graph_service",
        "stats",
        env={"ABMGRAPH_STORE": "mongo", "ABMGRAPH_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "invalid settings: store" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
