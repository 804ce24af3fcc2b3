"""``abmgraph load``: a native bundle, a CRM preset's export, or any CSV through a mapping file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from graph_service.cli.context import parse_day, state
from graph_service.cli.load_progress import print_report, run_bundle_load, run_load, store_for_load

if TYPE_CHECKING:
    from graph_service.store.base import Store
    from loaders.report import LoadReport

app = typer.Typer(help="Load CRM data into the configured store.", no_args_is_help=True)

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
EncodingOption = Annotated[
    str,
    typer.Option(
        help="auto (UTF-8, UTF-8 with BOM or CP932, detected per file), utf-8, cp932 "
        "(= shift_jis) or any Python codec."
    ),
]
ExportDirArgument = Annotated[Path, typer.Argument(help="Folder of the export's CSV files.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the load report as JSON.")]
SnapshotOption = Annotated[
    bool,
    typer.Option(
        "--snapshot",
        help="Each file is a complete export of its kind from this source: retire, as of the "
        "load date, the records of that kind and source it no longer has (docs/bundle.md).",
    ),
]
LoadDateOption = Annotated[
    str | None,
    typer.Option(
        "--load-date",
        help="The day of the load, YYYY-MM-DD (default today): what a snapshot retires, and "
        "deleted rows without a date of their own, are retired as of it.",
    ),
]
SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="The name the records' source is recorded under (default: bundle, or the "
        "preset's name); a snapshot retires only records of its source.",
    ),
]

#: The CRM presets and their help (docs/presets.md); ``mapping`` has a command of its own.
PRESETS = {
    "maven-crm": "Load the Maven Analytics CRM sample (accounts, sales teams, products, pipeline).",
    "salesforce": "Load Salesforce object exports "
    "(Account.csv, Contact.csv, Opportunity.csv, ...).",
    "hubspot": "Load HubSpot exports (companies, contacts, deals, engagements).",
}


@app.command("bundle")
def load_bundle_cmd(
    bundle_dir: Annotated[Path, typer.Argument(help="Folder of the native CSV bundle.")],
    as_json: JsonOption = False,
    overrides: OverridesOption = None,
    dry_run: DryRunOption = False,
    encoding: EncodingOption = "auto",
    snapshot: SnapshotOption = False,
    load_date: LoadDateOption = None,
    source: SourceOption = None,
) -> None:
    """Load a native CSV bundle (see docs/bundle.md); duplicates are merged on the way
    (see docs/entity-resolution.md)."""
    day = parse_day(load_date, "--load-date")
    load_and_report(
        lambda store: run_bundle_load(
            store,
            bundle_dir,
            overrides=overrides,
            dry_run=dry_run,
            encoding=encoding,
            snapshot=snapshot,
            load_date=day,
            record_source=source,
        ),
        as_json=as_json,
        dry_run=dry_run,
    )


def load_and_report(load: Callable[[Store], LoadReport], *, as_json: bool, dry_run: bool) -> None:
    """Run ``load`` on the store a load writes to, print its report; exit 1 if it failed."""
    store = store_for_load(dry_run)
    try:
        report = load(store)
    finally:
        store.close()
    print_report(report, as_json, dry_run=dry_run)
    if not report.ok:
        raise typer.Exit(1)


def load_preset_cmd(
    preset: str,
    path: Path,
    *,
    as_json: bool,
    encoding: str,
    overrides: Path | None,
    dry_run: bool,
    mapping: Path | None = None,
    snapshot: bool = False,
    load_date: str | None = None,
    source: str | None = None,
) -> None:
    """The one path every preset load command takes (docs/presets.md)."""
    from loaders.presets import load_preset

    day = parse_day(load_date, "--load-date")
    load_and_report(
        lambda store: run_load(
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
                reporting_currency=state.settings.reporting_currency,
                record_source=source,
                snapshot=snapshot,
                load_date=day,
            ),
            overrides=overrides,
            dry_run=dry_run,
        ),
        as_json=as_json,
        dry_run=dry_run,
    )


def _register_preset(preset: str, help_text: str) -> None:
    """Register ``abmgraph load PRESET PATH``: the same options for every preset."""

    def command(
        path: ExportDirArgument,
        as_json: JsonOption = False,
        encoding: EncodingOption = "auto",
        overrides: OverridesOption = None,
        dry_run: DryRunOption = False,
        snapshot: SnapshotOption = False,
        load_date: LoadDateOption = None,
        source: SourceOption = None,
    ) -> None:
        load_preset_cmd(
            preset,
            path,
            as_json=as_json,
            encoding=encoding,
            overrides=overrides,
            dry_run=dry_run,
            snapshot=snapshot,
            load_date=load_date,
            source=source,
        )

    command.__doc__ = help_text
    app.command(preset)(command)


for _preset, _help in PRESETS.items():
    _register_preset(_preset, _help)


@app.command("mapping")
def load_mapping_cmd(
    path: ExportDirArgument,
    mapping: Annotated[
        Path, typer.Option("--mapping", help="TOML mapping file (docs/presets.md).")
    ],
    as_json: JsonOption = False,
    encoding: EncodingOption = "auto",
    overrides: OverridesOption = None,
    dry_run: DryRunOption = False,
    snapshot: SnapshotOption = False,
    load_date: LoadDateOption = None,
    source: SourceOption = None,
) -> None:
    """Load any CSV export through a mapping file: which column feeds which field."""
    load_preset_cmd(
        "mapping",
        path,
        as_json=as_json,
        encoding=encoding,
        overrides=overrides,
        dry_run=dry_run,
        mapping=mapping,
        snapshot=snapshot,
        load_date=load_date,
        source=source,
    )
