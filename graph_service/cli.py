"""The ``abmgraph`` command line (typer + rich).

Errors abmgraph raises on purpose are printed as one line on stderr with exit code 1, never as a
traceback; progress goes to stderr so that ``--json`` output on stdout stays machine-readable.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
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

from graph_service.analytics.labels import Segment, Tier
from graph_service.errors import AbmGraphError
from graph_service.export import ExportFormat
from graph_service.settings import Settings, StoreKind
from graph_service.store import Store, open_store
from viz.cli import viz_app

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
app.add_typer(viz_app, name="viz")

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


def _run_bundle_load(
    store: Store,
    bundle: Path,
    *,
    quiet: bool = False,
    overrides: Path | None = None,
    dry_run: bool = False,
    encoding: str | None = None,
) -> Any:
    from loaders.bundle import load_bundle

    return _run_load(
        store,
        lambda observer, resolver: load_bundle(
            bundle,
            store,
            batch_size=state.settings.batch_size,
            observer=observer,
            resolver=resolver,
            encoding=encoding,
        ),
        quiet=quiet,
        overrides=overrides,
        dry_run=dry_run,
    )


def _run_load(
    store: Store,
    load: Callable[[Any, Any], Any],
    *,
    quiet: bool = False,
    overrides: Path | None = None,
    dry_run: bool = False,
) -> Any:
    """Run ``load(observer, resolver)`` with progress bars on stderr; write the reports."""
    resolver = _resolver(store, overrides)
    with _progress() as progress:
        if quiet:
            progress.stop()
        report = load(_RichObserver(progress), resolver)
    if not dry_run:
        _write_reports(report)
    return report


def _resolver(store: Store, overrides: Path | None) -> Any:
    """Entity resolution for a load, with the manual overrides file if one is given."""
    from loaders.resolve import EntityResolver, Overrides

    return EntityResolver(store, Overrides.load(overrides) if overrides else None)


def _open_for_load(dry_run: bool) -> Store:
    """The store a load writes to; with ``dry_run``, one that reads it and writes nothing."""
    if not dry_run:
        return _open()
    from graph_service.store.dry_run import DryRunStore

    return DryRunStore(_open(read_only=True))


def _write_reports(report: Any) -> None:
    """The reject and merge reports, as CSV files under ``<data dir>/reports/``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if report.rejects:
        report.write_rejects(state.settings.data_dir / "reports" / f"rejects-{stamp}.csv")
    if report.merges:
        report.write_merges(state.settings.data_dir / "reports" / f"merges-{stamp}.csv")


def _print_report(report: Any, as_json: bool, *, dry_run: bool = False) -> None:
    if as_json:
        out.print_json(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    title = f"Loaded {report.source}"
    if dry_run:
        title = f"Dry run of {report.source} (nothing written)"
    table = Table(title=title)
    for col in ("file", "read", "loaded", "merged", "rejected"):
        table.add_column(col, justify="left" if col == "file" else "right")
    for f in report.files:
        table.add_row(
            f.file,
            f"{f.read:,}",
            f"{f.loaded:,}",
            f"{f.merged:,}",
            f"[red]{f.rejected:,}[/]" if f.rejected else "0",
        )
    err.print(table)
    if dry_run:
        _print_merges(report)
    for f in report.files:
        if f.error:
            err.print(f"[red]error[/] {f.error}", soft_wrap=True)
        if f.extra_columns:
            err.print(
                f"[yellow]note[/] {f.file}: extra columns ignored: " + ", ".join(f.extra_columns)
            )
    if report.rejects_path:
        err.print(f"{len(report.rejects):,} rejected rows, with reasons: {report.rejects_path}")
    if report.merges_path:
        err.print(f"{len(report.merges):,} merges, with their rules: {report.merges_path}")


def _print_merges(report: Any) -> None:
    """The merge report as a table on stdout."""
    table = Table(title="Merges")
    for col in ("kind", "kept id", "merged ids", "rule", "score", "file"):
        table.add_column(col)
    for m in report.merges:
        score = "" if m.score is None else f"{m.score:g}"
        table.add_row(m.kind, m.kept_id, ", ".join(m.merged_ids), m.rule, score, m.file)
    out.print(table)


OverridesOption = Annotated[
    Path | None,
    typer.Option(
        "--overrides",
        help="TOML file of never_merge / always_merge id pairs for entity resolution.",
    ),
]
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Print the load and merge report; write nothing."),
]


@load_app.command("bundle")
def load_bundle_cmd(
    bundle_dir: Annotated[Path, typer.Argument(help="Folder of the native CSV bundle.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the load report as JSON.")] = False,
    overrides: OverridesOption = None,
    dry_run: DryRunOption = False,
    encoding: EncodingOption = "auto",
) -> None:
    """Load a native CSV bundle (see docs/bundle.md); duplicates are merged on the way
    (see docs/entity-resolution.md)."""
    store = _open_for_load(dry_run)
    try:
        report = _run_bundle_load(
            store, bundle_dir, overrides=overrides, dry_run=dry_run, encoding=encoding
        )
    finally:
        store.close()
    _print_report(report, as_json, dry_run=dry_run)
    if not report.ok:
        raise typer.Exit(1)


