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
- **Quoting** is strict: a row whose quotes are broken (``1,"x"y``) is rejected with the line
  it starts on, and reading goes on at the next line.
- **Every physical line is accounted for.** A quoted cell may span line breaks, but a record may
  span at most :data:`MAX_RECORD_LINES` lines. A quoted cell still open after that many lines, or
  at the end of the file, and a record spanning several lines that turns out malformed, reject
  every line they swallowed, each with its own line number (the first names the problem, the
  others the line that opened it); reading goes on after the last of them.
- **Extra cells**: a row with more cells than the header has columns is rejected.
- **Only regular files** are read: a FIFO, a device or a folder is refused (never waited on),
  and so is a file whose bytes are not text in the encoding given (``--encoding utf-16`` on a
  UTF-8 file).

A row to reject carries the keys :data:`REJECT_REASON` (and :data:`REJECT_FIELD`,
:data:`REJECT_VALUE`); the bundle loader turns it into a reject row (file, line, field, value,
reason) like any other bad row.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import stat as stat_mode
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

#: The most physical lines one record may span: a quoted cell may hold at most
#: ``MAX_RECORD_LINES - 1`` line breaks. A quote still open after that is taken as broken.
MAX_RECORD_LINES = 100

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
    stat = regular_file(path)
    return _detect(path, stat.st_size, stat.st_mtime_ns)


def regular_file(path: Path) -> os.stat_result:
    """``path``'s status, or :class:`InputFileError` if it is not a regular file that exists
    (a FIFO would block the load until something writes to it: it is refused, not opened)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputFileError(path.name, f"cannot read: {exc.strerror}") from None
    if not stat_mode.S_ISREG(stat.st_mode):
        what = "a folder" if stat_mode.S_ISDIR(stat.st_mode) else "a FIFO, socket or device"
        raise InputFileError(path.name, f"not a regular file ({what}); refused")
    return stat


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
        regular_file(self.path)
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
            except UnicodeError as exc:
                raise self._not_text(exc) from None
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

    def _not_text(self, exc: UnicodeError) -> InputFileError:
        """The error for a file the codec cannot read at all (UTF-16 without a byte-order mark,
        a truncated code unit): named, never a traceback."""
        reason = getattr(exc, "reason", None) or str(exc)
        return InputFileError(
            self.name, f"not {self.encoding()} text ({reason}); pass the file's encoding"
        )

    def rows(self) -> Iterator[tuple[int, Row]]:
        """Data rows with the 1-based line each starts on; blank lines are skipped."""
        for first, _last, row in self.records():
            yield first, row

    def records(self) -> Iterator[tuple[int, int, Row]]:
        """Data rows with the first and last physical line each spans (blank lines between rows
        are skipped). Every non-blank line after the header lies in exactly one of them: a
        record that cannot be read rejects each line it took, one reject row per line."""
        names = self.header()
        with self._open() as fh:
            span = _Span()
            reader = csv.reader(_lines(fh, span), strict=True)
            first = True
            while True:
                span.start()
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except _RecordTooLong:
                    yield from _swallowed(span, _too_long(span.first))
                    reader = csv.reader(_lines(fh, span), strict=True)
                    continue
                except csv.Error as exc:
                    yield from _swallowed(span, _broken(exc, span))
                    continue
                except UnicodeError as exc:
                    raise self._not_text(exc) from None
                if first:
                    first = False
                elif cells:
                    yield span.first, span.last, self._row(names, cells, span.first)

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


class _RecordTooLong(Exception):
    """A record ran over :data:`MAX_RECORD_LINES` lines (raised through the csv reader)."""


class _Span:
    """The physical lines the record being read has taken so far: ``first`` to ``last``."""

    __slots__ = ("first", "last")

    def __init__(self) -> None:
        self.first = 1
        self.last = 0

    def start(self) -> None:
        self.first = self.last + 1

    @property
    def lines(self) -> int:
        return self.last - self.first + 1


def _lines(fh: IO[str], span: _Span) -> Iterator[str]:
    """The lines of ``fh`` as the csv reader pulls them, counted into ``span``; refuses a line
    that would make the record longer than :data:`MAX_RECORD_LINES`."""
    while True:
        if span.lines >= MAX_RECORD_LINES:
            raise _RecordTooLong
        text = fh.readline()
        if not text:
            return
        span.last += 1
        yield text


def _too_long(first: int) -> str:
    return (
        f"a quoted cell opened on line {first} is still open after {MAX_RECORD_LINES} lines "
        "(a cell may hold at most "
        f"{MAX_RECORD_LINES - 1} line breaks); check the quotes"
    )


def _broken(exc: csv.Error, span: _Span) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return f"a quoted cell opened on line {span.first} is never closed; check the quotes"
    if "field larger than field limit" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    where = f" on line {span.last}" if span.last > span.first else ""
    return f"malformed CSV ({text}){where}; check the quotes"


def _swallowed(span: _Span, reason: str) -> Iterator[tuple[int, int, Row]]:
    """One reject row per line of a record that cannot be read: the first with ``reason``, the
    others naming the line the record started on."""
    yield span.first, span.first, _reject(reason)
    for line in range(span.first + 1, span.last + 1):
        yield line, line, _reject(f"read as part of the broken record on line {span.first}")


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
