"""The CSV writer: UTF-8 with a byte-order mark unless asked not to, formula-like text quoted.

Lines end in CRLF (RFC 4180, as Excel writes them), so that a field holding a line break or a
bare carriage return is quoted and stays one field.

The byte-order mark is what makes Excel (Japanese Excel in particular) read the file as UTF-8
instead of the system's code page; pipelines that do not expect one ask for ``bom=False``.
Every text cell goes through :func:`~graph_service.export.cells.csv_text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graph_service.export.cells import csv_text
from graph_service.export.columns import NUMBER_COLUMNS

#: The encoding of a CSV export with (True) and without (False) a byte-order mark.
ENCODINGS = {True: "utf-8-sig", False: "utf-8"}


def write_csv(columns: Mapping[str, list[Any]], out: Path, *, bom: bool = True) -> None:
    """Write ``columns`` (name -> values, in order) to ``out`` as CSV.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = Path(tmp) / "t.csv"
    ...     write_csv({"rank": [1], "name": ["=1+1"]}, out)
    ...     out.read_bytes()
    b"\\xef\\xbb\\xbfrank,name\\r\\n1,'=1+1\\r\\n"
    """
    import pandas as pd

    safe = {
        name: values if name in NUMBER_COLUMNS else [csv_text(v) for v in values]
        for name, values in columns.items()
    }
    types = {c: t for c, t in NUMBER_COLUMNS.items() if c in safe}
    frame = pd.DataFrame(safe).astype(types)
    frame.to_csv(out, index=False, encoding=ENCODINGS[bom], lineterminator="\r\n")
