"""Any CSV export, through a mapping file (TOML) that says which file and column feeds which
bundle column, with value maps for stages, roles, touch types and the like.

The format (full description and an example in ``docs/presets.md``)::

    encoding = "cp932"                 # optional: the files' encoding (--encoding wins)

    [[deals]]                          # a native kind (file stem of the bundle); [deals] too
    file = "opportunities.csv"         # relative to the export folder
    name = "opportunities.csv"         # optional: the name in the report
    columns = { deal_id = "Opp ID", company_id = "Account", stage = "Phase", amount = "Value" }
    constants = { currency = "JPY" }   # optional: a fixed value for a bundle column
    slug = ["company_id"]              # optional: ids made of names (normalize_key)
    values.stage = { "受注" = "won", "失注" = "lost", "*" = "qualifying" }

Any native kind can be mapped, exchange rates too (``[fx_rates]``: ``currency``, ``rate``,
``valid_from``, ``valid_to``), checked by the bundle's rules (a positive rate, an ISO code, no
overlapping dated ranges). Value maps compare source values by
:func:`~loaders.normalize.normalize_key`; ``"*"`` is the
value for anything else, and without it an unmapped value is passed on as it is (and rejected by
the bundle's rules if it is not valid). Every source column the mapping names must be in its
file, or the file is refused naming the column.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from graph_service.domain import Kind
from graph_service.errors import ConfigError
from loaders.csvfile import AUTO, canonical_encoding
from loaders.normalize import normalize_key
from loaders.presets.base import (
    BundleRow,
    Col,
    ExportDir,
    PresetSource,
    Source,
    SourceRow,
    slug,
    table,
)
from loaders.tables import COLUMNS, SourceTable

_KEYS = {"file", "name", "columns", "constants", "values", "slug", "encoding"}


def tables(path: Path, mapping: Path | None, encoding: str | None = AUTO) -> PresetSource:
    """The tables a mapping file describes, in load order (kinds in the bundle's order)."""
    if mapping is None:
        raise ConfigError("the mapping preset needs a mapping file (--mapping FILE)")
    spec = read_mapping(mapping)
    default = encoding if encoding not in (None, AUTO) else spec.get("encoding", encoding)
    export = ExportDir(path, canonical_encoding(default), "mapping")
    out: list[SourceTable] = []
    for kind in Kind:
        for i, entry in enumerate(_entries(spec, kind)):
            out.append(_table(export, kind, entry, f"{mapping.name}: [{kind.value}] #{i + 1}"))
    if not out:
        raise ConfigError(f"{mapping.name}: maps no kind (use {', '.join(k.value for k in Kind)})")
    return PresetSource(tables=out, rates_file=f"a file mapped to [fx_rates] in {mapping.name}")


def read_mapping(path: Path) -> dict[str, Any]:
    """The mapping file, checked: known kinds and keys, bundle columns that exist, every
    required column fed."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the mapping file: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a valid TOML mapping file: {exc}") from None
    kinds = {k.value for k in Kind}
    for key in data:
        if key not in kinds and key != "encoding":
            raise ConfigError(
                f"{path.name}: unknown section [{key}] (kinds: {', '.join(sorted(kinds))})"
            )
    if "encoding" in data:
        if not isinstance(data["encoding"], str):
            raise ConfigError(f"{path.name}: encoding must be a string")
        canonical_encoding(data["encoding"])
    for kind in Kind:
        for i, entry in enumerate(_entries(data, kind)):
            _check(entry, kind, f"{path.name}: [{kind.value}] #{i + 1}")
    return data


def _entries(data: Mapping[str, Any], kind: Kind) -> list[dict[str, Any]]:
    value = data.get(kind.value, [])
    entries = [value] if isinstance(value, dict) else value
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ConfigError(f"[{kind.value}] must be a table or an array of tables")
    return entries


def _check(entry: Mapping[str, Any], kind: Kind, where: str) -> None:
    names = {c.name for c in COLUMNS[kind]}
    unknown = set(entry) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (keys: {sorted(_KEYS)})")
    if not isinstance(entry.get("file"), str):
        raise ConfigError(f'{where}: file = "..." is missing')
    for key in ("columns", "constants", "values"):
        part = entry.get(key, {})
        if not isinstance(part, dict):
            raise ConfigError(f"{where}: {key} must be a table")
        for column, value in part.items():
            if column not in names:
                raise ConfigError(
                    f"{where}: {key}.{column}: not a column of {kind.value}.csv "
                    f"({', '.join(sorted(names))})"
                )
            if key == "values" and not (
                isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
            ):
                raise ConfigError(f"{where}: values.{column} must map strings to strings")
            if key != "values" and not isinstance(value, str):
                raise ConfigError(f"{where}: {key}.{column} must be a string")
    slugged = entry.get("slug", [])
    if not isinstance(slugged, list) or not all(s in names for s in slugged):
        raise ConfigError(f"{where}: slug must list columns of {kind.value}.csv")
    fed = set(entry.get("columns", {})) | set(entry.get("constants", {}))
    for column in COLUMNS[kind]:
        if column.required and column.name not in fed:
            raise ConfigError(
                f"{where}: required column {column.name!r} has no source column or constant"
            )


def _table(export: ExportDir, kind: Kind, entry: Mapping[str, Any], where: str) -> SourceTable:
    source = export.find(entry["file"])
    if source is None:
        source_path = export.path / entry["file"]
        if not source_path.is_file():
            raise ConfigError(f"{where}: file {entry['file']!r} is not in {export.path}")
        source = Source(source_path, export.encoding)
    if "encoding" in entry:
        source = Source(source.csv.path, canonical_encoding(entry["encoding"]))
    columns: dict[str, str] = dict(entry.get("columns", {}))
    constants: dict[str, str] = dict(entry.get("constants", {}))
    values = {
        column: {normalize_key(k): v for k, v in table_.items() if k != "*"}
        for column, table_ in entry.get("values", {}).items()
    }
    defaults = {
        column: table_["*"] for column, table_ in entry.get("values", {}).items() if "*" in table_
    }
    slugged = set(entry.get("slug", []))

    def convert(r: SourceRow) -> Iterator[BundleRow]:
        row: BundleRow = dict(constants)
        for column in columns:
            value = r[column]
            if column in values and value:
                value = values[column].get(normalize_key(value), defaults.get(column, value))
            if column in slugged:
                value = slug(value)
            row[column] = value or None
        yield row

    return table(
        kind,
        entry.get("name", source.name),
        source,
        {column: Col.of(src, required=True) for column, src in columns.items()},
        convert,
        unique=next((c.name for c in COLUMNS[kind] if c.field == "id"), None),
    )
