"""The ``abmgraph`` command line (typer + rich).

Errors abmgraph raises on purpose are printed as one line on stderr with exit code 1, never as a
traceback; progress goes to stderr so that ``--json`` output on stdout stays machine-readable.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
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

from graph_service.analytics.portfolio import Segment, Tier
from graph_service.errors import AbmGraphError
from graph_service.export import ExportFormat
from graph_service.settings import Settings, StoreKind
from graph_service.store import Store, open_store

app = typer.Typer(
    name="abmgraph",
    help="Account relationship graph and ABM answers from CRM exports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
load_app = typer.Typer(help="Load CRM data into the configured store.", no_args_is_help=True)
neo4j_app = typer.Typer(
    help="An embedded Neo4j server for local development.", no_args_is_help=True
)
app.add_typer(load_app, name="load")
app.add_typer(neo4j_app, name="neo4j")
export_app = typer.Typer(help="Export analytics for strategists.", no_args_is_help=True)
app.add_typer(export_app, name="export")

out = Console()
err = Console(stderr=True)

DEMO_BUNDLE = Path(__file__).resolve().parent / "demo_bundle"


class _State:
    settings: Settings


state = _State()


@app.callback()
def _main(
    store: Annotated[
        StoreKind | None,
        typer.Option(help="memory (embedded, default) or neo4j. Env: ABMGRAPH_STORE."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Data directory of the embedded store. Env: ABMGRAPH_DATA_DIR."),
    ] = None,
) -> None:
    overrides: dict[str, Any] = {}
    if store is not None:
        overrides["store"] = store
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    settings = Settings(**overrides)
    if settings.store is StoreKind.NEO4J and not settings.neo4j_uri:
        from graph_service.neo4j_embedded import status_detached

        running = status_detached(_neo4j_state_dir(settings))
        if running is not None:
            settings = settings.model_copy(update={"neo4j_uri": running.uri})
    state.settings = settings


def _neo4j_state_dir(settings: Settings) -> Path:
    return settings.data_dir / "neo4j"


def _open(read_only: bool = False) -> Store:
    return open_store(state.settings, read_only=read_only)


# -- loading -----------------------------------------------------------------------------------


class _RateColumn(ProgressColumn):
    """Rows done and the average rate since the file started."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        rate = task.completed / elapsed if elapsed else 0.0
        return Text(f"{task.completed:>10,.0f} rows  {rate:>9,.0f} rows/s", style="cyan")


