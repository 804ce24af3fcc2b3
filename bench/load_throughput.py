#!/usr/bin/env python3
"""Load throughput on the Neo4j store: rows/s per file and in total, and peak memory.

Measured side by side in one run, each load in a fresh child process (so its peak RSS is its
own, read with ``os.wait4``):

1. the Maven CRM sample through the ``maven-crm`` preset (skipped with a note when the preset
   or the data set is missing);
2. a generated bundle with at least ``--min-touches`` touches (default 1M), batched (the default
   batch size);
3. batched versus one row per transaction (``batch_size=1``): the first ``--batched-subset``
   (100,000) touch rows batched and the first ``--subset`` (20,000) one per transaction, each
   loaded as new touches into the loaded graph, and the ratio of their rates. These two load
   without entity resolution: its one-off read of the whole store (~30 s at 220k people) would
   swamp the per-row cost being compared.

Targets: batched >= 20x the per-row rate, and >= 50,000 touch rows/s. Results go to
``bench/results/load_throughput-<stamp>.json`` and ``.md`` (gitignored) and are printed.

The database is emptied first. By default an embedded Neo4j 5.26 is started for the run
(``--heap``, ``--pagecache-mb``); with ``NEO4J_URI`` set that server is used instead, and only
with ``--clear-external`` (it is emptied). See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from results_io import save_results  # noqa: E402

from graph_service.settings import Settings  # noqa: E402
from loaders.report import FileReport  # noqa: E402

MAVEN_CRM = REPO.parent / "shared" / "datasets" / "maven-crm"
TARGET_RATIO = 20.0
TARGET_TOUCHES_PER_S = 50_000.0


# -- the child: one load, timed per file --------------------------------------------------------


class _Timer:
    """A load observer that times each file."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}
        self.files: list[dict[str, Any]] = []

    def file_started(self, file: str) -> None:
        self.started[file] = time.perf_counter()

    def rows_done(self, file: str, count: int) -> None:
        pass

    def file_finished(self, report: FileReport) -> None:
        seconds = time.perf_counter() - self.started[report.file]
        self.files.append(
            {
                "file": report.file,
                "read": report.read,
                "loaded": report.loaded,
                "rejected": report.rejected,
                "error": report.error,
                "seconds": round(seconds, 3),
                "rows_per_s": round(report.read / seconds, 1) if seconds else None,
            }
        )


def child(args: argparse.Namespace) -> None:
    """Load one bundle or preset into the Neo4j store at ``args.uri``; print JSON."""
    from graph_service.store.neo4j import Neo4jStore
    from loaders.bundle import IdentityResolver, load_bundle

    auth = (
        (os.environ["NEO4J_USER"], os.environ.get("NEO4J_PASSWORD", ""))
        if os.environ.get("NEO4J_USER")
        else None
    )
    store = Neo4jStore(args.uri, auth=auth, database=os.environ.get("NEO4J_DATABASE", "neo4j"))
    timer = _Timer()
    resolver = IdentityResolver() if args.no_resolution else None
    began = time.perf_counter()
    try:
        if args.preset:
            from loaders.presets import load_preset

            report = load_preset(
                args.preset,
                Path(args.path),
                store,
                batch_size=args.batch_size,
                observer=timer,
                resolver=resolver,
            )
        else:
            report = load_bundle(
                Path(args.path),
                store,
                batch_size=args.batch_size,
                observer=timer,
                resolver=resolver,
            )
    finally:
        store.close()
    seconds = time.perf_counter() - began
    read = sum(f["read"] for f in timer.files)
    print(
        json.dumps(
            {
                "ok": report.ok,
                "seconds": round(seconds, 3),
                "rows": read,
                "rows_per_s": round(read / seconds, 1),
                "files": timer.files,
            }
        )
    )


# -- the parent: the runs, side by side ---------------------------------------------------------


@dataclass
class Run:
    name: str
    batch_size: int
    result: dict[str, Any] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    note: str = ""

    def file(self, name: str) -> dict[str, Any] | None:
        return next((f for f in self.result.get("files", []) if f["file"] == name), None)


