"""``abmgraph neo4j``: an embedded Neo4j 5.26 server for local development, per data directory."""

from __future__ import annotations

from typing import Annotated

import typer

from graph_service.cli.context import err, neo4j_state_dir, out, state

app = typer.Typer(help="An embedded Neo4j server for local development.", no_args_is_help=True)


@app.command("start")
def start(
    port: Annotated[int | None, typer.Option(help="Bolt port (default: a free one).")] = None,
    heap: Annotated[
        str,
        typer.Option(
            envvar="ABMGRAPH_NEO4J_HEAP",
            help="The JVM's heap, e.g. 4g or 512m (env ABMGRAPH_NEO4J_HEAP).",
        ),
    ] = "1g",
    page_cache: Annotated[
        str,
        typer.Option(
            envvar="ABMGRAPH_NEO4J_PAGE_CACHE",
            help="Neo4j's page cache, e.g. 4g or 96m (env ABMGRAPH_NEO4J_PAGE_CACHE).",
        ),
    ] = "96m",
    apoc: Annotated[
        bool,
        typer.Option(
            "--apoc",
            help="Load the APOC core plugin (apoc.* procedures allowlisted), e.g. for "
            "@neo4j/graphql.",
        ),
    ] = False,
) -> None:
    """Start an embedded Neo4j 5.26 (needs Java 17 and Maven) in the data directory."""
    from graph_service.neo4j_embedded import (
        check_memory,
        default_cache_dir,
        size_mb,
        start_detached,
        status_detached,
    )

    pagecache_mb = size_mb(page_cache)
    check_memory(heap, pagecache_mb)  # before anything starts: a typo is a one-line error
    state_dir = neo4j_state_dir(state.settings)
    running = status_detached(state_dir)
    if running is None:
        with err.status("starting Neo4j (the first start downloads it with Maven)..."):
            running = start_detached(
                state_dir,
                default_cache_dir(),
                port,
                heap=heap,
                pagecache_mb=pagecache_mb,
                apoc=apoc,
            )
    elif (running.heap, running.pagecache_mb, running.apoc) != (heap, pagecache_mb, apoc):
        err.print(
            "[yellow]note[/] already running with "
            f"{_describe(running.heap, running.pagecache_mb, running.apoc)}; "
            "`abmgraph neo4j stop` first to start it with "
            f"{_describe(heap, pagecache_mb, apoc)}"
        )
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
    out.print(
        f"running at {running.uri} (pid {running.pid}; "
        f"{_describe(running.heap, running.pagecache_mb, running.apoc)})"
    )


def _describe(heap: str, pagecache_mb: int, apoc: bool) -> str:
    """How a server runs, in words.

    >>> _describe("4g", 4096, True)
    'heap 4g, page cache 4096 MiB, APOC'
    """
    return f"heap {heap}, page cache {pagecache_mb} MiB" + (", APOC" if apoc else "")
