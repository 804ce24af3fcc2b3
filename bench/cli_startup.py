"""How long ``abmgraph --help`` takes, and which heavy libraries it imports on the way.

Each run is a fresh ``python -m graph_service --help`` process. With ``--baseline REV`` the same
command also runs from a checkout of REV (a temporary ``git worktree``), the two interleaved run
by run so that both see the same machine; the ratio is computed within each round.

    python bench/cli_startup.py                     # this tree, 15 runs
    python bench/cli_startup.py --baseline HEAD~5   # this tree against an earlier commit

Heavy libraries are the ones a command imports where it uses them, never at start-up: pandas,
numpy, matplotlib, networkx, scipy, sklearn, pyarrow, openpyxl, strawberry, neo4j, pydantic.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results_io import save_results

REPO = Path(__file__).resolve().parents[1]
GIT_WORKTREE = ("git", "-C", str(REPO), "worktree")
HEAVY = (
    "pandas",
    "numpy",
    "matplotlib",
    "networkx",
    "scipy",
    "sklearn",
    "pyarrow",
    "openpyxl",
    "strawberry",
    "neo4j",
    "pydantic",
)


@dataclass
class Tree:
    """One source tree whose CLI is timed."""

    name: str
    path: Path
    seconds: list[float] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        # PYTHONPATH comes before the editable install's path entry: this tree's code is run.
        return {**os.environ, "PYTHONPATH": str(self.path)}

    def run_once(self) -> float:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "graph_service", "--help"],
            env=self.env(),
            cwd=self.path,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start

    def heavy_imports(self) -> list[str]:
        """The heavy top-level packages ``--help`` imports (from ``python -X importtime``)."""
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "graph_service", "--help"],
            env=self.env(),
            cwd=self.path,
            check=True,
            capture_output=True,
            text=True,
        )
        loaded = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
        return [name for name in HEAVY if name in loaded]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15, help="Runs per tree (default 15).")
    ap.add_argument("--baseline", help="A git revision to compare with (e.g. HEAD~3).")
    args = ap.parse_args()

    trees = [Tree("this tree", REPO)]
    with tempfile.TemporaryDirectory(prefix="abmgraph-baseline-") as tmp:
        if args.baseline:
            checkout = Path(tmp) / "tree"
            subprocess.run(
                [*GIT_WORKTREE, "add", "--detach", str(checkout), args.baseline],
                check=True,
                capture_output=True,
            )
            trees.insert(0, Tree(f"baseline {args.baseline}", checkout))
        try:
            for tree in trees:  # one warm-up each: the first run compiles bytecode
                tree.run_once()
            ratios = []
            for _ in range(args.runs):
                for tree in trees:
                    tree.seconds.append(tree.run_once())
                if len(trees) == 2:
                    ratios.append(trees[1].seconds[-1] / trees[0].seconds[-1])
            heavy = {tree.name: tree.heavy_imports() for tree in trees}
        finally:
            if args.baseline:
                subprocess.run(
                    [*GIT_WORKTREE, "remove", "--force", str(checkout)],
                    check=False,
                    capture_output=True,
                )

    rows: dict[str, dict[str, Any]] = {
        t.name: {
            "median_s": statistics.median(t.seconds),
            "min_s": min(t.seconds),
            "max_s": max(t.seconds),
            "heavy_imports": heavy[t.name],
        }
        for t in trees
    }
    today = date.today().isoformat()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    result: dict[str, Any] = {"date": today, "machine": machine, "runs": args.runs, "trees": rows}
    lines = [
        f"# `abmgraph --help`, {today} ({machine}, {args.runs} runs each)",
        "",
        "| tree | median | min | max | heavy libraries imported |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t in trees:
        row = rows[t.name]
        lines.append(
            f"| {t.name} | {row['median_s']:.3f} s | {row['min_s']:.3f} s "
            f"| {row['max_s']:.3f} s | {', '.join(row['heavy_imports']) or 'none'} |"
        )
    if ratios:
        result["ratio_median"] = statistics.median(ratios)
        ratio = statistics.median(ratios)
        lines += ["", f"This tree / baseline, median of the per-round ratios: {ratio:.2f}"]
    save_results("cli_startup", result, "\n".join(lines))


if __name__ == "__main__":
    main()
