"""Target-list exports for strategists: one row per account, as CSV, XLSX or Parquet.

* :mod:`~graph_service.export.formats`: the formats (:class:`ExportFormat`);
* :mod:`~graph_service.export.columns`: the columns, their types and definitions;
* :mod:`~graph_service.export.cells`: formula-like text is written as text (CSV injection);
* :mod:`~graph_service.export.csv_file`, :mod:`~graph_service.export.xlsx`: the writers;
* :mod:`~graph_service.export.notes`: the as-of date, weights and warnings beside the rows;
* :mod:`~graph_service.export.out_file`: where a file may be written (never a new folder);
* :mod:`~graph_service.export.writer`: score, look the owners up, write.

pandas, the scoring code and each format's writer are imported where they are used, so that
naming a format costs nothing at start-up. See docs/exports.md.
"""

from graph_service.export.columns import (
    COLUMNS,
    DEFINITIONS,
    NUMBER_COLUMNS,
    target_columns,
    targets_frame,
    unconverted_text,
    unconverted_warning,
)
from graph_service.export.formats import WRITER_MODULES, ExportFormat
from graph_service.export.notes import ExportContext, export_notes
from graph_service.export.out_file import check_out_file, write_failed
from graph_service.export.writer import export_target_list, write_targets

__all__ = [
    "COLUMNS",
    "DEFINITIONS",
    "NUMBER_COLUMNS",
    "WRITER_MODULES",
    "ExportContext",
    "ExportFormat",
    "check_out_file",
    "export_notes",
    "export_target_list",
    "target_columns",
    "targets_frame",
    "unconverted_text",
    "unconverted_warning",
    "write_failed",
    "write_targets",
]
