#!/usr/bin/env python3
"""Touch loads against Neo4j's offline importer: the same bundle, side by side, in one run.

1. The offline importer (``neo4j-admin database import full``, as ``bench/import_ceiling.py``
   runs it: no validation, no entity resolution, an empty database) on the generated bundle:
   its wall time (JVM start included) and its own ``IMPORT DONE`` time, touch rows/s of each.
2. Our load of the same bundle into an emptied embedded Neo4j, as ``abmgraph load bundle``
   runs it (validated, entity resolution on, every batch audited in its transaction), in a
   child process: rows/s per file; for ``touches.csv`` also the CPU seconds the server and
   the loader spent on it, so that the wall time can be read against them.
3. The same bundle loaded again (the idempotent re-run: every touch exists, nothing changes).
4. Neo4j's own rate for our statements: the first ``--statement-rows`` touches under new ids,
   their rows built beforehand, written batch by batch with the touch write's statements
   straight through the driver (no loader, no validation), each statement timed by the
   server (``result_available_after`` + ``result_consumed_after``) and the commit by the
   client.

Prints (and writes to ``bench/results/touch_load-<stamp>.json`` and ``.md``) the ratio of our
touch rows/s to the importer's, against the target of 0.5. Defaults run in a few minutes
(2,000 accounts, ~210k touches); ``--accounts 10000`` is the size ``bench/import_ceiling.py``
was measured at. At small sizes the importer's fixed costs (JVM start, its phases' set-up)
weigh more: read the ratio to its ``IMPORT DONE`` time too, and compare sizes.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from import_ceiling import convert, run_import  # noqa: E402
from results_io import save_results  # noqa: E402

from graph_service.settings import Settings  # noqa: E402
from loaders.report import FileReport  # noqa: E402

TARGET_RATIO = 0.5


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the child: one load, timed per file, with the server's and its own CPU ----------------------


class _Timer:
    """A load observer that times each file, in wall and CPU seconds (the server's and ours)."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.started: dict[str, tuple[float, float, float]] = {}
        self.files: list[dict[str, Any]] = []

    def file_started(self, file: str) -> None:
        self.started[file] = (
            time.perf_counter(),
            cpu_seconds(self.server_pid),
            time.process_time(),
        )

    def rows_done(self, file: str, count: int) -> None:
        pass

    def file_finished(self, report: FileReport) -> None:
        wall, server, client = self.started[report.file]
        seconds = time.perf_counter() - wall
        self.files.append(
            {
                "file": report.file,
                "read": report.read,
                "loaded": report.loaded,
                "rejected": report.rejected,
                "seconds": round(seconds, 3),
                "rows_per_s": round(report.read / seconds, 1) if seconds else None,
                "server_cpu_s": round(cpu_seconds(self.server_pid) - server, 2),
                "loader_cpu_s": round(time.process_time() - client, 2),
            }
        )


def child(args: argparse.Namespace) -> None:
    """Load the bundle at ``args.path`` into the Neo4j store at ``args.uri``; print JSON."""
    from graph_service.store.neo4j import Neo4jStore
    from loaders.bundle import load_bundle

    store = Neo4jStore(args.uri)
    timer = _Timer(args.server_pid)
    began = time.perf_counter()
    try:
        report = load_bundle(Path(args.path), store, observer=timer)
    finally:
        store.close()
    seconds = time.perf_counter() - began
    rows = sum(f["read"] for f in timer.files)
    out = {"ok": report.ok, "seconds": round(seconds, 2), "rows": rows, "files": timer.files}
    print(json.dumps(out))


def run_child(bundle: Path, uri: str, server_pid: int) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--uri", uri]
    cmd += ["--path", str(bundle), "--server-pid", str(server_pid)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"the load failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    if not result["ok"]:
        raise SystemExit(f"the load reported problems: {result}")
    return result


def touches_of(result: dict[str, Any]) -> dict[str, Any]:
    return next(f for f in result["files"] if f["file"] == "touches.csv")


# -- Neo4j's own rate for our statements ----------------------------------------------------------


def statement_rates(uri: str, bundle: Path, rows: int, batch: int) -> dict[str, Any]:
    """The touch write's statements on ``rows`` new touches, straight through the driver.

    Batches alternate between the two ways of writing new touches, so that both see the
    same machine: ``create`` (what a load does now: :data:`~writes.CREATE_TOUCHES` for the
    touches the existence check did not find) and ``merge`` (what it did before: every touch
    through :data:`~writes.UPSERT_TOUCHES`). Per way: rows/s, the server's time per statement
    and the client's time per commit.
    """
    from neo4j import GraphDatabase

    from graph_service.domain import Direction, Touch, TouchType
    from graph_service.store.neo4j import writes

    records = []
    with (bundle / "touches.csv").open(encoding="utf-8", newline="") as f:
        for k, row in enumerate(csv.DictReader(f)):
            if k >= rows:
                break
            records.append(
                Touch(
                    id="s-" + row["touch_id"],
                    member_id=row["member_id"],
                    person_id=row["person_id"],
                    type=TouchType(row["type"]),
                    occurred_at=datetime.fromisoformat(row["occurred_at"]),
                    direction=Direction(row["direction"]) if row["direction"] else None,
                    deal_id=row["deal_id"] or None,
                    notes=row["notes"] or None,
                )
            )
    links = ("member_id", "person_id", "deal_id")
    built = time.perf_counter()
    all_rows = [writes.node_row(r, links, ("occurred_at",)) for r in records]
    build_s = time.perf_counter() - built
    write = {"create": writes.CREATE_TOUCHES, "merge": writes.UPSERT_TOUCHES}
    ways: dict[str, dict[str, Any]] = {
        way: {"rows": 0, "seconds": 0.0, "existing": 0, "write": 0, "refresh": 0, "commit": 0.0}
        for way in write
    }
    driver = GraphDatabase.driver(uri, notifications_min_severity="OFF")
    try:
        with driver.session() as session:
            for k, start in enumerate(range(0, len(all_rows), batch)):
                way = ("create", "merge")[k % 2]
                part = all_rows[start : start + batch]
                people = sorted({r["person_id"] for r in part})
                began = time.perf_counter()
                tx = session.begin_transaction()
                for step, query, params in (
                    ("existing", writes.EXISTING_TOUCHES, {"ids": [r["id"] for r in part]}),
                    ("write", write[way], {"rows": part}),
                    ("refresh", writes.REFRESH_TOUCH_DAYS, {"ids": people}),
                ):
                    summary = tx.run(query, params).consume()
                    ways[way][step] += summary.result_available_after or 0
                    ways[way][step] += summary.result_consumed_after or 0
                committing = time.perf_counter()
                tx.commit()
                ways[way]["commit"] += time.perf_counter() - committing
                ways[way]["seconds"] += time.perf_counter() - began
                ways[way]["rows"] += len(part)
    finally:
        driver.close()
    out: dict[str, Any] = {"rows_built_s": round(build_s, 2), "batch_size": batch}
    for way, w in ways.items():
        out[way] = {
            "rows": w["rows"],
            "seconds": round(w["seconds"], 2),
            "rows_per_s": round(w["rows"] / w["seconds"]) if w["seconds"] else None,
            "server_s": {k: round(w[k] / 1000, 2) for k in ("existing", "write", "refresh")},
            "commit_s": round(w["commit"], 2),
        }
    return out


# -- the parent ------------------------------------------------------------------------------------


def import_done_seconds(phases: str, wall: float) -> float:
    """The importer's own ``IMPORT DONE in 21s 482ms`` time (``wall`` if it printed none).

    >>> import_done_seconds("IMPORT DONE in 1m 2s 50ms. ", 70.0)
    62.05
    >>> import_done_seconds("", 70.0)
    70.0
    """
    match = re.search(r"IMPORT DONE in ((?:\d+[hms]+\s*)+)", phases)
    if match is None:
        return wall
    scale = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    return round(
        sum(int(n) * scale[u] for n, u in re.findall(r"(\d+)(ms|h|m|s)", match.group(1))), 3
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=2_000, help="generated accounts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bundle", type=Path, help="reuse (or keep) the generated bundle here")
    parser.add_argument("--heap", default="4g", help="embedded Neo4j heap (and importer's)")
    parser.add_argument("--pagecache-mb", type=int, default=4096, help="embedded page cache")
    parser.add_argument("--statement-rows", type=int, default=50_000)
    parser.add_argument("--no-rerun", action="store_true", help="skip the idempotent re-run")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--uri", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--server-pid", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    from graph_service.neo4j_embedded import EmbeddedNeo4j
    from graph_service.store.neo4j import Neo4jStore
    from loaders.generate import generate_bundle

    batch = Settings().batch_size
    work = Path(tempfile.mkdtemp(prefix="abmgraph-touch-load-"))
    bundle = args.bundle or work / "bundle"
    if not (bundle / "touches.csv").exists():
        print(f"generating {args.accounts:,} accounts into {bundle} ...", file=sys.stderr)
        generate_bundle(bundle, args.accounts, args.seed)
    described = json.loads((bundle / "generated.json").read_text())
    generated, accounts = described["rows"], described["config"]["accounts"]
    touches = int(generated["touches.csv"])

    print("-- the offline importer ...", file=sys.stderr, flush=True)
    converting = time.perf_counter()
    counts = convert(bundle, work / "import")
    convert_s = time.perf_counter() - converting
    import_s, phases = run_import(work / "import", work / "import-home", args.heap)
    done_s = import_done_seconds(phases, import_s)
    importer = {
        "convert_s": round(convert_s, 2),
        "wall_s": round(import_s, 2),
        "import_done_s": done_s,
        "touch_rows_per_s": round(touches / import_s),
        "touch_rows_per_s_import_done": round(touches / done_s),
        "node_rows": sum(counts.values()),
    }
    print(f"   {importer}", file=sys.stderr, flush=True)

    print(f"-- our load (embedded Neo4j, heap {args.heap}) ...", file=sys.stderr, flush=True)
    server = EmbeddedNeo4j(
        work / "neo4j", heap=args.heap, pagecache_mb=args.pagecache_mb, tie_to_parent=True
    )
    uri = server.start()
    try:
        store = Neo4jStore(uri)
        try:
            store.clear()
            store.ensure_schema()
        finally:
            store.close()
        first = run_child(bundle, uri, server.pid)
        print(f"   {touches_of(first)}", file=sys.stderr, flush=True)
        rerun = None
        if not args.no_rerun:
            print("-- the same bundle again ...", file=sys.stderr, flush=True)
            rerun = run_child(bundle, uri, server.pid)
            print(f"   {touches_of(rerun)}", file=sys.stderr, flush=True)
        print("-- our statements alone ...", file=sys.stderr, flush=True)
        statements = statement_rates(uri, bundle, args.statement_rows, batch)
        print(f"   {statements}", file=sys.stderr, flush=True)
    finally:
        server.stop()

    ours = touches_of(first)
    ratio = ours["rows_per_s"] / importer["touch_rows_per_s"]
    ratio_done = ours["rows_per_s"] / importer["touch_rows_per_s_import_done"]
    load_avg = os.getloadavg()
    meta = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {load_avg[0]:.1f} at the end",
        "neo4j": f"embedded 5.26 (heap {args.heap}, page cache {args.pagecache_mb} MiB)",
        "accounts": accounts,
        "batch_size": batch,
        "generated_rows": generated,
    }
    result = {
        "meta": meta,
        "importer": importer,
        "load": first,
        "rerun": rerun,
        "statements": statements,
        "ratio": round(ratio, 3),
        "ratio_to_import_done": round(ratio_done, 3),
        "target": {"ratio": TARGET_RATIO, "met": ratio >= TARGET_RATIO},
    }
    path = save_results("touch_load", result, markdown(result))
    print(f"written: {path} and .md", file=sys.stderr)


def markdown(result: dict[str, Any]) -> str:
    meta, imp, st = result["meta"], result["importer"], result["statements"]
    touches = meta["generated_rows"]["touches.csv"]
    lines = [
        f"# Touch loads against the offline importer ({meta['when']})",
        "",
        f"{meta['machine']}; Neo4j {meta['neo4j']}; {meta['accounts']:,} accounts, "
        f"{touches:,} touches; batch size {meta['batch_size']}.",
        "",
        "| run | seconds | touch rows/s | server CPU s | loader CPU s |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| offline importer, wall (JVM start included) | {imp['wall_s']:.1f} | "
        f"{imp['touch_rows_per_s']:,} | | |",
        f"| offline importer, its IMPORT DONE time | {imp['import_done_s']:.1f} | "
        f"{imp['touch_rows_per_s_import_done']:,} | | |",
    ]
    for name, run in (("our load, touches.csv", result["load"]), ("re-run", result["rerun"])):
        if run is None:
            continue
        t = next(f for f in run["files"] if f["file"] == "touches.csv")
        lines.append(
            f"| {name} | {t['seconds']:.1f} | {t['rows_per_s']:,.0f} | "
            f"{t['server_cpu_s']:.1f} | {t['loader_cpu_s']:.1f} |"
        )
    for way in ("create", "merge"):
        w = st[way]
        lines.append(
            f"| our statements alone, {way} ({w['rows']:,} new touches) | {w['seconds']:.1f} | "
            f"{w['rows_per_s'] or 0:,} | | |"
        )
    lines.append("")
    for way in ("create", "merge"):
        w, server = st[way], st[way]["server_s"]
        lines.append(
            f"Statements alone, {way}: existence check {server['existing']:.1f} s, write "
            f"{server['write']:.1f} s, touch summaries {server['refresh']:.1f} s (server "
            f"times), commits {w['commit_s']:.1f} s (client)."
        )
    lines += [
        f"Rows for them built beforehand in {st['rows_built_s']:.1f} s.",
        f"Whole load: {result['load']['rows']:,} rows in {result['load']['seconds']:.1f} s "
        f"(importer: {imp['node_rows']:,} node rows in {imp['wall_s']:.1f} s).",
        "",
        "| target | measured | met |",
        "| --- | ---: | :---: |",
        f"| our touch rows/s >= {TARGET_RATIO}x the importer's | {result['ratio']:.2f}x "
        f"({result['ratio_to_import_done']:.2f}x its IMPORT DONE time) | "
        f"{'yes' if result['target']['met'] else 'NO'} |",
        "",
        "The importer's fixed costs (JVM start, its phases' set-up) weigh more the smaller the "
        "bundle: judge the ratio at `--accounts 10000`.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