EncodingOption = Annotated[
    str,
    typer.Option(
        help="auto (UTF-8, UTF-8 with BOM or CP932, detected per file), utf-8, cp932 "
        "(= shift_jis) or any Python codec."
    ),
]
ExportDirArgument = Annotated[Path, typer.Argument(help="Folder of the export's CSV files.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the load report as JSON.")]


def _load_preset_cmd(
    preset: str,
    path: Path,
    *,
    as_json: bool,
    encoding: str,
    overrides: Path | None,
    dry_run: bool,
    mapping: Path | None = None,
) -> None:
    """The one path every preset load command takes (docs/presets.md)."""
    from loaders.presets import load_preset

    store = _open_for_load(dry_run)
    try:
        report = _run_load(
            store,
            lambda observer, resolver: load_preset(
                preset,
                path,
                store,
                encoding=encoding,
                mapping=mapping,
                batch_size=state.settings.batch_size,
                observer=observer,
                resolver=resolver,
            ),
            overrides=overrides,
            dry_run=dry_run,
        )
    finally:
        store.close()
    _print_report(report, as_json, dry_run=dry_run)
    if not report.ok:
        raise typer.Exit(1)


def _preset_command(preset: str, help_text: str) -> None:
    """Register ``abmgraph load PRESET PATH``: the same options for every preset."""

    def command(
        path: ExportDirArgument,
        as_json: JsonOption = False,
        encoding: EncodingOption = "auto",
        overrides: OverridesOption = None,
        dry_run: DryRunOption = False,
    ) -> None:
        _load_preset_cmd(
            preset, path, as_json=as_json, encoding=encoding, overrides=overrides, dry_run=dry_run
        )

    command.__doc__ = help_text
    load_app.command(preset)(command)


_preset_command(
    "maven-crm", "Load the Maven Analytics CRM sample (accounts, sales teams, products, pipeline)."
)
_preset_command(
    "salesforce", "Load Salesforce object exports (Account.csv, Contact.csv, Opportunity.csv, ...)."
)
_preset_command("hubspot", "Load HubSpot exports (companies, contacts, deals, engagements).")


@load_app.command("mapping")
def load_mapping_cmd(
    path: ExportDirArgument,
    mapping: Annotated[
        Path, typer.Option("--mapping", help="TOML mapping file (docs/presets.md).")
    ],
    as_json: JsonOption = False,
    encoding: EncodingOption = "auto",
    overrides: OverridesOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Load any CSV export through a mapping file: which column feeds which field."""
    _load_preset_cmd(
        "mapping",
        path,
        as_json=as_json,
        encoding=encoding,
        overrides=overrides,
        dry_run=dry_run,
        mapping=mapping,
    )


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
        path_cache_size=state.settings.path_cache_size,
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
    from graph_service.export import export_target_list

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
            rows = export_target_list(store, day, out_file, chosen, where)
    finally:
        store.close()
    err.print(f"{len(rows):,} accounts written to {out_file} ({chosen.value})")


# -- scale data --------------------------------------------------------------------------------


@app.command()
def generate(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the bundle to.")],
    accounts: Annotated[int, typer.Option(min=1, help="Number of accounts.")],
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same bytes.")] = 0,
    people_per_account: Annotated[
        float, typer.Option(min=1, help="Mean people per account (heavy-tailed).")
    ] = 20.0,
    touches_per_person: Annotated[
        float, typer.Option(min=0, help="Mean touches per person.")
    ] = 5.0,
    deals_per_account: Annotated[float, typer.Option(min=0, help="Mean deals per account.")] = 3.0,
    duplicates: Annotated[
        int | None, typer.Option(min=0, help="Planted duplicates of each kind (default 2-20).")
    ] = None,
    first_account_people: Annotated[
        int | None, typer.Option(min=1, help="Exact number of people of account c-000001.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Write a seeded native bundle of any size with a realistic shape (for benchmarks)."""
    from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn

    from loaders.generate import generate_bundle

    with Progress(
        TextColumn("accounts"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
    ) as progress:
        task = progress.add_task("generate", total=accounts)
        summary = generate_bundle(
            out_dir,
            accounts,
            seed,
            people_per_account=people_per_account,
            touches_per_person=touches_per_person,
            deals_per_account=deals_per_account,
            duplicates=duplicates,
            first_account_people=first_account_people,
            progress=lambda done: progress.update(task, completed=done),
        )
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Generated {out_dir} (seed {seed})")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, count in summary.rows.items():
        table.add_row(name, f"{count:,}")
    table.add_row("total", f"{sum(summary.rows.values()):,}", style="bold")
    err.print(table)
    err.print(
        f"planted duplicates: {summary.planted_companies} companies, "
        f"{summary.planted_people} people (planted_duplicates.json); largest accounts: "
        + ", ".join(f"{cid} ({n:,} people)" for cid, n in summary.largest_accounts[:3])
        + f"; {summary.seconds:.1f}s"
    )


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
