"""Loads as the command line shows them: a progress line per file, then the load report.

The loaders report their progress to a :class:`~loaders.report.LoadObserver`; this module draws
it with rich on stderr, runs a load with entity resolution, writes the reject, warning and merge
reports under ``<data dir>/reports/`` and prints the report as a table (or JSON on stdout), with
the currencies whose amounts no exchange rate converts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.progress import (
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from graph_service.cli.context import err, open_store, out, state

if TYPE_CHECKING:
    from graph_service.store.base import Store
    from loaders.report import FileReport, LoadReport
    from loaders.resolve import EntityResolver

#: A load: given the progress observer and the resolver, load and return the report.
Load = Callable[[Any, "EntityResolver"], "LoadReport"]


class RateColumn(ProgressColumn):
    """Rows done and the average rate since the file started."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        rate = task.completed / elapsed if elapsed else 0.0
        return Text(f"{task.completed:>10,.0f} rows  {rate:>9,.0f} rows/s", style="cyan")


class RichObserver:
    """Draws one progress line per file."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, Any] = {}

    def file_started(self, file: str) -> None:
        self._tasks[file] = self._progress.add_task(file, total=None)

    def rows_done(self, file: str, count: int) -> None:
        self._progress.advance(self._tasks[file], count)

    def file_finished(self, report: FileReport) -> None:
        task = self._tasks[report.file]
        self._progress.update(task, total=report.read, completed=report.read)


def load_progress() -> Progress:
    """The progress display of a load, on stderr."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<22}"),
        RateColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


def store_for_load(dry_run: bool) -> Store:
    """The store a load writes to; with ``dry_run``, one that reads it and writes nothing."""
    if not dry_run:
        return open_store()
    from graph_service.store.dry_run import DryRunStore

    return DryRunStore(open_store(read_only=True))


def run_load(
    store: Store,
    load: Load,
    *,
    quiet: bool = False,
    overrides: Path | None = None,
    dry_run: bool = False,
) -> LoadReport:
    """Run ``load(observer, resolver)`` with progress bars on stderr; write the reports."""
    from loaders.resolve import EntityResolver, Overrides

    resolver = EntityResolver(store, Overrides.load(overrides) if overrides else None)
    with load_progress() as progress:
        if quiet:
            progress.stop()
        report = load(RichObserver(progress), resolver)
    if not dry_run:
        write_reports(report)
    return report


def run_bundle_load(
    store: Store,
    bundle: Path,
    *,
    quiet: bool = False,
    overrides: Path | None = None,
    dry_run: bool = False,
    encoding: str | None = None,
    snapshot: bool = False,
    load_date: date | None = None,
    record_source: str | None = None,
) -> LoadReport:
    """Load a native bundle as ``abmgraph load bundle`` does (``snapshot``, ``load_date``,
    ``record_source``: see :func:`loaders.bundle.load_tables`)."""
    from loaders.bundle import load_bundle

    return run_load(
        store,
        lambda observer, resolver: load_bundle(
            bundle,
            store,
            batch_size=state.settings.batch_size,
            observer=observer,
            resolver=resolver,
            encoding=encoding,
            reporting_currency=state.settings.reporting_currency,
            record_source=record_source or "bundle",
            snapshot=snapshot,
            load_date=load_date,
        ),
        quiet=quiet,
        overrides=overrides,
        dry_run=dry_run,
    )


