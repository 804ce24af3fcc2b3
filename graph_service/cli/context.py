"""What every command shares: the settings of this run, the two consoles, opening the store.

The root callback (:mod:`graph_service.cli.app`) sets :data:`state` before any command runs.
Nothing here imports a heavy library at start-up: the settings and the stores are imported when
a command first asks for them, so ``abmgraph --help`` only pays for typer and rich.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from graph_service.errors import AbmGraphError

if TYPE_CHECKING:
    from graph_service.settings import Settings
    from graph_service.store.base import Store

#: Answers (tables, JSON) go to stdout; progress, notes and errors to stderr.
out = Console()
err = Console(stderr=True)


class _State:
    """The settings of this run, set once by the root callback."""

    settings: Settings
    #: Whether the run is on the demo's store and date (``abmgraph --demo``, ``abmgraph demo``).
    demo: bool = False


state = _State()


def open_store(*, read_only: bool = False) -> Store:
    """The configured store; ``read_only`` opens the embedded store beside a running service."""
    from graph_service.store import open_store as open_configured

    return open_configured(state.settings, read_only=read_only)


def neo4j_state_dir(settings: Settings) -> Path:
    """Where the embedded Neo4j of a data directory keeps its state."""
    return settings.data_dir / "neo4j"


def parse_day(text: str | None, option: str = "--as-of") -> date:
    """A YYYY-MM-DD date (today when not given), or a one-line error naming the option.

    >>> parse_day("2026-11-20")
    datetime.date(2026, 11, 20)
    >>> parse_day("20/11/2026")
    Traceback (most recent call last):
    ...
    graph_service.errors.AbmGraphError: --as-of: not a date: '20/11/2026' (use YYYY-MM-DD)
    """
    if not text:
        from graph_service.as_of import today

        return today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AbmGraphError(f"{option}: not a date: {text!r} (use YYYY-MM-DD)") from None
