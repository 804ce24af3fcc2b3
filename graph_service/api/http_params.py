"""Query-string parameters of the HTTP routes (drawings, exports): parsed, or a message that
names the parameter and what it accepts."""

from __future__ import annotations

from datetime import date

from graph_service.as_of import supported_day, today
from graph_service.errors import InvalidArgumentError
from graph_service.money import parse_currency

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class BadParameter(ValueError):
    """A query-string parameter that cannot be used; the message is for the caller."""


def as_of(text: str | None) -> date:
    """``asOf``: a supported ISO day, today when absent.

    >>> as_of("2026-11-20")
    datetime.date(2026, 11, 20)
    >>> as_of("20/11/2026")
    Traceback (most recent call last):
    ...
    graph_service.api.http_params.BadParameter: asOf: not a date: '20/11/2026' (use YYYY-MM-DD)
    """
    if not text:
        return today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadParameter(f"asOf: not a date: {text!r} (use YYYY-MM-DD)") from None
    try:
        return supported_day(day)
    except InvalidArgumentError as exc:
        raise BadParameter(str(exc)) from None


def flag(name: str, text: str | None) -> bool:
    """A true/false parameter (absent: false)."""
    value = (text or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadParameter(f"{name}: true or false, not {text!r}")


def currency(text: str | None) -> str | None:
    """``currency``: an ISO 4217 code, or None when absent."""
    if not text:
        return None
    try:
        return parse_currency(text)
    except ValueError as exc:
        raise BadParameter(f"currency: {exc}") from None


def number(name: str, text: str | None) -> float | None:
    """A decimal number parameter, or None when absent."""
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise BadParameter(f"{name}: not a number: {text!r}") from None
