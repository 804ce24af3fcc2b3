#!/usr/bin/env python3
"""Portfolio analytics at scale on the Neo4j store: target-list export and influence paths.

On a generated portfolio (default 50,000 accounts: ~1M people, ~5M touches; account
``c-000001`` made exactly 2,000 people), loaded into Neo4j once, it measures in one run:

1. the full target-list export as ``abmgraph export targets`` runs it (per-account rollups
   aggregated in Cypher, then scored in Python, written as Parquet), ``--export-runs`` times,
   each in a fresh child process: median, min and max wall time, and the highest peak RSS;
2. influence paths on the 2,000-person account for ``--targets`` random people, from every
   member who touched it: p50 / p95 as the service answers them (with its path-graph cache:
   the first answer builds the account's graph, later ones check the data version and search)
   and cold, without a cache (store round trip, path-graph build, path search).

Targets (issue 4): export under 10 s and 2 GB; influence paths p95 under 50 ms. Results go to
``bench/results/analytics-<stamp>.json`` and ``.md`` (gitignored) and are printed.

    python bench/analytics.py                       # embedded Neo4j, 50k accounts
    python bench/analytics.py --accounts 5000       # a quicker, smaller run
    NEO4J_URI=bolt://... python bench/analytics.py --clear-external
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from results_io import save_results  # noqa: E402

from graph_service.analytics import queries  # noqa: E402
from graph_service.analytics.path_cache import PathGraphCache  # noqa: E402
from graph_service.analytics.paths import influence_paths, path_graph  # noqa: E402
from graph_service.store.neo4j import Neo4jStore  # noqa: E402
from loaders.bundle import IdentityResolver, load_bundle  # noqa: E402
from loaders.generate import generate_bundle  # noqa: E402

AS_OF = date(2026, 11, 20)
BIG = "c-000001"


def export_child(uri: str, out: str) -> None:
    """Child process: the full target-list export as ``abmgraph export targets`` runs it, timed.

    The rollup's share is timed around the store's ``portfolio_facts``.
    """
    from graph_service.export import ExportFormat, export_target_list

    store = Neo4jStore(uri)
    rollup_seconds = 0.0
    rollup = store.portfolio_facts

    def timed_rollup(*args: Any, **kwargs: Any) -> Any:
        nonlocal rollup_seconds
        t = time.perf_counter()
        try:
            return rollup(*args, **kwargs)
        finally:
            rollup_seconds += time.perf_counter() - t

    store.portfolio_facts = timed_rollup  # type: ignore[method-assign]
    started = time.perf_counter()
    rows = export_target_list(store, AS_OF, Path(out), ExportFormat.PARQUET)
    total = time.perf_counter() - started
    store.close()
    print(json.dumps({"accounts": len(rows), "seconds": total, "rollup_seconds": rollup_seconds}))


def run_export(uri: str, tree: Path = REPO) -> dict[str, Any]:
    """The export in a fresh child process running the code of ``tree`` (this checkout, or a
    baseline's); its own peak RSS comes from ``os.wait4``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "targets.parquet")
        proc = subprocess.Popen(
            [sys.executable, str(tree / "bench" / "analytics.py"), "--export-child", uri, out],
            stdout=subprocess.PIPE,
            text=True,
            cwd=tree,
        )
        assert proc.stdout is not None
        stdout = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"the export child failed ({proc.returncode})")
        result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # KiB on Linux
    return result


