"""The command line, run as users run it (a subprocess), on the embedded store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from graph_service.demo import DEMO_BUNDLE
from tests.conftest import REPO


def abmgraph(*args: str, data_dir: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ABMGRAPH_DATA_DIR": str(data_dir), "ABMGRAPH_STORE": "memory"}
    result = subprocess.run(
        [sys.executable, "-m", "graph_service", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_stats_json_has_exactly_nodes_and_relationships(tmp_path: Path) -> None:
    abmgraph("load", "bundle", str(DEMO_BUNDLE), data_dir=tmp_path)
    stats = json.loads(abmgraph("stats", "--json", data_dir=tmp_path).stdout)
    assert set(stats) == {"nodes", "relationships"}
    assert stats["nodes"]["Person"] == 64 and stats["nodes"]["Touch"] == 500


def test_loading_the_same_bundle_twice_leaves_identical_stats(tmp_path: Path) -> None:
    abmgraph("load", "bundle", str(DEMO_BUNDLE), data_dir=tmp_path)
    first = abmgraph("stats", "--json", data_dir=tmp_path).stdout
    abmgraph("load", "bundle", str(DEMO_BUNDLE), data_dir=tmp_path)
    assert abmgraph("stats", "--json", data_dir=tmp_path).stdout == first


def test_load_json_report_accounts_for_every_row(tmp_path: Path) -> None:
    out = abmgraph("load", "bundle", str(DEMO_BUNDLE), "--json", data_dir=tmp_path).stdout
    report = json.loads(out)
    assert report["ok"] is True
    for f in report["files"]:
        assert f["read"] == f["loaded"] + f["rejected"]
    assert report["totals"]["read"] == sum(f["read"] for f in report["files"]) > 800


def test_bad_rows_are_reported_with_a_reject_file_and_no_traceback(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "companies.csv").write_text(
        "company_id,name,employees\nc1,Acme,lots\nc2,Beta,5\n", encoding="utf-8"
    )
    result = abmgraph("load", "bundle", str(bundle), "--json", data_dir=tmp_path / "d")
    report = json.loads(result.stdout)
    assert report["totals"] == {"read": 2, "loaded": 1, "rejected": 1, "merged": 0}
    rejects = Path(report["rejects_path"]).read_text(encoding="utf-8")
    assert "companies.csv,2,employees,lots,not a whole number: 'lots'" in rejects
    assert "Traceback" not in result.stderr


def test_a_missing_required_column_fails_the_load_naming_file_and_column(tmp_path: Path) -> None:
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "companies.csv").write_text("company_id\nc1\n", encoding="utf-8")
    result = abmgraph("load", "bundle", str(bundle), data_dir=tmp_path / "d", check=False)
    assert result.returncode == 1
    assert "companies.csv: column 'name': required column is missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = abmgraph("load", "bundle", str(tmp_path / "missing"), data_dir=tmp_path, check=False)
    assert result.returncode == 1
    assert "not a directory" in result.stderr and "Traceback" not in result.stderr


def test_query_prints_the_graphql_result_as_json(tmp_path: Path) -> None:
    abmgraph("load", "bundle", str(DEMO_BUNDLE), data_dir=tmp_path)
    out = abmgraph(
        "query",
        "query ($n: Int!) { accounts(first: $n) { edges { node { id } } } }",
        "--variables",
        '{"n": 2}',
        data_dir=tmp_path,
    ).stdout
    ids = [e["node"]["id"] for e in json.loads(out)["data"]["accounts"]["edges"]]
    assert ids == ["c-01", "c-02"]


def test_a_failing_query_exits_non_zero_with_the_errors(tmp_path: Path) -> None:
    result = abmgraph("query", "{ nope }", data_dir=tmp_path, check=False)
    assert result.returncode == 1
    assert "Cannot query field 'nope'" in json.loads(result.stdout)["errors"][0]["message"]


def test_the_neo4j_store_without_a_uri_is_a_clear_error(tmp_path: Path) -> None:
    env_free = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J")}
    result = subprocess.run(
        [sys.executable, "-m", "graph_service", "--store", "neo4j", "stats"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        env={**env_free, "ABMGRAPH_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 1
    assert "needs NEO4J_URI" in result.stderr and "Traceback" not in result.stderr