class _RichObserver:
    """Draws one progress line per file."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, Any] = {}

    def file_started(self, file: str) -> None:
        self._tasks[file] = self._progress.add_task(file, total=None)

    def rows_done(self, file: str, count: int) -> None:
        self._progress.advance(self._tasks[file], count)

    def file_finished(self, report: Any) -> None:
        task = self._tasks[report.file]
        self._progress.update(task, total=report.read, completed=report.read)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<22}"),
        _RateColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


def _run_bundle_load(store: Store, bundle: Path, *, quiet: bool = False) -> Any:
    from loaders.bundle import load_bundle

    with _progress() as progress:
        if quiet:
            progress.stop()
        report = load_bundle(
            bundle, store, batch_size=state.settings.batch_size, observer=_RichObserver(progress)
        )
    if report.rejects:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        report.write_rejects(state.settings.data_dir / "reports" / f"rejects-{stamp}.csv")
    return report


def _print_report(report: Any, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    table = Table(title=f"Loaded {report.source}")
    for col in ("file", "read", "loaded", "rejected"):
        table.add_column(col, justify="left" if col == "file" else "right")
    for f in report.files:
        table.add_row(
            f.file, f"{f.read:,}", f"{f.loaded:,}", f"[red]{f.rejected:,}[/]" if f.rejected else "0"
        )
    err.print(table)
    for f in report.files:
        if f.error:
            err.print(f"[red]error[/] {f.error}", soft_wrap=True)
        if f.extra_columns:
            err.print(
                f"[yellow]note[/] {f.file}: extra columns ignored: " + ", ".join(f.extra_columns)
            )
    if report.rejects_path:
        err.print(f"{len(report.rejects):,} rejected rows, with reasons: {report.rejects_path}")


@load_app.command("bundle")
def load_bundle_cmd(
    bundle_dir: Annotated[Path, typer.Argument(help="Folder of the native CSV bundle.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the load report as JSON.")] = False,
) -> None:
    """Load a native CSV bundle (see docs/bundle.md)."""
    store = _open()
    try:
        report = _run_bundle_load(store, bundle_dir)
    finally:
        store.close()
    _print_report(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


# -- serving -----------------------------------------------------------------------------------


def _serve(store: Store, host: str, port: int) -> None:
    import uvicorn

    from graph_service.api.app import create_app

    token = state.settings.api_token
    api = create_app(
        store,
        store_name=state.settings.store.value,
        graphiql=state.settings.graphiql,
        api_token=token.get_secret_value() if token else None,
    )
    err.print(
        f"abmgraph serving the {state.settings.store.value} store on http://{host}:{port}/graphql"
    )
    uvicorn.run(api, host=host, port=port, log_level="info")


@app.command()
def demo(
    port: Annotated[int | None, typer.Option(help="Port (env ABMGRAPH_PORT, 8000).")] = None,
    host: Annotated[str | None, typer.Option(help="Interface (env ABMGRAPH_HOST).")] = None,
    serve: Annotated[bool, typer.Option(help="Serve after loading.")] = True,
) -> None:
    """Load the demo bundle into the embedded store and serve it."""
    if state.settings.store is not StoreKind.MEMORY:
        err.print("[yellow]note[/] demo uses the embedded store")
        state.settings = state.settings.model_copy(update={"store": StoreKind.MEMORY})
    store = _open()
    try:
        report = _run_bundle_load(store, DEMO_BUNDLE)
        _print_report(report, as_json=False)
    except BaseException:
        store.close()
        raise
    if serve:
        _serve(store, host or state.settings.host, port or state.settings.port)
    else:
        store.close()


@app.command("serve")
def serve_cmd(
    port: Annotated[int | None, typer.Option(help="Port (env ABMGRAPH_PORT).")] = None,
    host: Annotated[str | None, typer.Option(help="Interface (env ABMGRAPH_HOST).")] = None,
) -> None:
    """Serve the GraphQL API over the configured store."""
    store = _open()
    store.ping()
    _serve(store, host or state.settings.host, port or state.settings.port)


# -- reading -----------------------------------------------------------------------------------


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Node counts by label and relationship counts by type."""
    store = _open(read_only=True)
    try:
        result = store.stats().as_dict()
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    for title, counts in (("nodes", result["nodes"]), ("relationships", result["relationships"])):
        table = Table(title=title)
        table.add_column("label" if title == "nodes" else "type")
        table.add_column("count", justify="right")
        for name, n in counts.items():
            table.add_row(name, f"{n:,}")
        out.print(table)


@app.command()
def query(
    document: Annotated[str, typer.Argument(help="A GraphQL operation.")],
    variables: Annotated[str | None, typer.Option(help="Variables as a JSON object.")] = None,
) -> None:
    """Run one GraphQL operation in process and print the JSON result."""
    from graph_service.api.schema import schema

    try:
        values = json.loads(variables) if variables else None
    except json.JSONDecodeError as exc:
        raise AbmGraphError(f"--variables is not JSON: {exc}") from None
    store = _open(read_only=True)
    try:
        result = schema.execute_sync(
            document, variable_values=values, context_value={"store": store}
        )
    finally:
        store.close()
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [e.formatted for e in result.errors]
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str, indent=2) + "\n")
    if result.errors:
        raise typer.Exit(1)


