"""Cell parsers shared by every loader.

Each parser takes the raw text of one CSV cell (already stripped, never empty) and returns a
Python value, or raises :class:`ValueError` with a reason a person can act on; the loader turns
that into a reject row naming the file, line and field. A parser of an optional descriptive
field (``loaders/vocabulary.py``) returns a :class:`Flagged` value instead of raising: the row
loads, with a warning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)

_EXCEL_EPOCH = date(1899, 12, 30)
_SLASH_YMD = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_SLASH_MDY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SLASH_TIME = re.compile(
    r"^(?P<date>\d{1,4}/\d{1,2}/\d{1,4})[ T]+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?"
    r"\s*(?P<ampm>[AaPp][Mm])?$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURRENCY_SYMBOLS = re.compile(r"[\s$¥￥€£]|USD|JPY|EUR|円")
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Flagged:
    """A cell the loader loads with a warning: ``value`` goes into the record (``None``: the
    field stays empty) and ``reason`` into the load report's warning on the row."""

    value: object
    reason: str


def parse_text(raw: str) -> str:
    """Text as given (the caller has stripped it)."""
    return raw


def parse_date(raw: str) -> date:
    """A calendar date: ISO ``2017-03-01``, ``2017/03/01``, US ``3/1/2017``, an ISO timestamp
    or one of those forms followed by a time such as ``3/1/2017 10:00 AM`` (its date is taken),
    or an Excel serial day number such as ``42795``.

    >>> parse_date("2017/03/01"), parse_date("3/1/2017"), parse_date("42795")
    (datetime.date(2017, 3, 1), datetime.date(2017, 3, 1), datetime.date(2017, 3, 1))
    """
    text = raw.strip()
    if m := _SLASH_TIME.match(text):
        text = m["date"]
    try:
        if m := _SLASH_YMD.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _SLASH_MDY.match(text):
            return date(int(m[3]), int(m[1]), int(m[2]))
        if text.isdigit() and 20000 <= int(text) <= 80000:
            return _EXCEL_EPOCH + timedelta(days=int(text))
        if len(text) > 10:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"not a date: {raw!r} (use YYYY-MM-DD)")


def parse_datetime(raw: str) -> datetime:
    """A point in time, ISO 8601. A timestamp without an offset, or a bare date, is read as UTC.
    CRM export forms are accepted too: Salesforce's ``2017-03-01T10:00:00.000+0000``, a date
    in any :func:`parse_date` form followed by a time (``03/01/2017 10:00 AM``,
    ``2017/03/01 10:00``), and milliseconds since 1970 (HubSpot's ``1488362400000``).

    >>> parse_datetime("2026-03-04T10:30:00+09:00").utcoffset()
    datetime.timedelta(seconds=32400)
    >>> parse_datetime("2026-03-04").isoformat()
    '2026-03-04T00:00:00+00:00'
    >>> parse_datetime("03/01/2017 10:05 PM").isoformat()
    '2017-03-01T22:05:00+00:00'
    >>> parse_datetime("1488362400000").isoformat()
    '2017-03-01T10:00:00+00:00'
    """
    text = raw.strip().replace("Z", "+00:00")
    if text.isdigit() and 11 <= len(text) <= 13:
        return _EPOCH + timedelta(milliseconds=int(text))
    if m := _SLASH_TIME.match(text):
        hour, minute, second = int(m["h"]), int(m["m"]), int(m["s"] or 0)
        if m["ampm"]:
            if not 1 <= hour <= 12:
                raise ValueError(f"not a timestamp: {raw!r} (hour {hour} with AM/PM)")
            hour = hour % 12 + (12 if m["ampm"].lower() == "pm" else 0)
        try:
            day = parse_date(m["date"])
            value = datetime.combine(day, datetime.min.time()).replace(
                hour=hour, minute=minute, second=second
            )
        except ValueError:
            raise ValueError(f"not a timestamp: {raw!r}") from None
        return value.replace(tzinfo=UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        try:
            value = datetime.combine(parse_date(text), datetime.min.time())
        except ValueError:
            raise ValueError(
                f"not a timestamp: {raw!r} (use ISO 8601, e.g. 2026-03-04T10:30:00+09:00)"
            ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_amount(raw: str) -> float:
    """A money amount; currency symbols, codes and thousands separators are ignored.

    >>> parse_amount("$1,234.50"), parse_amount("¥ 2,000,000"), parse_amount("3000円")
    (1234.5, 2000000.0, 3000.0)
    >>> parse_amount("1,5")
    Traceback (most recent call last):
    ...
    ValueError: not an amount: '1,5' (a comma must separate thousands)
    """
    text = _CURRENCY_SYMBOLS.sub("", raw)
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]
    if "," in text:
        if not _THOUSANDS.match(text):
            raise ValueError(f"not an amount: {raw!r} (a comma must separate thousands)")
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not an amount: {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"not a finite amount: {raw!r}")
    return value


def parse_count(raw: str) -> int:
    """A whole, non-negative number such as an employee count (``1,200`` and ``1200.0`` too).

    >>> parse_count("1,200")
    1200
    """
    text = raw.replace(",", "").strip()
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a whole number: {raw!r}") from None
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise ValueError(f"not a whole, non-negative number: {raw!r}")
    return int(value)


def parse_strength(raw: str) -> float:
    """A tie strength in [0, 1].

    >>> parse_strength("0.75")
    0.75
    """
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"not a number: {raw!r}") from None
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise ValueError(f"strength must be between 0 and 1, got {raw!r}")
    return value


def enum_parser(enum: type[E]) -> Callable[[str], E]:
    """A parser for one of ``enum``'s values, case-insensitive, ``-`` and spaces as ``_``.

    >>> from graph_service.domain import Stage
    >>> enum_parser(Stage)("Won")
    <Stage.WON: 'won'>
    """
    allowed = ", ".join(e.value for e in enum)

    def parse(raw: str) -> E:
        key = raw.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return enum(key)
        except ValueError:
            raise ValueError(f"{raw!r} is not one of: {allowed}") from None

    return parse


def parse_rate(raw: str) -> float:
    """An exchange rate: a positive, finite number; ``,`` only as a thousands separator, as in
    amounts (a decimal comma would silently make ``0,0066`` a rate of 66).

    >>> parse_rate("0.0066"), parse_rate("1,500")
    (0.0066, 1500.0)
    >>> parse_rate("0")
    Traceback (most recent call last):
    ...
    ValueError: not a positive rate: '0'
    >>> parse_rate("0,0066")
    Traceback (most recent call last):
    ...
    ValueError: not a rate: '0,0066' (a comma must separate thousands)
    """
    text = raw.strip()
    if "," in text:
        if not _THOUSANDS.match(text):
            raise ValueError(f"not a rate: {raw!r} (a comma must separate thousands)")
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a rate: {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"not a positive rate: {raw!r}")
    return value
