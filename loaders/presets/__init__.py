"""Presets: CRM exports as they come (Maven CRM sample, Salesforce, HubSpot, any CSV with a
mapping file) loaded through the one bundle pipeline. See ``docs/presets.md``.

:func:`load_preset` builds the preset's tables (:mod:`loaders.presets.base`) and runs
:func:`loaders.bundle.load_tables` on them, so validation, rejects (file, line, field, value,
reason), entity resolution and batched, idempotent writes are the native bundle's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib import import_module
from pathlib import Path

from graph_service.store.base import Store
from loaders.bundle import Resolver, load_tables
from loaders.presets.base import PresetSource
from loaders.report import LoadObserver, LoadReport, NullObserver

#: Preset names as the CLI takes them.
PRESETS: tuple[str, ...] = ("maven-crm", "salesforce", "hubspot", "mapping")
_MODULES = {
    "maven-crm": "maven_crm",
    "salesforce": "salesforce",
    "hubspot": "hubspot",
    "mapping": "mapping_file",
}


def preset_tables(
    preset: str,
    path: Path,
    *,
    encoding: str | None = "auto",
    mapping: Path | None = None,
    load_date: date | None = None,
) -> PresetSource:
    """The tables of ``preset`` for the export at ``path`` (a folder; for ``mapping``, the
    folder the mapping file's paths are relative to). ``load_date`` (default today) dates the
    records a Salesforce export marks deleted when it gives no modification date."""
    if preset not in _MODULES:
        raise ValueError(f"unknown preset {preset!r} (one of {', '.join(PRESETS)})")
    module = import_module(f"loaders.presets.{_MODULES[preset]}")
    if preset == "mapping":
        tables: Callable[..., PresetSource] = module.tables
        return tables(path, mapping, encoding)
    tables = module.tables
    if preset == "salesforce":
        return tables(path, encoding, load_date=load_date)
    return tables(path, encoding)


def load_preset(
    preset: str,
    path: Path,
    store: Store,
    *,
    encoding: str | None = "auto",
    mapping: Path | None = None,
    batch_size: int = 5000,
    observer: LoadObserver | None = None,
    resolver: Resolver | None = None,
    reporting_currency: str | None = None,
    record_source: str | None = None,
    snapshot: bool = False,
    load_date: date | None = None,
) -> LoadReport:
    """Load the export at ``path`` with ``preset`` into ``store``; the report has one entry per
    table (and per lookup-only file, such as a product catalogue) in load order, and a warning
    per amount in a currency no exchange rate converts (``reporting_currency``: the configured
    one, see :func:`loaders.bundle.load_tables`).

    Records are written as coming from ``record_source``, by default the preset's name
    (``salesforce``, ``hubspot``, ...); ``snapshot`` and ``load_date``: see
    :func:`~loaders.bundle.load_tables`."""
    observer = observer or NullObserver()
    load_date = load_date or date.today()
    source = preset_tables(preset, path, encoding=encoding, mapping=mapping, load_date=load_date)
    report = load_tables(
        source.tables,
        store,
        source=str(path),
        batch_size=batch_size,
        observer=observer,
        resolver=resolver,
        reporting_currency=reporting_currency,
        rates_file=source.rates_file,
        record_source=record_source or preset,
        snapshot=snapshot,
        load_date=load_date,
    )
    for side in source.side_files:
        file_report, rejects = side.report()
        observer.file_started(file_report.file)
        observer.rows_done(file_report.file, file_report.read)
        observer.file_finished(file_report)
        names = [f.file for f in report.files]
        at = names.index(side.before) if side.before in names else len(names)
        report.files.insert(at, file_report)
        report.rejects.extend(rejects)
    return report