@app.command("export-schema")
def export_schema(
    out_file: Annotated[Path | None, typer.Option("--out", help="File (default: stdout).")] = None,
) -> None:
    """Print (or write) the GraphQL schema in SDL."""
    from graph_service.api.schema import schema

    sdl = schema.as_str() + "\n"
    if out_file is None:
        sys.stdout.write(sdl)
    else:
        out_file.write_text(sdl, encoding="utf-8")


# -- exports -----------------------------------------------------------------------------------


@export_app.command("targets")
def export_targets(
    out_file: Annotated[Path, typer.Option("--out", help="File to write.")],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", help="csv, xlsx or parquet (default: by --out)."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="As-of date, YYYY-MM-DD (default today).")
    ] = None,
    industry: Annotated[str | None, typer.Option(help="Keep one industry.")] = None,
    region: Annotated[str | None, typer.Option(help="Keep one country.")] = None,
    owner: Annotated[
        str | None, typer.Option(help="Keep one account-team member's accounts.")
    ] = None,
    segment: Annotated[Segment | None, typer.Option(help="Keep one RFM segment.")] = None,
    tier: Annotated[str | None, typer.Option(help="Keep one tier: 1:1, 1:few, 1:many.")] = None,
    min_whitespace: Annotated[float | None, typer.Option(help="Keep whitespace >= this.")] = None,
) -> None:
    """The scored, tiered ABM target list, one row per account."""
    from graph_service.analytics import queries
    from graph_service.export import write_targets

    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise AbmGraphError(f"--as-of: not a date: {as_of!r} (use YYYY-MM-DD)") from None
    try:
        tier_value = Tier(tier) if tier else None
    except ValueError:
        raise AbmGraphError(f"--tier: one of {', '.join(t.value for t in Tier)}") from None
    suffix = out_file.suffix.lstrip(".").lower()
    chosen = fmt or (ExportFormat(suffix) if suffix in {f.value for f in ExportFormat} else None)
    if chosen is None:
        raise AbmGraphError(
            "--format is needed (csv, xlsx or parquet) when --out has no such suffix"
        )
    where = queries.PortfolioFilter(
        industry=industry,
        region=region,
        owner_id=owner,
        segment=segment,
        tier=tier_value,
        min_whitespace=min_whitespace,
    )
    store = _open(read_only=True)
    try:
        with err.status("scoring accounts..."):
            rows = queries.targets(store, day, where)
    finally:
        store.close()
    write_targets(rows, out_file, chosen)
    err.print(f"{len(rows):,} accounts written to {out_file} ({chosen.value})")


# -- embedded Neo4j ----------------------------------------------------------------------------


@neo4j_app.command("start")
def neo4j_start(
    port: Annotated[int | None, typer.Option(help="Bolt port (default: a free one).")] = None,
) -> None:
    """Start an embedded Neo4j 5.26 (needs Java 17 and Maven) in the data directory."""
    from graph_service.neo4j_embedded import default_cache_dir, start_detached, status_detached

    state_dir = _neo4j_state_dir(state.settings)
    running = status_detached(state_dir)
    if running is None:
        with err.status("starting Neo4j (the first start downloads it with Maven)..."):
            running = start_detached(state_dir, default_cache_dir(), port)
    err.print(
        f"Neo4j is running at {running.uri} (pid {running.pid}); `--store neo4j` uses it, or:"
    )
    out.print(f"export NEO4J_URI={running.uri}")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the embedded Neo4j of this data directory."""
    from graph_service.neo4j_embedded import stop_detached

    stopped = stop_detached(_neo4j_state_dir(state.settings))
    err.print("stopped" if stopped else "not running")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Whether the embedded Neo4j of this data directory runs; exit 1 if not."""
    from graph_service.neo4j_embedded import status_detached

    running = status_detached(_neo4j_state_dir(state.settings))
    if running is None:
        err.print("not running")
        raise typer.Exit(1)
    out.print(f"running at {running.uri} (pid {running.pid})")


def main() -> None:
    """Entry point of the ``abmgraph`` console script."""
    try:
        app()
    except AbmGraphError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
