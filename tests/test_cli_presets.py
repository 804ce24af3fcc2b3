"""`abmgraph load PRESET PATH`, run as users run it (a subprocess), on the embedded store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.conftest import MAVEN_CRM, needs_maven_crm
from tests.test_cli import abmgraph

DATA = Path(__file__).resolve().parent / "data"


@needs_maven_crm
def test_load_maven_crm_json_accounts_for_every_row_and_a_rerun_changes_nothing(
    tmp_path: Path,
) -> None:
    result = abmgraph("load", "maven-crm", str(MAVEN_CRM), "--json", data_dir=tmp_path)
    report = json.loads(result.stdout)
    assert report["ok"] is True
    by_file = {f["file"]: f for f in report["files"]}
    for name in ("accounts.csv", "sales_teams.csv", "products.csv", "sales_pipeline.csv"):
        with (MAVEN_CRM / name).open(encoding="utf-8", newline="") as fh:
            assert by_file[name]["read"] == sum(1 for _ in csv.DictReader(fh)), name
    for f in report["files"]:
        assert f["read"] == f["loaded"] + f["rejected"], f["file"]
    assert by_file["sales_pipeline.csv"]["rejected"] == 1425
    rejects = Path(report["rejects_path"]).read_text(encoding="utf-8").splitlines()
    assert len(rejects) == 1 + 1425
    stats = abmgraph("stats", "--json", data_dir=tmp_path).stdout
    again = json.loads(
        abmgraph("load", "maven-crm", str(MAVEN_CRM), "--json", data_dir=tmp_path).stdout
    )
    assert again["files"] == report["files"] and again["merges"] == []
    assert abmgraph("stats", "--json", data_dir=tmp_path).stdout == stats


def test_load_salesforce_with_a_shift_jis_file_reports_rejects_and_no_traceback(
    tmp_path: Path,
) -> None:
    result = abmgraph("load", "salesforce", str(DATA / "salesforce"), "--json", data_dir=tmp_path)
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["totals"]["rejected"] > 0
    assert "Traceback" not in result.stderr
    stats = json.loads(abmgraph("stats", "--json", data_dir=tmp_path).stdout)
    assert stats["nodes"]["Person"] == 9


def test_a_wrong_encoding_option_is_a_one_line_error(tmp_path: Path) -> None:
    result = abmgraph(
        "load",
        "hubspot",
        str(DATA / "hubspot"),
        "--encoding",
        "klingon",
        data_dir=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert "unknown encoding 'klingon'" in result.stderr and "Traceback" not in result.stderr
