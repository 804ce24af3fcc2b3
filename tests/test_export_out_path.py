"""A file is written where it is asked for, or the command says in one line why not.

``abmgraph export targets``, ``abmgraph viz sow`` and ``abmgraph viz org-map`` refuse a
missing folder (never creating it), a path under a file, a folder and an unwritable folder,
before opening the store, with exit code 1 and one line naming the path.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from graph_service.cli.app import app
from graph_service.demo import DEMO_BUNDLE
from graph_service.errors import AbmGraphError
from tests.test_cli import abmgraph

#: Each command, with what it needs besides --out.
COMMANDS = {
    "export": (["export", "targets"], "t.csv"),
    "sow": (["viz", "sow"], "sow.png"),
    "org-map": (["viz", "org-map", "c-01"], "map.html"),
}


def run(data_dir: Path, command: str, out: Path) -> Result:
    args, _ = COMMANDS[command]
    env = {"ABMGRAPH_DATA_DIR": str(data_dir), "ABMGRAPH_STORE": "memory"}
    return CliRunner().invoke(app, [*args, "--out", str(out)], env=env)


def refused(result: Result) -> str:
    """The one-line message of a command that refused its --out (the CLI prints it as
    ``error: <message>`` and exits 1)."""
    assert result.exit_code == 1
    assert isinstance(result.exception, AbmGraphError), result.exception
    message = str(result.exception)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_missing_folder_is_named_and_never_created(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nonexistent"
    out = missing / COMMANDS[command][1]
    message = refused(run(tmp_path / "data", command, out))
    assert message == f"--out: folder {missing} does not exist (create it first)"
    assert not missing.exists()
    assert not (tmp_path / "data").exists()  # refused before the store was opened


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_path_under_a_file_is_refused(tmp_path: Path, command: str) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    out = tmp_path / "notes.txt" / COMMANDS[command][1]
    message = refused(run(tmp_path / "data", command, out))
    assert message == f"--out: {tmp_path / 'notes.txt'} is not a folder: {out}"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_folder_given_as_the_file_is_refused(tmp_path: Path, command: str) -> None:
    folder = tmp_path / COMMANDS[command][1]
    folder.mkdir()
    message = refused(run(tmp_path / "data", command, folder))
    assert message == f"--out: {folder} is a folder; name a file in it"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_unwritable_folder_is_refused(
    tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access

    def access(path: str | os.PathLike[str], mode: int) -> bool:
        # (as if this folder were read-only: chmod does not stop root, who may run the tests)
        if Path(path) == locked and mode & os.W_OK:
            return False
        return real_access(path, mode)

    monkeypatch.setattr(os, "access", access)
    out = locked / COMMANDS[command][1]
    message = refused(run(tmp_path / "data", command, out))
    assert message == f"--out: cannot write {out} (permission denied)"


def test_a_write_that_fails_anyway_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up between the check and the write: still a line, not a traceback."""
    abmgraph("load", "bundle", str(DEMO_BUNDLE), data_dir=tmp_path)

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("graph_service.export.writer.write_csv", full)
    out = tmp_path / "t.csv"
    message = refused(run(tmp_path, "export", out))
    assert message == f"cannot write {out}: No space left on device"


def test_the_user_sees_one_line_and_exit_code_1(tmp_path: Path) -> None:
    """As users run it (a subprocess): the message on stderr, no traceback, no folder made."""
    missing = tmp_path / "nonexistent"
    result = abmgraph(
        "viz", "sow", "--out", str(missing / "sow.png"), data_dir=tmp_path / "d", check=False
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: --out: folder {missing} does not exist (create it first)"
    ]
    assert not missing.exists()
