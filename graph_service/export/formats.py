"""The file formats of an export, and the library each one's writer needs.

Naming a format costs nothing at start-up: pandas and the writers are imported where they
are used.
"""

from __future__ import annotations

from enum import StrEnum


class ExportFormat(StrEnum):
    """File formats of an export."""

    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"


#: The library each format's writer needs beyond pandas (a second or so to import).
WRITER_MODULES: dict[ExportFormat, str | None] = {
    ExportFormat.CSV: None,
    ExportFormat.XLSX: "openpyxl",
    ExportFormat.PARQUET: "pyarrow.parquet",
}
