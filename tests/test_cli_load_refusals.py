"""``abmgraph load`` refuses what it cannot load with one clear line and exit status 1: a folder
without a bundle file, a FIFO (never waited on), a file not in the encoding given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.test_cli import abmgraph


@pytest.mark.parametrize("content", [None, "notes.txt"])
def test_a_folder_with_no_bundle_file_exits_non_zero_saying_so(
    tmp_path: Path, content: str | None
) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    if content:
        (bundle / content).write_text("hello\n", encoding="utf-8")
    result = abmgraph("load", "bundle", str(bundle), data_dir=tmp_path / "d", check=False)
    assert result.returncode == 1
    assert "no bundle files here (expected companies.csv" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    os.mkfifo(bundle / "companies.csv")
    (bundle / "team.csv").write_text("member_id,full_name\nm1,Ann\n", encoding="utf-8")
    result = abmgraph("load", "bundle", str(bundle), data_dir=tmp_path / "d", check=False)
    assert result.returncode == 1
    assert "companies.csv: not a regular file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_fifo_in_a_preset_export_is_refused_not_skipped(tmp_path: Path) -> None:
    export = tmp_path / "sf"
    export.mkdir()
    os.mkfifo(export / "Account.csv")
    result = abmgraph("load", "salesforce", str(export), data_dir=tmp_path / "d", check=False)
    assert result.returncode == 1
    assert "Account.csv: not a regular file" in result.stderr


def test_utf16_asked_of_a_utf8_file_is_a_clear_error_naming_the_file(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "companies.csv").write_text("company_id,name\nc1,Acme\n", encoding="utf-8")
    result = abmgraph(
        "load", "bundle", str(bundle), "--encoding", "utf-16", data_dir=tmp_path / "d", check=False
    )
    assert result.returncode == 1
    assert "companies.csv: not utf-16 text" in result.stderr
    assert "Traceback" not in result.stderr