def write_reports(report: LoadReport) -> None:
    """The reject, warning and merge reports, as CSV files under ``<data dir>/reports/``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if report.rejects:
        report.write_rejects(state.settings.data_dir / "reports" / f"rejects-{stamp}.csv")
    if report.warnings:
        report.write_warnings(state.settings.data_dir / "reports" / f"warnings-{stamp}.csv")
    if report.merges:
        report.write_merges(state.settings.data_dir / "reports" / f"merges-{stamp}.csv")


def print_report(report: LoadReport, as_json: bool, *, dry_run: bool = False) -> None:
    """The load report: a table per file on stderr, or the whole report as JSON on stdout."""
    if as_json:
        out.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    title = f"Loaded {report.source}"
    if dry_run:
        title = f"Dry run of {report.source} (nothing written)"
    table = Table(title=title)
    if report.snapshot:
        title += f" (snapshot of {report.record_source} as of {report.load_date})"
    # Retired: rows the source marks deleted, and in a snapshot what the file no longer has.
    retiring = report.snapshot or any(f.deleted for f in report.files)
    columns = ["file", "read", "loaded", "merged", "warned", "rejected"]
    for col in [*columns, *(["retired"] if retiring else [])]:
        table.add_column(col, justify="left" if col == "file" else "right")
    for f in report.files:
        cells = [
            f.file,
            f"{f.read:,}",
            f"{f.loaded:,}",
            f"{f.merged:,}",
            f"[yellow]{f.warned:,}[/]" if f.warned else "0",
            f"[red]{f.rejected:,}[/]" if f.rejected else "0",
        ]
        if retiring:
            retired = f.retired + f.deleted
            cells.append(f"[magenta]{retired:,}[/]" if retired else "0")
        table.add_row(*cells)
    err.print(table)
    if dry_run:
        print_merges(report)
    for f in report.files:
        if f.error:
            err.print(f"[red]error[/] {f.error}", soft_wrap=True)
        if f.extra_columns:
            err.print(
                f"[yellow]note[/] {f.file}: extra columns ignored: " + ", ".join(f.extra_columns)
            )
    print_unrated(report)
    if report.rejects_path:
        err.print(f"{len(report.rejects):,} rejected rows, with reasons: {report.rejects_path}")
    if report.warnings_path:
        err.print(
            f"{len(report.warnings):,} rows loaded with a warning, with reasons: "
            f"{report.warnings_path}"
        )
    if report.merges_path:
        proposed = sum(1 for m in report.merges if m.proposed)
        made = len(report.merges) - proposed
        also = ""
        if proposed:
            also = f" and {proposed:,} proposed (not made: confirm with always_merge)"
        err.print(f"{made:,} merges{also}, with their rules: {report.merges_path}")


def unrated_summary(report: LoadReport) -> str | None:
    """The line saying which currencies no exchange rate converts, with how many amounts each.

    >>> from loaders.report import LoadReport
    >>> unrated_summary(LoadReport("b", unrated_currencies={"BRL": 3, "ARS": 1}))
    'no exchange rate for BRL (3 amounts), ARS (1 amount): they are left out of every total'
    """
    if not report.unrated_currencies:
        return None
    listed = ", ".join(
        f"{currency} ({count:,} amount{'' if count == 1 else 's'})"
        for currency, count in report.unrated_currencies.items()
    )
    return f"no exchange rate for {listed}: they are left out of every total"


def print_unrated(report: LoadReport) -> None:
    """The currencies without a rate, and the first few rows that carry them."""
    summary = unrated_summary(report)
    if summary is None:
        return
    err.print(f"[yellow]warning[/] {summary}", soft_wrap=True)
    # only the warnings about rates: a load also warns of descriptive values and superseded rows
    unrated = [
        w
        for w in report.warnings
        if w.value in report.unrated_currencies and w.reason.startswith("no exchange rate")
    ]
    for w in unrated[:5]:
        err.print(f"  {w.file}:{w.line} {w.field}={w.value}", soft_wrap=True)
    if len(unrated) > 5:
        err.print(f"  ... and {len(unrated) - 5:,} more rows", soft_wrap=True)


def print_merges(report: LoadReport) -> None:
    """The merge report as a table on stdout."""
    table = Table(title="Merges")
    for col in ("kind", "kept id", "merged ids", "rule", "score", "file"):
        table.add_column(col)
    for m in report.merges:
        score = "" if m.score is None else f"{m.score:g}"
        rule = f"{m.rule} (proposed)" if m.proposed else m.rule
        table.add_row(m.kind, m.kept_id, ", ".join(m.merged_ids), rule, score, m.file)
    out.print(table)
