"""``abmgraph neo4j``: an embedded Neo4j 5.26 server for local development, per data directory."""

from __future__ import annotations

from typing import Annotated

import typer

from graph_service.cli.context import err, neo4j_state_dir, out, state

app = typer.Typer(help="An embedded Neo4j server for local development.", no_args_is_help=True)


@app.command("start")
def start(
    port: Annotated[int | None, typer.Option(help="Bolt port (default: a free one).")] = None,
) -> None:
    """Start an embedded Neo4j 5.26 (needs Java 17 and Maven) in the data directory."""
    from graph_service.neo4j_embedded import default_cache_dir, start_detached, status_detached

    state_dir = neo4j_state_dir(state.settings)
    running = status_detached(state_dir)
    if running is None:
        with err.status("starting Neo4j (the first start downloads it with Maven)..."):
            running = start_detached(state_dir, default_cache_dir(), port)
    err.print(
        f"Neo4j is running at {running.uri} (pid {running.pid}); `--store neo4j` uses it, or:"
    )
    out.print(f"export NEO4J_URI={running.uri}")


@app.command("stop")
def stop() -> None:
    """Stop the embedded Neo4j of this data directory."""
    from graph_service.neo4j_embedded import stop_detached

    stopped = stop_detached(neo4j_state_dir(state.settings))
    err.print("stopped" if stopped else "not running")


@app.command("status")
def status() -> None:
    """Whether the embedded Neo4j of this data directory runs; exit 1 if not."""
    from graph_service.neo4j_embedded import status_detached

    running = status_detached(neo4j_state_dir(state.settings))
    if running is None:
        err.print("not running")
        raise typer.Exit(1)
    out.print(f"running at {running.uri} (pid {running.pid})")