def run_paths(store: Neo4jStore, targets: int, seed: int) -> dict[str, Any]:
    """Influence paths to random people of the big account, from every member who touched it.

    *Cold*: no cache, each answer fetches the path subgraph, builds the graph and searches.
    *Served*: as the service answers (``queries.influence`` with its path-graph cache): the
    first answer on the account builds the graph, the others check the data version (one
    small read) and search the cached graph.
    """
    sub = store.path_subgraph(BIG)
    if sub is None:
        raise SystemExit(f"{BIG} is missing: generate with --first-account-people")
    rng = random.Random(seed)
    people = sorted(p.id for p in sub.people)
    chosen = rng.sample(people, min(targets, len(people)))
    fetch, build, search, cold = [], [], [], []
    for pid in chosen:
        t0 = time.perf_counter()
        fetched = store.path_subgraph(BIG)
        t1 = time.perf_counter()
        assert fetched is not None
        g = path_graph(fetched, AS_OF)
        t2 = time.perf_counter()
        influence_paths(g, pid, k=3, max_hops=6)
        t3 = time.perf_counter()
        fetch.append(t1 - t0)
        build.append(t2 - t1)
        search.append(t3 - t2)
        cold.append(t3 - t0)
    cache = PathGraphCache()
    served, found, version = [], [], []
    for pid in chosen:
        t0 = time.perf_counter()
        answer = queries.influence(store, BIG, pid, AS_OF, any_member=True, cache=cache)
        served.append(time.perf_counter() - t0)
        found.append(len(answer.paths))
        t0 = time.perf_counter()
        store.data_version()
        version.append(time.perf_counter() - t0)

    def p(values: list[float], q: float) -> float:
        return round(1000 * statistics.quantiles(values, n=100)[int(q) - 1], 1)

    def both(values: list[float]) -> dict[str, float]:
        return {"p50": p(values, 50), "p95": p(values, 95)}

    return {
        "account_people": len(sub.people),
        "account_touches": len(sub.touches),
        "targets": len(chosen),
        "with_a_path": sum(1 for f in found if f),
        "served_ms": both(served),
        "served_first_ms": round(1000 * served[0], 1),
        "served_after_first_ms": both(served[1:]),
        "data_version_check_ms": both(version),
        "cold_ms": both(cold),
        "store_round_trip_ms": both(fetch),
        "graph_build_ms": both(build),
        "path_search_ms": both(search),
    }


