"""The XLSX writer: a ``targets`` sheet people can open and work with, and a ``notes`` sheet.

``targets``: a styled header row (bold white on dark blue), frozen, with an autofilter over
the table; columns as wide as their content (East Asian wide characters count twice, up to
:data:`MAX_WIDTH`); numbers as number cells with formats (``whitespace`` in its row's
currency, e.g. ``#,##0 "JPY"`` or ``#,##0.00 "USD"``; ``share_of_wallet`` and ``coverage`` as
percentages; ``score`` to four places); ``wallet_modeled`` as TRUE/FALSE; every text as a
string cell, never a formula, with Excel's quote prefix on text that looks like one
(:func:`~graph_service.export.cells.looks_like_formula`).

``notes``: the sentences of :func:`~graph_service.export.notes.export_notes`, the as-of date,
then the settings (as-of date, currency, each weight and its share of the score) and the
definition of every column (:data:`~graph_service.export.columns.DEFINITIONS`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph_service.export.cells import looks_like_formula
from graph_service.export.columns import COLUMNS, DEFINITIONS, NUMBER_COLUMNS
from graph_service.export.notes import ExportContext, export_notes, weight_shares

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from graph_service.analytics.portfolio import Target

#: ISO 4217 currencies whose minor unit is not 2 digits (all others have 2).
MINOR_UNITS = {
    **{c: 0 for c in ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG")},
    **{c: 0 for c in ("RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF")},
    **{c: 3 for c in ("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND")},
    **{c: 4 for c in ("CLF", "UYW")},
}

#: Number formats of the number columns other than ``whitespace`` (in its row's currency).
NUMBER_FORMATS = {
    "rank": "0",
    "score": "0.0000",
    "share_of_wallet": "0.0%",
    "coverage": "0.0%",
}

HEADER_FILL = "1F4E78"
MIN_WIDTH, MAX_WIDTH = 8, 60
#: Rows measured for the column widths.
MEASURED_ROWS = 500


def money_format(currency: str) -> str:
    """The number format of an amount in ``currency``: its minor unit's decimals and its code.

    >>> money_format("JPY"), money_format("USD"), money_format("KWD"), money_format("")
    ('#,##0 "JPY"', '#,##0.00 "USD"', '#,##0.000 "KWD"', '#,##0.00')
    """
    digits = MINOR_UNITS.get(currency, 2)
    number = "#,##0" + ("." + "0" * digits if digits else "")
    return f'{number} "{currency}"' if currency else number


def display_width(text: str) -> int:
    """How many columns ``text`` takes in a spreadsheet: wide (CJK) characters count two.

    >>> display_width("Acme"), display_width("東都銀行"), display_width("みなとリテール 2")
    (4, 8, 16)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown(name: str, value: Any, currency: str) -> str:
    """Roughly the text a cell shows, for its column's width."""
    if value is None:
        return ""
    if name == "whitespace":
        return f"{value:,.{MINOR_UNITS.get(currency, 2)}f} {currency}"
    if name in ("share_of_wallet", "coverage"):
        return f"{value:.1%}"
    if name == "score":
        return f"{value:.4f}"
    return str(value)


def column_widths(columns: Mapping[str, list[Any]]) -> dict[str, int]:
    """The width of each column: its header's or its widest shown value's, within bounds.

    >>> column_widths({"rank": [1, 2], "name": ["東都銀行 リスク管理部"], "currency": ["JPY"]})
    {'rank': 8, 'name': 23, 'currency': 10}
    """
    currencies = columns.get("currency", [])
    widths = {}
    for name, values in columns.items():
        shown = [
            _shown(name, v, currencies[i] if i < len(currencies) else "")
            for i, v in enumerate(values[:MEASURED_ROWS])
        ]
        widest = max([display_width(name), *(display_width(s) for s in shown)])
        widths[name] = min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)
    return widths


def write_xlsx(
    targets: Sequence[Target],
    columns: Mapping[str, list[Any]],
    context: ExportContext,
    out: Path,
) -> None:
    """Write the ``targets`` and ``notes`` sheets to ``out``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "targets"
    _targets_sheet(sheet, columns)
    _notes_sheet(book.create_sheet("notes"), targets, context)
    book.save(out)


def _header(sheet: Worksheet, row: int, names: Sequence[str]) -> None:
    """Write ``names`` as a styled header on ``row``: bold white on dark blue, underlined."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    font = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    border = Border(bottom=Side(style="medium", color="000000"))
    align = Alignment(vertical="center")
    for col, name in enumerate(names, start=1):
        cell = sheet.cell(row, col, name)
        cell.font, cell.fill, cell.border, cell.alignment = font, fill, border, align


def _text(sheet: Worksheet, row: int, col: int, text: str) -> None:
    """A string cell holding ``text`` as it is, never a formula."""
    cell = sheet.cell(row, col, text)
    cell.data_type = "s"  # openpyxl makes "=..." a formula; this cell is text
    if looks_like_formula(text):
        cell.quotePrefix = True  # and Excel keeps it text when someone edits it


def _targets_sheet(sheet: Worksheet, columns: Mapping[str, list[Any]]) -> None:
    from openpyxl.utils import get_column_letter

    names = list(columns)
    rows = len(next(iter(columns.values()), []))
    _header(sheet, 1, names)
    currencies = columns.get("currency", [""] * rows)
    for col, name in enumerate(names, start=1):
        values = columns[name]
        number = name in NUMBER_COLUMNS
        for r in range(rows):
            value = values[r]
            if value is None or value == "":
                continue
            if not number:
                _text(sheet, r + 2, col, str(value))
                continue
            cell = sheet.cell(r + 2, col, value)
            if name == "whitespace":
                cell.number_format = money_format(currencies[r] or "")
            elif name in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[name]
    for col, width in enumerate(column_widths(columns).values(), start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{rows + 1}"


def _notes_sheet(sheet: Worksheet, targets: Sequence[Target], context: ExportContext) -> None:
    row = 1
    _header(sheet, row, ["note"])
    as_of = f"Every figure is as of {context.as_of.isoformat()}: later data is not counted."
    for note in [*export_notes(targets), as_of]:
        row += 1
        _text(sheet, row, 1, note)
    row += 2
    _header(sheet, row, ["setting", "value", "share of the score"])
    row += 1
    sheet.cell(row, 1, "as of")
    sheet.cell(row, 2, context.as_of).number_format = "yyyy-mm-dd"
    row += 1
    sheet.cell(row, 1, "currency")
    _text(sheet, row, 2, ", ".join(sorted({t.currency for t in targets if t.currency})))
    shares = weight_shares(context.weights)
    for name, weight in context.weights.items():
        row += 1
        sheet.cell(row, 1, f"weight: {name}")
        sheet.cell(row, 2, weight)
        sheet.cell(row, 3, shares[name]).number_format = "0%"
    row += 2
    _header(sheet, row, ["column", "definition"])
    for name in COLUMNS:
        row += 1
        sheet.cell(row, 1, name)
        _text(sheet, row, 2, DEFINITIONS[name])
    for letter, width in (("A", 60), ("B", 100), ("C", 20)):
        sheet.column_dimensions[letter].width = width
