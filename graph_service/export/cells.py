"""The one rule for text cells a spreadsheet could take for a formula (OWASP's CSV injection).

A text **looks like a formula** when it begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return: Excel, LibreOffice and Google Sheets evaluate such a cell when they open a CSV
(``=HYPERLINK(...)``, ``@SUM(...)``, ``+cmd|...``). Both spreadsheet formats write it as text:

* in CSV, behind a single quote (``'=HYPERLINK(...)``), which the spreadsheet shows and does
  not evaluate (:func:`csv_text`);
* in XLSX, as a string cell with Excel's quote prefix set, never a formula cell (the XLSX
  writer asks :func:`looks_like_formula`); the text itself is unchanged.

Only text columns are treated: a number cell such as ``-5`` is a number, not a formula.
Parquet, a format for programs, keeps the text as it is.
"""

from __future__ import annotations

#: What a text that a spreadsheet would evaluate begins with.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """Whether ``text`` begins with a character a spreadsheet reads as a formula.

    >>> [looks_like_formula(t) for t in ("=1+2", "+81 3", "-x", "@SUM(A1)", "\\tx", "Acme", "")]
    [True, True, True, True, True, False, False]
    """
    return text.startswith(FORMULA_STARTS)


def csv_text(text: str | None) -> str | None:
    """A text cell as written to CSV: behind a single quote when it looks like a formula.

    >>> csv_text('=HYPERLINK("http://x","y")'), csv_text("Acme"), csv_text(None)
    ('\\'=HYPERLINK("http://x","y")', 'Acme', None)
    """
    if text is not None and looks_like_formula(text):
        return "'" + text
    return text