def run_child(run: Run, path: Path, uri: str, *, preset: str | None, no_resolution: bool) -> Run:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--uri",
        uri,
        "--path",
        str(path),
        "--batch-size",
        str(run.batch_size),
    ]
    if preset:
        cmd += ["--preset", preset]
    if no_resolution:
        cmd.append("--no-resolution")
    print(f"-- {run.name} (batch size {run.batch_size}) ...", file=sys.stderr, flush=True)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errs:
        proc = subprocess.Popen(cmd, stdout=out, stderr=errs, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        errs.seek(0)
        stdout, stderr = out.read().decode(), errs.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"{run.name} failed (exit {proc.returncode}):\n{stderr[-3000:]}")
    run.result = json.loads(stdout.strip().splitlines()[-1])
    run.peak_rss_mb = round(usage.ru_maxrss / 1024, 1)  # Linux: KiB
    touches = run.file("touches.csv")
    rate = touches["rows_per_s"] if touches else run.result["rows_per_s"]
    print(
        f"   {run.result['rows']:,} rows in {run.result['seconds']:.1f}s "
        f"({run.result['rows_per_s']:,.0f} rows/s; touches {rate:,.0f} rows/s), "
        f"peak RSS {run.peak_rss_mb:,.0f} MB",
        file=sys.stderr,
        flush=True,
    )
    return run


def touch_subset(bundle: Path, out: Path, rows: int, prefix: str) -> Path:
    """A bundle of only the first ``rows`` touches of ``bundle``, under new ids."""
    out.mkdir(parents=True, exist_ok=True)
    with (
        (bundle / "touches.csv").open(encoding="utf-8", newline="") as src,
        (out / "touches.csv").open("w", encoding="utf-8", newline="") as dst,
    ):
        reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\n")
        writer.writerow(next(reader))
        for k, row in enumerate(reader):
            if k >= rows:
                break
            writer.writerow([prefix + row[0], *row[1:]])
    return out


def clear(uri: str) -> None:
    from graph_service.store.neo4j import Neo4jStore

    user = os.environ.get("NEO4J_USER")
    store = Neo4jStore(uri, auth=(user, os.environ.get("NEO4J_PASSWORD", "")) if user else None)
    try:
        store.clear()
        store.ensure_schema()
    finally:
        store.close()


