"""The root ``abmgraph`` command: the settings of the run, the command groups, one-line errors.

Errors abmgraph raises on purpose are printed as one line on stderr with exit code 1, never as a
traceback; progress goes to stderr so that ``--json`` output on stdout stays machine-readable.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from graph_service.cli.commands import export, generate, keys, load, neo4j, query, serve, viz
from graph_service.cli.context import err, neo4j_state_dir, state
from graph_service.errors import AbmGraphError, ConfigError

app = typer.Typer(
    name="abmgraph",
    help="Account relationship graph and ABM answers from CRM exports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(load.app, name="load")
app.add_typer(export.app, name="export")
app.add_typer(viz.app, name="viz")
app.add_typer(neo4j.app, name="neo4j")
app.add_typer(keys.app, name="keys")
app.command("demo")(serve.demo)
app.command("serve")(serve.serve_cmd)
app.command("stats")(query.stats)
app.command("query")(query.query)
app.command("export-schema")(query.export_schema)
app.command("generate")(generate.generate)


@app.callback()
def configure(
    store: Annotated[
        str | None,
        typer.Option(help="memory (embedded, default) or neo4j. Env: ABMGRAPH_STORE."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Data directory of the embedded store. Env: ABMGRAPH_DATA_DIR."),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Run the command on the demo's store (the demo folder of the data directory) "
            "and as of the demo's date, as abmgraph demo serves it.",
        ),
    ] = False,
) -> None:
    """Read the settings (environment, then these options) before any command runs."""
    from pydantic import ValidationError

    from graph_service.settings import Settings, StoreKind

    overrides: dict[str, Any] = {}
    if store is not None:
        overrides["store"] = store
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from None
    if settings.store is StoreKind.NEO4J and not settings.neo4j_uri:
        from graph_service.neo4j_embedded import status_detached

        running = status_detached(neo4j_state_dir(settings))
        if running is not None:
            settings = settings.model_copy(update={"neo4j_uri": running.uri})
    state.settings, state.demo = settings, demo
    if demo:
        from graph_service.demo import demo_data_dir, use_demo_day

        update = {"store": StoreKind.MEMORY, "data_dir": demo_data_dir(settings.data_dir)}
        state.settings = settings.model_copy(update=update)
        use_demo_day()


def main() -> None:
    """Entry point of the ``abmgraph`` console script."""
    try:
        app()
    except AbmGraphError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
