"""Reading CSV files as CRM tools and Excel write them: encodings, bad quoting, line numbers.

:class:`CsvFile` reads one file in a stream (memory stays flat) and yields each row with the
1-based line it starts on. Nothing it meets raises a traceback:

- **Encodings.** ``encoding=None`` is the native bundle's contract: UTF-8 (a BOM is allowed),
  and a file that is not UTF-8 is refused whole (:class:`InputFileError`). ``"auto"`` detects the
  encoding of each file (:func:`detect_encoding`): UTF-8 (with or without a BOM), CP932 (Shift_JIS
  as Japanese Windows and Excel write it), or ``mixed`` (UTF-8 lines and CP932 lines in one file:
  each cell is read as UTF-8, or as CP932 when it is not UTF-8). Any other name is a Python codec
  (``shift_jis`` and ``sjis`` mean CP932). With ``"auto"`` or a named encoding, a row with bytes
  that do not decode is rejected, not the file.
- **Quoting** is strict: a row whose quotes are broken (``1,"x"y``, a quote never closed) is
  rejected with the line it starts on, and reading goes on at the next line.
- **Extra cells**: a row with more cells than the header has columns is rejected.

A row to reject carries the keys :data:`REJECT_REASON` (and :data:`REJECT_FIELD`,
:data:`REJECT_VALUE`); the bundle loader turns it into a reject row (file, line, field, value,
reason) like any other bad row.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from graph_service.errors import ConfigError, InputFileError

#: Row keys that ask the loader to reject the row (no header can have them: they start with NUL).
REJECT_REASON = "\x00reject_reason"
REJECT_FIELD = "\x00reject_field"
REJECT_VALUE = "\x00reject_value"

AUTO = "auto"
MIXED = "mixed"

_ALIASES = {
    "shift_jis": "cp932",
    "shiftjis": "cp932",
    "sjis": "cp932",
    "s_jis": "cp932",
    "ms932": "cp932",
    "windows_31j": "cp932",
    "cp932": "cp932",
    "utf_8": "utf-8-sig",
    "utf8": "utf-8-sig",
    "utf_8_sig": "utf-8-sig",
    "utf8_sig": "utf-8-sig",
}
_SURROGATE = re.compile("[\udc80-\udcff]")
_CHUNK = 1 << 20

Row = dict[str, str | None]


def canonical_encoding(encoding: str | None) -> str | None:
    """``None``, ``"auto"`` or a Python codec name; ``shift_jis`` is read as CP932 (what Japanese
    Excel writes), UTF-8 always allows a BOM. Raises :class:`ConfigError` for an unknown name.

    >>> canonical_encoding("Shift_JIS"), canonical_encoding("UTF-8"), canonical_encoding("auto")
    ('cp932', 'utf-8-sig', 'auto')
    """
    if encoding is None:
        return None
    key = encoding.strip().lower().replace("-", "_")
    if key == AUTO:
        return AUTO
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ConfigError(
            f"unknown encoding {encoding!r} (use auto, utf-8, cp932 or a Python codec name)"
        ) from None


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` when the whole file is UTF-8 (with or without a BOM); ``cp932`` when it is
    not, and none of its non-ASCII lines is UTF-8; ``mixed`` otherwise.

    Reads the file once in chunks; the result is cached while the file is unchanged.
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputFileError(path.name, f"cannot read: {exc.strerror}") from None
    return _detect(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _detect(path: Path, size: int, mtime_ns: int) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    except OSError as exc:
        raise InputFileError(path.name, f"cannot read: {exc.strerror}") from None
    with path.open("rb") as fh:
        for line in fh:
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return MIXED
    return "cp932"


def _display(cell: str) -> str:
    """A cell with undecodable bytes shown as ``\\xNN``."""
    return cell.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class CsvFile:
    """One CSV file read with the given encoding (``None``, ``"auto"`` or a codec)."""

    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self.path = Path(path)
        self.requested = canonical_encoding(encoding)

    @property
    def name(self) -> str:
        return self.path.name

    def encoding(self) -> str:
        """The encoding the file is read with (``mixed`` for UTF-8 with CP932 cells)."""
        if self.requested is None:
            return "utf-8-sig"
        if self.requested == AUTO:
            return detect_encoding(self.path)
        return self.requested

    def _open(self) -> IO[str]:
        encoding = self.encoding()
        codec = "utf-8-sig" if encoding == MIXED else encoding
        try:
            return self.path.open(encoding=codec, errors="surrogateescape", newline="")
        except OSError as exc:
            raise InputFileError(self.name, f"cannot read: {exc.strerror}") from None

    def _decode(self, cell: str) -> str | None:
        """The cell with its undecodable bytes resolved, or ``None`` if they cannot be."""
        if not _SURROGATE.search(cell):
            return cell
        if self.encoding() == MIXED:
            try:
                return cell.encode("utf-8", "surrogateescape").decode("cp932")
            except UnicodeError:
                return None
        return None

    def _undecodable(self, line: int, where: str) -> InputFileError:
        return InputFileError(self.name, f"not UTF-8 text {where} (pass an encoding, e.g. cp932)")

    def header(self) -> list[str]:
        """The stripped column names of the first row."""
        with self._open() as fh:
            try:
                header = next(csv.reader(fh, strict=True), None)
            except csv.Error as exc:
                raise InputFileError(self.name, f"line 1: malformed CSV header ({exc})") from None
            except OSError as exc:
                raise InputFileError(self.name, f"cannot read: {exc.strerror}") from None
        if not header:
            raise InputFileError(self.name, "the file is empty (no header row)")
        names = []
        for h in header:
            decoded = self._decode(h)
            if decoded is None:
                if self.requested is None:
                    raise self._undecodable(1, "in the header")
                raise InputFileError(
                    self.name, f"the header is not {self.encoding()} text: {_display(h)!r}"
                )
            names.append(decoded.strip())
        return names

    def rows(self) -> Iterator[tuple[int, Row]]:
        """Data rows with the 1-based line each starts on; blank lines are skipped."""
        names = self.header()
        with self._open() as fh:
            reader = csv.reader(fh, strict=True)
            first = True
            start = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield start, _broken_row(exc, start, reader.line_num)
                    start = reader.line_num + 1
                    continue
                if first:
                    first = False
                elif cells:
                    yield start, self._row(names, cells, start)
                start = reader.line_num + 1

    def _row(self, names: list[str], cells: list[str], line: int) -> Row:
        if len(cells) == len(names) and not _SURROGATE.search("".join(cells)):
            return dict(zip(names, cells, strict=True))  # the common case, fast
        row: Row = {}
        for i, cell in enumerate(cells):
            decoded = self._decode(cell)
            name = names[i] if i < len(names) else ""
            if decoded is None:
                if self.requested is None:
                    raise self._undecodable(line, f"on line {line}")
                return _reject(
                    f"not {self.encoding()} text (pass the file's encoding)", name, _display(cell)
                )
            if i < len(names):
                row[name] = decoded
        if len(cells) > len(names):
            return _reject("more cells than the header has columns")
        for name in names[len(cells) :]:
            row[name] = None
        return row


def _reject(reason: str, field: str = "", value: str = "") -> Row:
    return {REJECT_REASON: reason, REJECT_FIELD: field, REJECT_VALUE: value}


def _broken_row(exc: csv.Error, start: int, end: int) -> Row:
    text = str(exc)
    if "unexpected end of data" in text:
        lines = f"line {start}" if end <= start else f"lines {start}-{end}"
        return _reject(
            f"a quoted cell is never closed: {lines} could not be read as rows (check the quotes)"
        )
    if "field larger than field limit" in text:
        return _reject(f"a cell is longer than {csv.field_size_limit():,} characters")
    return _reject(f"malformed CSV ({text}); check the quotes")


def rejection(row: Row) -> tuple[str, str, str] | None:
    """The (field, value, reason) a row asks to be rejected for, if any."""
    reason = row.get(REJECT_REASON)
    if reason is None:
        return None
    return row.get(REJECT_FIELD) or "", row.get(REJECT_VALUE) or "", reason


def carry_rejection(source: Row, target: dict[str, Any]) -> bool:
    """Copy ``source``'s rejection onto ``target``; whether there was one."""
    if REJECT_REASON not in source:
        return False
    for key in (REJECT_REASON, REJECT_FIELD, REJECT_VALUE):
        target[key] = source.get(key)
    return True
