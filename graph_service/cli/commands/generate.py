"""``abmgraph generate``: a seeded native bundle of any size with a realistic shape."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from graph_service.cli.context import err


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
