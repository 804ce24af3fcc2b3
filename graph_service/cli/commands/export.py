"""``abmgraph export``: analytics for strategists, as files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph_service.analytics.labels import Segment, Tier
from graph_service.cli.context import err, open_store, parse_day
from graph_service.cli.currency import CURRENCY_HELP, analytics_params
from graph_service.errors import AbmGraphError
from graph_service.export import ExportFormat

app = typer.Typer(help="Export analytics for strategists.", no_args_is_help=True)


@app.command("targets")
def targets(
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
    min_whitespace: Annotated[
        float | None, typer.Option(help="Keep whitespace >= this (in the export's currency).")
    ] = None,
    currency: Annotated[str | None, typer.Option(help=CURRENCY_HELP)] = None,
    bom: Annotated[
        bool,
        typer.Option(
            "--bom/--no-bom",
            help="CSV: start with a UTF-8 byte-order mark, so that Excel (Japanese Excel too) "
            "reads it as UTF-8; --no-bom for pipelines.",
        ),
    ] = True,
) -> None:
    """The scored, tiered ABM target list, one row per account.

    Amounts are in one currency (the currency column); an account's amounts that no exchange
    rate converts are left out of them, listed in its unconverted column, and warned about.
    Text that a spreadsheet would take for a formula (=, +, -, @) is written as text. The
    folder of --out must exist.
    """
    from graph_service.analytics.queries import PortfolioFilter
    from graph_service.export import check_out_file, export_target_list, unconverted_warning

    day = parse_day(as_of)
    params = analytics_params(currency)
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
    check_out_file(out_file)
    where = PortfolioFilter(
        industry=industry,
        region=region,
        owner_id=owner,
        segment=segment,
        tier=tier_value,
        min_whitespace=min_whitespace,
    )
    store = open_store(read_only=True)
    try:
        with err.status("scoring accounts..."):
            rows = export_target_list(store, day, out_file, chosen, where, params, bom=bom)
    finally:
        store.close()
    currencies = sorted({r.currency for r in rows if r.currency})
    in_currency = f", amounts in {', '.join(currencies)}" if currencies else ""
    err.print(
        f"{len(rows):,} accounts written to {out_file} ({chosen.value}{in_currency})",
        highlight=False,
        soft_wrap=True,
    )
    if (warning := unconverted_warning(rows)) is not None:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)