def markdown(meta: dict[str, Any], runs: list[Run], ratio: float | None, touch_rate: float) -> str:
    lines = [
        f"# Load throughput on the Neo4j store ({meta['when']})",
        "",
        f"{meta['machine']}; Neo4j {meta['neo4j']}; default batch size {meta['batch_size']}; "
        f"entity resolution {'off' if meta['no_resolution'] else 'on'} (off for the two "
        "touch subsets).",
        "",
        "| run | file | rows | seconds | rows/s | peak RSS (MB) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        if run.note:
            lines.append(f"| {run.name} | {run.note} | | | | |")
            continue
        for f in run.result["files"]:
            lines.append(
                f"| {run.name} | {f['file']} | {f['read']:,} | {f['seconds']:.2f} | "
                f"{f['rows_per_s'] or 0:,.0f} | |"
            )
        r = run.result
        lines.append(
            f"| **{run.name}** | **total** | **{r['rows']:,}** | **{r['seconds']:.1f}** | "
            f"**{r['rows_per_s']:,.0f}** | **{run.peak_rss_mb:,.0f}** |"
        )
    lines += ["", "| target | measured | met |", "| --- | ---: | :---: |"]
    if ratio is not None:
        lines.append(
            f"| batched >= {TARGET_RATIO:.0f}x one row per transaction | {ratio:,.1f}x | "
            f"{'yes' if ratio >= TARGET_RATIO else 'NO'} |"
        )
    lines.append(
        f"| >= {TARGET_TOUCHES_PER_S:,.0f} touch rows/s (generated bundle, batched) | "
        f"{touch_rate:,.0f} | {'yes' if touch_rate >= TARGET_TOUCHES_PER_S else 'NO'} |"
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=11_000, help="generated accounts")
    parser.add_argument("--min-touches", type=int, default=1_000_000)
    parser.add_argument("--subset", type=int, default=20_000, help="rows loaded one per tx")
    parser.add_argument("--batched-subset", type=int, default=100_000, help="rows loaded batched")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--heap", default="4g", help="embedded Neo4j heap")
    parser.add_argument("--pagecache-mb", type=int, default=4096, help="embedded page cache")
    parser.add_argument("--maven-crm", type=Path, default=MAVEN_CRM)
    parser.add_argument("--bundle", type=Path, help="reuse (or keep) the generated bundle here")
    parser.add_argument("--no-resolution", action="store_true", help="load without merging")
    parser.add_argument("--clear-external", action="store_true", help="allow emptying NEO4J_URI")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--uri", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--preset", help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    from graph_service.neo4j_embedded import EmbeddedNeo4j
    from loaders.generate import generate_bundle

    batch = Settings().batch_size
    work = Path(tempfile.mkdtemp(prefix="abmgraph-bench-"))
    server: EmbeddedNeo4j | None = None
    uri = os.environ.get("NEO4J_URI")
    if uri and not args.clear_external:
        raise SystemExit(f"NEO4J_URI={uri} is set: pass --clear-external to let the bench empty it")
    if not uri:
        print(
            f"starting embedded Neo4j (heap {args.heap}, page cache {args.pagecache_mb} MiB) ...",
            file=sys.stderr,
        )
        server = EmbeddedNeo4j(
            work / "neo4j", heap=args.heap, pagecache_mb=args.pagecache_mb, tie_to_parent=True
        )
        uri = server.start()
    try:
        bundle = args.bundle or work / "bundle"
        if not (bundle / "touches.csv").exists():
            print(f"generating {args.accounts:,} accounts ...", file=sys.stderr)
            summary = generate_bundle(bundle, args.accounts, args.seed)
            rows = summary.rows
        else:
            rows = json.loads((bundle / "generated.json").read_text())["rows"]
        if rows["touches.csv"] < args.min_touches:
            raise SystemExit(
                f"the bundle has {rows['touches.csv']:,} touches, fewer than {args.min_touches:,}:"
                " raise --accounts"
            )
        runs: list[Run] = []
        clear(uri)
        maven = Run("maven-crm preset", batch)
        try:
            import loaders.presets  # noqa: F401
        except ImportError:
            maven.note = "skipped: no maven-crm preset in loaders/presets yet"
        if not maven.note and not args.maven_crm.is_dir():
            maven.note = f"skipped: no data set at {args.maven_crm}"
        if not maven.note:
            run_child(
                maven, args.maven_crm, uri, preset="maven-crm", no_resolution=args.no_resolution
            )
        else:
            print(f"-- {maven.name}: {maven.note}", file=sys.stderr)
        runs.append(maven)

        clear(uri)
        full = run_child(
            Run(f"generated ({args.accounts:,} accounts)", batch),
            bundle,
            uri,
            preset=None,
            no_resolution=args.no_resolution,
        )
        runs.append(full)
        batched = run_child(
            Run(f"{args.batched_subset:,} new touches, batched", batch),
            touch_subset(bundle, work / "subset-batched", args.batched_subset, "b-"),
            uri,
            preset=None,
            no_resolution=True,  # its one-off index read of the whole store is not per row
        )
        per_row = run_child(
            Run(f"{args.subset:,} new touches, one row per transaction", 1),
            touch_subset(bundle, work / "subset-per-row", args.subset, "r-"),
            uri,
            preset=None,
            no_resolution=True,
        )
        runs += [batched, per_row]
    finally:
        if server is not None:
            server.stop()

    def rate(run: Run) -> float:
        touches = run.file("touches.csv")
        return float(touches["rows_per_s"]) if touches else 0.0

    ratio = rate(batched) / rate(per_row)
    touch_rate = rate(full)
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    neo4j = (
        f"embedded 5.26 (heap {args.heap}, page cache {args.pagecache_mb} MiB)"
        if server is not None
        else os.environ.get("NEO4J_URI", "")
    )
    meta = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": machine,
        "neo4j": neo4j,
        "batch_size": batch,
        "no_resolution": args.no_resolution,
        "generated_rows": rows,
    }
    result = {
        "meta": meta,
        "runs": [
            {
                "name": r.name,
                "batch_size": r.batch_size,
                "note": r.note,
                "peak_rss_mb": r.peak_rss_mb,
                **r.result,
            }
            for r in runs
        ],
        "batched_vs_per_row": round(ratio, 2),
        "touch_rows_per_s": touch_rate,
        "targets": {
            "ratio": {"target": TARGET_RATIO, "met": ratio >= TARGET_RATIO},
            "touch_rows_per_s": {
                "target": TARGET_TOUCHES_PER_S,
                "met": touch_rate >= TARGET_TOUCHES_PER_S,
            },
        },
    }
    path = save_results("load_throughput", result, markdown(meta, runs, ratio, touch_rate))
    print(f"written: {path} and .md", file=sys.stderr)


if __name__ == "__main__":
    main()
