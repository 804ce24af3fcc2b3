"""``abmgraph viz``: the org map and the share-of-wallet charts as files.

Both commands open the store read-only (like ``abmgraph stats``), so they run while a service
holds the embedded store.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from graph_service.errors import AbmGraphError

viz_app = typer.Typer(
    help="Org maps and portfolio charts (HTML that works offline, PNG).", no_args_is_help=True
)


class ChartFormat(StrEnum):
    PNG = "png"
    HTML = "html"


def parse_day(text: str | None, option: str = "--as-of") -> date:
    """A YYYY-MM-DD date (today when not given), or a one-line error naming the option."""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AbmGraphError(f"{option}: not a date: {text!r} (use YYYY-MM-DD)") from None


def _n(count: int, noun: str) -> str:
    plural = "people" if noun == "person" else f"{noun}s"
    return f"{count} {noun if count == 1 else plural}"


@viz_app.command("org-map")
def org_map_cmd(
    account_id: Annotated[str, typer.Argument(help="The account (company id).")],
    out_file: Annotated[Path, typer.Option("--out", help="HTML file to write.")],
    target: Annotated[
        str | None, typer.Option(help="Person id: highlight the strongest paths to them.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="As-of date, YYYY-MM-DD (default today).")
    ] = None,
    business_unit: Annotated[
        str | None,
        typer.Option(help="Only this business unit (id or exact name) and the units below it."),
    ] = None,
    with_subsidiaries: Annotated[
        bool, typer.Option("--with-subsidiaries", help="Draw the subsidiaries' people too.")
    ] = False,
) -> None:
    """Write the org map of an account: a self-contained HTML page that works offline."""
    from graph_service import cli
    from graph_service.store.family import family_views
    from viz.org_map import build_org_map, render_org_map

    day = parse_day(as_of)
    if out_file.suffix.lower() not in (".html", ".htm"):
        raise AbmGraphError(f"--out: the org map is an HTML page; use a .html file, not {out_file}")
    store = cli._open(read_only=True)
    try:
        views = family_views(store, account_id)
    finally:
        store.close()
    org = build_org_map(
        views,
        day,
        target_person_id=target,
        business_unit=business_unit,
        include_subsidiaries=with_subsidiaries,
    )
    out_file.write_text(render_org_map(org), encoding="utf-8")
    deals = sum(1 for n in org.nodes if n["kind"] == "deal")
    cli.err.print(
        f"org map of {org.title} written to {out_file}: {_n(org.count('person'), 'person')}, "
        f"{_n(org.count('member'), 'team member')}, {_n(deals, 'open deal')}",
        highlight=False,
        soft_wrap=True,
    )


@viz_app.command("sow")
def sow_cmd(
    out_file: Annotated[Path, typer.Option("--out", help="File to write: .png or .html.")],
    fmt: Annotated[
        ChartFormat | None, typer.Option("--format", help="png or html (default: by --out).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="As-of date, YYYY-MM-DD (default today).")
    ] = None,
) -> None:
    """Write the portfolio share-of-wallet charts: a PNG, or an interactive offline page."""
    from graph_service import cli
    from viz.charts import sow_data, sow_html, sow_png

    day = parse_day(as_of)
    suffix = out_file.suffix.lower().lstrip(".")
    chosen = fmt or {"png": ChartFormat.PNG, "html": ChartFormat.HTML, "htm": ChartFormat.HTML}.get(
        suffix
    )
    if chosen is None:
        raise AbmGraphError("--format is needed (png or html) when --out has no such suffix")
    store = cli._open(read_only=True)
    try:
        data = sow_data(store, day)
    finally:
        store.close()
    if chosen is ChartFormat.PNG:
        out_file.write_bytes(sow_png(data))
    else:
        out_file.write_text(sow_html(data), encoding="utf-8")
    cli.err.print(
        f"share-of-wallet charts ({len(data.ltv.points)} accounts on the LTV x share plane) "
        f"written to {out_file} ({chosen.value})",
        highlight=False,
    )
