"""Where benchmarks keep their results: ``bench/results/<name>-<stamp>.json`` and ``.md``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def save_results(name: str, result: dict[str, Any], markdown: str) -> Path:
    """Write the run's JSON and markdown (gitignored), print the markdown; the JSON's path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{name}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    path.with_suffix(".md").write_text(markdown.rstrip("\n") + "\n")
    print(markdown)
    return path
