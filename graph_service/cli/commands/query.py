"""``abmgraph stats``, ``abmgraph query`` and ``abmgraph export-schema``: reading the graph."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from graph_service.cli.context import open_store, out
from graph_service.errors import AbmGraphError

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def stats(as_json: JsonOption = False) -> None:
    """Node counts by label and relationship counts by type."""
    store = open_store(read_only=True)
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


def query(
    document: Annotated[str, typer.Argument(help="A GraphQL operation.")],
    variables: Annotated[str | None, typer.Option(help="Variables as a JSON object.")] = None,
) -> None:
    """Run one GraphQL operation in process and print the JSON result."""
    from graph_service.api.context import Context
    from graph_service.api.schema import schema
    from graph_service.cli.currency import analytics_params

    try:
        values = json.loads(variables) if variables else None
    except json.JSONDecodeError as exc:
        raise AbmGraphError(f"--variables is not JSON: {exc}") from None
    store = open_store(read_only=True)
    try:
        result = schema.execute_sync(
            document,
            variable_values=values,
            context_value=Context.for_store(store, params=analytics_params(None)),
        )
    finally:
        store.close()
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [e.formatted for e in result.errors]
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str, indent=2) + "\n")
    if result.errors:
        raise typer.Exit(1)


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
