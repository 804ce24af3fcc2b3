"""The demo bundle (``abmgraph demo``): where it is and the day it is told as of.

We are *Tessera Data*, a seller of data-platform software and services (deal and wallet
categories ``analytics``, ``data-integration`` and ``support``), working six accounts: three in
Japan and three in the US, one of them (c-04) the US subsidiary of c-01. The touch history runs
from 2025-05-23 to :data:`DEMO_AS_OF`, the demo's "today". Planted for the analytics to find:

* c-03 みなとリテール has no decider identified, although its deal d-12 is in negotiation;
* c-06 Bluefin Logistics has no champion and is going cold (no touch after 2026-07-28);
* bu-07 東都銀行 リスク管理部 has a wallet estimate but no people at all;
* d-14, the only open deal of c-04 Sakura Manufacturing America, is single-threaded through p-41;
* p-16 池田 秀樹, the decider at c-02 東都銀行, is stale: last touched 2026-03-17, although the
  bank is worked steadily at staff level and d-08 is in proposal.

**The demo keeps its story**: ``abmgraph demo`` answers as of :data:`DEMO_AS_OF` whenever it
is run (a question that names no ``asOf`` is asked as of that day, :func:`use_demo_day`), since
as of the machine's date the findings drift (eleven days later a new champion risk, six months
later every account cold). It keeps its accounts in its own store, the ``demo`` folder of the
data directory (:func:`demo_data_dir`), never in the user's own; ``abmgraph --demo <command>``
runs any other command on that store and as of that day.

The committed CSV files are the source of truth and are edited directly:
``tests/test_demo_bundle.py`` holds them to the bundle format (every file, every column, in the
loader's order) and ``tests/test_demo_story.py`` asks the GraphQL API for each finding above, on
both stores.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

#: The folder of the demo's CSV files (one per kind, in the bundle format of docs/bundle.md).
DEMO_BUNDLE = Path(__file__).resolve().parent / "demo_bundle"

#: The demo's own date: the day of its last touch. Ask the analytics as of this day.
DEMO_AS_OF = date(2026, 11, 20)

#: The folder of the data directory that holds the demo's embedded store.
DEMO_DIR_NAME = "demo"


def demo_data_dir(data_dir: Path) -> Path:
    """Where the demo keeps its store: the ``demo`` folder of the data directory.

    >>> demo_data_dir(Path("/home/me/.local/share/abmgraph")).as_posix()
    '/home/me/.local/share/abmgraph/demo'
    """
    return data_dir / DEMO_DIR_NAME


def use_demo_day() -> date:
    """Answer as of the demo's date for the rest of the process, whatever the machine's date:
    every answer that names no ``asOf`` is as of :data:`DEMO_AS_OF` (returned)."""
    from graph_service.as_of import fix_today

    fix_today(DEMO_AS_OF)
    return DEMO_AS_OF
