"""``abmgraph load ... --snapshot``: the retired count per file in the table and in --json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from graph_service.demo import DEMO_BUNDLE
from tests.test_cli import abmgraph


def test_a_snapshot_load_reports_what_it_retired(tmp_path: Path) -> None:
    data = tmp_path / "data"
    abmgraph("load", "bundle", str(DEMO_BUNDLE), "--load-date", "2026-11-01", data_dir=data)
    export = tmp_path / "export"
    shutil.copytree(DEMO_BUNDLE, export)
    deals = export / "deals.csv"
    lines = deals.read_text(encoding="utf-8").splitlines(keepends=True)
    deals.write_text("".join(line for line in lines if not line.startswith("d-03,")), "utf-8")

    plain = abmgraph("load", "bundle", str(export), "--json", data_dir=data).stdout
    assert all(f["retired"] == 0 for f in json.loads(plain)["files"])

    args = ["load", "bundle", str(export), "--snapshot", "--load-date", "2026-11-10"]
    report = json.loads(abmgraph(*args, "--json", data_dir=data).stdout)
    assert (report["snapshot"], report["record_source"], report["load_date"]) == (
        True,
        "bundle",
        "2026-11-10",
    )
    assert {f["file"]: f["retired"] for f in report["files"] if f["retired"]} == {"deals.csv": 1}

    table = abmgraph(*args, data_dir=data).stderr
    assert "snapshot" in table and "retired" in table


def test_a_bad_load_date_is_a_one_line_error(tmp_path: Path) -> None:
    result = abmgraph(
        "load",
        "bundle",
        str(DEMO_BUNDLE),
        "--load-date",
        "10/11/2026",
        data_dir=tmp_path,
        check=False,
    )
    assert result.returncode != 0
    assert "--load-date: not a date" in result.stderr and "Traceback" not in result.stderr
