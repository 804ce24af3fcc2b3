#!/usr/bin/env python3
"""The ceiling of this machine: Neo4j's own offline importer on a generated bundle's touches.

Not a load path of abmgraph. It answers one question about the load-throughput target (50,000
touch rows/s): how fast can *any* load into Neo4j go here? It converts a generated bundle's
companies, people, team, deals and touches into ``neo4j-admin database import full`` files
(the nodes with the properties abmgraph stores, touches with ``day``; the WORKS_AT, FOR, BY,
WITH and ABOUT relationships; no validation, no entity resolution, no other files), then runs
Neo4j's importer from the embedded launcher's classpath into an empty data directory. It
reports the conversion time (Python, one pass over the CSV files), the importer's wall time
(JVM start included) and the touch rows/s of each and of both together.

    python bench/import_ceiling.py                      # generates 11,000 accounts (~1M touches)
    python bench/import_ceiling.py --bundle /tmp/bench  # a bundle of yours (kept)

Results go to ``bench/results/import_ceiling-<stamp>.json`` and ``.md`` (gitignored).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from results_io import save_results  # noqa: E402

from graph_service.neo4j_embedded import build_classpath, default_cache_dir  # noqa: E402
from loaders.generate import generate_bundle  # noqa: E402

Row = dict[str, str]
Emit = Callable[[Row], list[str]]

#: (bundle file, import file, header, row -> cells) for the nodes.
NODES: list[tuple[str, str, list[str], Emit]] = [
    (
        "companies.csv",
        "Company",
        ["id:ID(Company)", "name", "domain", "industry", "employees:long", "country"],
        lambda r: [
            r["company_id"],
            r["name"],
            r["domain"],
            r["industry"],
            r["employees"],
            r["country"],
        ],
    ),
    (
        "people.csv",
        "Person",
        ["id:ID(Person)", "full_name", "email", "title", "seniority"],
        lambda r: [r["person_id"], r["full_name"], r["email"], r["title"], r["seniority"]],
    ),
    (
        "team.csv",
        "TeamMember",
        ["id:ID(TeamMember)", "full_name", "email", "team_role", "region"],
        lambda r: [r["member_id"], r["full_name"], r["email"], r["team_role"], r["region"]],
    ),
    (
        "deals.csv",
        "Deal",
        ["id:ID(Deal)", "stage", "name", "category", "amount:double", "close_date:date", "channel"],
        lambda r: [
            r["deal_id"],
            r["stage"],
            r["name"],
            r["category"],
            r["amount"],
            r["close_date"],
            r["channel"],
        ],
    ),
    (
        "touches.csv",
        "Touch",
        ["id:ID(Touch)", "type", "occurred_at:datetime", "day:date", "direction", "notes"],
        lambda r: [
            r["touch_id"],
            r["type"],
            r["occurred_at"],
            r["occurred_at"][:10],
            r["direction"],
            r["notes"],
        ],
    ),
]

#: (bundle file, relationship type, start group, end group, start column, end column).
RELATIONSHIPS = [
    ("people.csv", "WORKS_AT", "Person", "Company", "person_id", "company_id"),
    ("deals.csv", "FOR", "Deal", "Company", "deal_id", "company_id"),
    ("touches.csv", "BY", "Touch", "TeamMember", "touch_id", "member_id"),
    ("touches.csv", "WITH", "Touch", "Person", "touch_id", "person_id"),
    ("touches.csv", "ABOUT", "Touch", "Deal", "touch_id", "deal_id"),
]


def _rows(path: Path) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def convert(bundle: Path, out: Path) -> dict[str, int]:
    """Write the importer's files; rows written per import file."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for source, label, header, emit in NODES:
        rels = [r for r in RELATIONSHIPS if r[0] == source]
        files = [(out / f"{label}.csv").open("w", newline="", encoding="utf-8")]
        files += [(out / f"{r[1]}.csv").open("w", newline="", encoding="utf-8") for r in rels]
        try:
            node_w, *rel_ws = [csv.writer(f) for f in files]
            node_w.writerow(header)
            for w, (_, _, start, end, _, _) in zip(rel_ws, rels, strict=True):
                w.writerow([f":START_ID({start})", f":END_ID({end})"])
            n = 0
            for row in _rows(bundle / source):
                node_w.writerow(emit(row))
                for w, (_, _, _, _, a, b) in zip(rel_ws, rels, strict=True):
                    if row[b]:
                        w.writerow([row[a], row[b]])
                n += 1
            counts[label] = n
        finally:
            for f in files:
                f.close()
    return counts


def run_import(files: Path, home: Path, heap: str) -> tuple[float, str]:
    """Neo4j's importer into an empty ``home``; its wall time and the tail of its output."""
    classpath = build_classpath(default_cache_dir())
    args = [f"--nodes={label}={files / f'{label}.csv'}" for _, label, _, _ in NODES]
    args += [f"--relationships={r[1]}={files / f'{r[1]}.csv'}" for r in RELATIONSHIPS]
    home.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    proc = subprocess.run(
        [
            shutil.which("java") or "java",
            f"-Xmx{heap}",
            "-cp",
            classpath,
            "org.neo4j.cli.AdminTool",
            "database",
            "import",
            "full",
            "neo4j",
            "--overwrite-destination",
            f"--report-file={home / 'import.report'}",
            f"--max-off-heap-memory={heap}",
            *args,
        ],
        env={**os.environ, "NEO4J_HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"the importer failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    tail = "\n".join(
        line for line in proc.stdout.splitlines() if "COMPLETED" in line or "IMPORT DONE" in line
    )
    return seconds, tail


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundle", type=Path, default=None)
    ap.add_argument("--accounts", type=int, default=11_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--heap", default="2g")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="abmgraph-import-") as tmp:
        bundle = args.bundle or Path(tmp) / "bundle"
        if not (bundle / "touches.csv").exists():
            print(f"generating {args.accounts:,} accounts into {bundle} ...", flush=True)
            generate_bundle(bundle, args.accounts, args.seed)
        started = time.perf_counter()
        counts = convert(bundle, Path(tmp) / "import")
        convert_s = time.perf_counter() - started
        print(f"converted {sum(counts.values()):,} rows in {convert_s:.1f} s", flush=True)
        import_s, phases = run_import(Path(tmp) / "import", Path(tmp) / "home", args.heap)
        print(f"imported in {import_s:.1f} s\n{phases}", flush=True)
    touches = counts["Touch"]
    result: dict[str, Any] = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "rows": counts,
        "convert_seconds": round(convert_s, 1),
        "import_seconds": round(import_s, 1),
        "touch_rows_per_s_import": round(touches / import_s),
        "touch_rows_per_s_convert_and_import": round(touches / (convert_s + import_s)),
        "phases": phases.splitlines(),
    }
    md = [
        f"# Neo4j's offline importer on this machine ({result['when']}, {result['cpus']} CPUs)",
        "",
        f"{touches:,} touches ({sum(counts.values()):,} node rows, with their relationships).",
        "",
        "| step | seconds | touch rows/s |",
        "| --- | --- | --- |",
        f"| conversion (Python) | {convert_s:.1f} | {touches / convert_s:,.0f} |",
        f"| importer (JVM start included) | {import_s:.1f} | {touches / import_s:,.0f} |",
        f"| both | {convert_s + import_s:.1f} | {touches / (convert_s + import_s):,.0f} |",
    ]
    save_results("import_ceiling", result, "\n".join(md))


if __name__ == "__main__":
    main()
