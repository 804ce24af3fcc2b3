"""``abmgraph viz``: the org map and the share-of-wallet charts as files.

Both commands open the store read-only (like ``abmgraph stats``), so they run while a service
holds the embedded store. The drawing itself is :mod:`viz`'s; this module only reads the store
and writes the files.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from graph_service.cli.context import err, open_store, parse_day
from graph_service.cli.currency import CURRENCY_HELP, analytics_params
from graph_service.errors import AbmGraphError
from graph_service.export.out_file import check_out_file, write_failed

app = typer.Typer(
    help="Org maps and portfolio charts (HTML that works offline, PNG).", no_args_is_help=True
)

AsOfOption = Annotated[str | None, typer.Option(help="As-of date, YYYY-MM-DD (default today).")]


class ChartFormat(StrEnum):
    """File formats of the portfolio charts."""

    PNG = "png"
    HTML = "html"


def _n(count: int, noun: str) -> str:
    """``count`` and the noun, plural when it should be.

    >>> _n(1, "person"), _n(3, "person"), _n(0, "open deal")
    ('1 person', '3 people', '0 open deals')
    """
    plural = "people" if noun == "person" else f"{noun}s"
    return f"{count} {noun if count == 1 else plural}"


def _write(out: Path, content: str | bytes) -> None:
    """Write a drawing (text as UTF-8); a failure is one line naming the file."""
    try:
        if isinstance(content, bytes):
            out.write_bytes(content)
        else:
            out.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise write_failed(out, exc) from None


@app.command("org-map")
def org_map(
    account_id: Annotated[str, typer.Argument(help="The account (company id).")],
    out_file: Annotated[Path, typer.Option("--out", help="HTML file to write.")],
    target: Annotated[
        str | None, typer.Option(help="Person id: highlight the strongest paths to them.")
    ] = None,
    as_of: AsOfOption = None,
    business_unit: Annotated[
        str | None,
        typer.Option(help="Only this business unit (id or exact name) and the units below it."),
    ] = None,
    with_subsidiaries: Annotated[
        bool, typer.Option("--with-subsidiaries", help="Draw the subsidiaries' people too.")
    ] = False,
) -> None:
    """Write the org map of an account: a self-contained HTML page that works offline.

    The folder of --out must exist.
    """
    from graph_service.store.family import family_views
    from viz.org_map import build_org_map, render_org_map

    day = parse_day(as_of)
    if out_file.suffix.lower() not in (".html", ".htm"):
        raise AbmGraphError(f"--out: the org map is an HTML page; use a .html file, not {out_file}")
    check_out_file(out_file)
    store = open_store(read_only=True)
    try:
        views = family_views(store, account_id, day)
    finally:
        store.close()
    org = build_org_map(
        views,
        day,
        target_person_id=target,
        business_unit=business_unit,
        include_subsidiaries=with_subsidiaries,
    )
    _write(out_file, render_org_map(org))
    deals = sum(1 for n in org.nodes if n["kind"] == "deal")
    err.print(
        f"org map of {org.title} written to {out_file}: {_n(org.count('person'), 'person')}, "
        f"{_n(org.count('member'), 'team member')}, {_n(deals, 'open deal')}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("sow")
def sow(
    out_file: Annotated[Path, typer.Option("--out", help="File to write: .png or .html.")],
    fmt: Annotated[
        ChartFormat | None, typer.Option("--format", help="png or html (default: by --out).")
    ] = None,
    as_of: AsOfOption = None,
    currency: Annotated[str | None, typer.Option(help=CURRENCY_HELP)] = None,
) -> None:
    """Write the portfolio share-of-wallet charts: a PNG, or an interactive offline page.

    Amounts are in one currency, named on every axis that shows money; amounts no exchange
    rate converts are left out, noted under the charts and warned about. The folder of --out
    must exist.
    """
    from viz.charts import sow_data, sow_html, sow_png

    day = parse_day(as_of)
    params = analytics_params(currency)
    suffix = out_file.suffix.lower().lstrip(".")
    chosen = fmt or {"png": ChartFormat.PNG, "html": ChartFormat.HTML, "htm": ChartFormat.HTML}.get(
        suffix
    )
    if chosen is None:
        raise AbmGraphError("--format is needed (png or html) when --out has no such suffix")
    check_out_file(out_file)
    store = open_store(read_only=True)
    try:
        data = sow_data(store, day, params)
    finally:
        store.close()
    _write(out_file, sow_png(data) if chosen is ChartFormat.PNG else sow_html(data))
    in_currency = f", amounts in {data.currency}" if data.currency else ""
    err.print(
        f"share-of-wallet charts ({len(data.ltv.points)} accounts on the LTV x share plane) "
        f"written to {out_file} ({chosen.value}{in_currency})",
        highlight=False,
    )
    if (note := data.left_out_note) is not None:
        err.print(f"[yellow]warning:[/yellow] {note}", highlight=False, soft_wrap=True)
