"""Entity resolution from the command line: overrides, dry runs and the merge report."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from tests.resolution_fixtures import PLANTED, write_bundle, write_overrides
from tests.test_cli import abmgraph


def merges(report: dict[str, Any]) -> set[tuple[str, ...]]:
    return {
        (m["kind"], m["kept_id"], i, m["rule"]) for m in report["merges"] for i in m["merged_ids"]
    }


def test_a_load_writes_the_merge_report_next_to_the_rejects(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    result = abmgraph("load", "bundle", str(bundle), "--json", data_dir=tmp_path / "d")
    report = json.loads(result.stdout)
    assert merges(report) == PLANTED
    assert report["totals"]["merged"] == 7
    merges_path, rejects_path = Path(report["merges_path"]), Path(report["rejects_path"])
    assert merges_path.parent == rejects_path.parent == tmp_path / "d" / "reports"
    with merges_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {(r["kind"], r["kept_id"], r["merged_ids"], r["rule"]) for r in rows} == PLANTED


def test_the_summary_table_has_a_merged_column(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    result = abmgraph("load", "bundle", str(bundle), data_dir=tmp_path / "d")
    assert "merged" in result.stderr
    assert "7 merges, with their rules:" in result.stderr.replace("\n", " ")


def test_dry_run_prints_the_merges_and_writes_nothing(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    data = tmp_path / "d"
    abmgraph("load", "bundle", str(bundle), data_dir=data)  # something to leave untouched
    before = {p: p.stat().st_mtime_ns for p in data.rglob("*") if p.is_file()}
    stats = abmgraph("stats", "--json", data_dir=data).stdout
    overrides = write_overrides(tmp_path / "o.toml", 'always_merge = [["p1", "p6"]]\n')
    result = abmgraph(
        "load", "bundle", str(bundle), "--dry-run", "--overrides", str(overrides), data_dir=data
    )
    assert "Merges" in result.stdout and "always_merge" in result.stdout
    assert "nothing written" in result.stderr
    assert {p: p.stat().st_mtime_ns for p in data.rglob("*") if p.is_file()} == before
    assert abmgraph("stats", "--json", data_dir=data).stdout == stats


def test_dry_run_json_lists_the_merges_of_a_fresh_store(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    result = abmgraph("load", "bundle", str(bundle), "--dry-run", "--json", data_dir=tmp_path / "d")
    report = json.loads(result.stdout)
    assert merges(report) == PLANTED
    assert report["merges_path"] is None and report["rejects_path"] is None
    assert not (tmp_path / "d").exists()


def test_overrides_are_honoured_on_the_next_load(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    data = tmp_path / "d"
    abmgraph("load", "bundle", str(bundle), data_dir=data)
    overrides = write_overrides(
        tmp_path / "o.toml", 'always_merge = [["p1", "p6"]]\nnever_merge = [["c8", "c9"]]\n'
    )
    result = abmgraph(
        "load", "bundle", str(bundle), "--json", "--overrides", str(overrides), data_dir=data
    )
    got = merges(json.loads(result.stdout))
    assert ("people", "p1", "p6", "always_merge") in got
    assert ("companies", "c8", "c9", "name") not in got
    stats = json.loads(abmgraph("stats", "--json", data_dir=data).stdout)
    assert stats["nodes"]["Person"] == 4


def test_a_bad_overrides_file_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    bundle = write_bundle(tmp_path / "b")
    overrides = write_overrides(tmp_path / "o.toml", 'always_merge = "p1"\n')
    result = abmgraph(
        "load", "bundle", str(bundle), "--overrides", str(overrides),
        data_dir=tmp_path / "d", check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "always_merge must be a list of id pairs" in result.stderr
    assert "Traceback" not in result.stderr


def test_proposed_merges_are_counted_apart_from_merges_made(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    # Acme Inc. and Acme GmbH: one name, two legal forms, so the match is only proposed
    (bundle / "companies.csv").write_text(
        "company_id,name,country\nc1,Acme Inc.,US\nc2,Acme GmbH,\n", encoding="utf-8"
    )
    result = abmgraph("load", "bundle", str(bundle), data_dir=tmp_path / "d")
    line = result.stderr.replace("\n", " ")
    assert "0 merges and 1 proposed (not made: confirm with always_merge)" in line