def checkout(rev: str) -> Path:
    """A detached work tree of ``rev`` under the temp dir (made once, reused)."""
    sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", rev],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"abmgraph-baseline-{sha}"
    if not tree.exists():
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), sha], check=True
        )
    return tree


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--targets", type=int, default=60)
    ap.add_argument("--bundle", type=Path, default=None, help="keep/reuse the bundle here")
    ap.add_argument("--heap", default="6g")
    ap.add_argument("--pagecache-mb", type=int, default=6144)
    ap.add_argument("--clear-external", action="store_true")
    ap.add_argument(
        "--reuse-loaded",
        action="store_true",
        help="with NEO4J_URI: measure the graph already loaded there (no clear, no load)",
    )
    ap.add_argument(
        "--export-runs",
        type=int,
        default=5,
        help="export this many times, each in a fresh process (median, min and max reported)",
    )
    ap.add_argument(
        "--baseline",
        metavar="REV",
        help="also export with the code of git revision REV, interleaved with this checkout's "
        "runs on the same loaded graph (ratios per round)",
    )
    ap.add_argument("--export-child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.export_child:
        export_child(*args.export_child)
        return

    bundle = args.bundle or Path(tempfile.gettempdir()) / f"abmgraph-bench-{args.accounts}"
    if not (bundle / "touches.csv").exists():
        print(f"generating {args.accounts:,} accounts into {bundle} ...", flush=True)
        generate_bundle(bundle, args.accounts, args.seed, first_account_people=2000)

    server = None
    uri = os.environ.get("NEO4J_URI")
    if uri and not (args.clear_external or args.reuse_loaded):
        raise SystemExit(
            "NEO4J_URI is set: pass --clear-external to let the run empty it, or --reuse-loaded"
        )
    if not uri:
        from graph_service.neo4j_embedded import EmbeddedNeo4j

        server = EmbeddedNeo4j(
            Path(tempfile.mkdtemp(prefix="abmgraph-neo4j-")),
            heap=args.heap,
            pagecache_mb=args.pagecache_mb,
        )
        uri = server.start()
    try:
        store = Neo4jStore(uri)
        load_s = 0.0
        if not (args.reuse_loaded and uri == os.environ.get("NEO4J_URI")):
            store.clear()
            print("loading ...", flush=True)
            t = time.perf_counter()
            report = load_bundle(bundle, store, resolver=IdentityResolver())
            load_s = time.perf_counter() - t
            loaded = sum(f.loaded for f in report.files)
            print(f"loaded {loaded:,} rows in {load_s:.0f} s", flush=True)
        stats = store.stats().nodes
        baseline_tree = checkout(args.baseline) if args.baseline else None
        runs: list[dict[str, Any]] = []
        baseline_runs: list[dict[str, Any]] = []
        for i in range(args.export_runs):
            if baseline_tree is None:
                runs.append(run_export(uri))
                continue
            # ABBA order: neither side always runs first on a warming, noisy machine
            pair = [(baseline_runs, baseline_tree), (runs, REPO)]
            for into, tree in pair if i % 2 == 0 else reversed(pair):
                into.append(run_export(uri, tree))
        export = {
            "accounts": runs[0]["accounts"],
            "seconds": statistics.median(r["seconds"] for r in runs),
            "rollup_seconds": statistics.median(r["rollup_seconds"] for r in runs),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "runs": runs,
        }
        if baseline_runs:
            ratios = [c["seconds"] / b["seconds"] for c, b in zip(runs, baseline_runs, strict=True)]
            export["baseline"] = {
                "rev": args.baseline,
                "seconds": statistics.median(r["seconds"] for r in baseline_runs),
                "rollup_seconds": statistics.median(r["rollup_seconds"] for r in baseline_runs),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in baseline_runs),
                "runs": baseline_runs,
                "ratio_median": statistics.median(ratios),
                "ratios": ratios,
            }
        paths = run_paths(store, args.targets, args.seed)
        store.close()
    finally:
        if server is not None:
            server.stop()

    result = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "accounts": stats.get("Company"),
        "people": stats.get("Person"),
        "touches": stats.get("Touch"),
        "load_seconds": round(load_s, 1),
        "export": export,
        "influence_paths": paths,
        "targets": {"export_seconds": 10, "export_peak_mb": 2048, "paths_p95_ms": 50},
    }
    md = [
        f"# Analytics benchmark ({result['when']})",
        "",
        f"Portfolio: {result['accounts']:,} accounts, {result['people']:,} people, "
        f"{result['touches']:,} touches (loaded in {result['load_seconds']} s).",
        "",
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| target-list export, median of {len(runs)} runs (min - max) | "
        f"{export['seconds']:.1f} s ({min(r['seconds'] for r in runs):.1f} - "
        f"{max(r['seconds'] for r in runs):.1f} s; rollup {export['rollup_seconds']:.1f} s) "
        "| < 10 s |",
        f"| export peak RSS, highest run | {export['peak_rss_mb']:.0f} MB | < 2,048 MB |",
        *(
            [
                f"| baseline {b['rev']} export, median (rollup) | {b['seconds']:.1f} s "
                f"({b['rollup_seconds']:.1f} s) | |",
                f"| this checkout / baseline, median of per-round ratios | "
                f"{b['ratio_median']:.2f} ({', '.join(f'{r:.2f}' for r in b['ratios'])}) | |",
            ]
            if (b := export.get("baseline"))
            else []
        ),
        f"| influence paths as served, p50 / p95 ({paths['targets']} targets, first one "
        f"builds the graph: {paths['served_first_ms']} ms) | {paths['served_ms']['p50']} / "
        f"{paths['served_ms']['p95']} ms | p95 < 50 ms |",
        f"| of which data-version check p95 | {paths['data_version_check_ms']['p95']} ms | |",
        f"| influence paths cold (no cache), p50 / p95 | {paths['cold_ms']['p50']} / "
        f"{paths['cold_ms']['p95']} ms | |",
        f"| of which store round trip p95 | {paths['store_round_trip_ms']['p95']} ms | |",
        f"| of which path-graph build p95 | {paths['graph_build_ms']['p95']} ms | |",
        f"| of which path search p95 | {paths['path_search_ms']['p95']} ms | |",
    ]
    save_results("analytics", result, "\n".join(md))


if __name__ == "__main__":
    main()
