"""``abmgraph load`` prints the currencies no exchange rate converts and writes the warnings."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.test_bundle_loader import write
from tests.test_cli import abmgraph


def bundle(folder: Path) -> Path:
    write(folder, "companies.csv", "company_id,name\nc1,Acme\n")
    write(
        folder,
        "deals.csv",
        "deal_id,company_id,stage,amount,currency\n"
        "d1,c1,won,1,JPY\nd2,c1,won,1,JPY\nd3,c1,won,2,BRL\nd4,c1,won,3,BRL\nd5,c1,won,1,JPY\n",
    )
    return folder


def test_the_load_prints_the_unrated_currencies_and_writes_each_warning(tmp_path: Path) -> None:
    result = abmgraph("load", "bundle", str(bundle(tmp_path / "b")), data_dir=tmp_path / "data")
    assert "no exchange rate for BRL (2 amounts): they are left out of every total" in (
        result.stderr
    )
    assert "deals.csv:4 currency=BRL" in result.stderr
    (path,) = (tmp_path / "data" / "reports").glob("warnings-*.csv")
    with path.open(encoding="utf-8") as fh:
        rows = [(r["file"], r["line"], r["field"], r["value"]) for r in csv.DictReader(fh)]
    assert rows == [("deals.csv", "4", "currency", "BRL"), ("deals.csv", "5", "currency", "BRL")]


def test_the_json_report_lists_the_unrated_currencies(tmp_path: Path) -> None:
    out = abmgraph(
        "load", "bundle", str(bundle(tmp_path / "b")), "--json", data_dir=tmp_path / "data"
    ).stdout
    report = json.loads(out)
    assert report["ok"] is True and report["unrated_currencies"] == {"BRL": 2}
    assert report["warnings"] == 2 and report["warnings_path"]
    assert [f["warned"] for f in report["files"]] == [0, 2]
