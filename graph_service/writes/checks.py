"""Field rules shared by the writes: a collector of problems and the checks it runs.

>>> p = Problems()
>>> p.text("fullName", "  ", required=True)
>>> p.text("notes", "x" * 11, max_length=10)
>>> [(f.field, f.message) for f in p.found]
[('fullName', 'must not be blank'), ('notes', 'at most 10 characters')]
"""

from __future__ import annotations

import math
from datetime import date, datetime

from graph_service.writes.outcome import FieldProblem, Invalid

#: The longest a short text (a name, a title, a category) may be.
SHORT_TEXT = 200
#: The longest a long text (notes, a description) may be.
LONG_TEXT = 10_000


class Problems:
    """The problems found in one input, in the order found."""

    def __init__(self) -> None:
        self.found: list[FieldProblem] = []

    def add(self, field: str, message: str) -> None:
        self.found.append(FieldProblem(field, message))

    def has(self, field: str) -> bool:
        return any(p.field == field for p in self.found)

    def text(
        self,
        field: str,
        value: str | None,
        *,
        required: bool = False,
        max_length: int = SHORT_TEXT,
    ) -> None:
        """A text: not blank when ``required`` (or given), at most ``max_length`` characters."""
        if value is None:
            if required:
                self.add(field, "is required")
            return
        if not value.strip():
            self.add(field, "must not be blank")
        elif len(value) > max_length:
            self.add(field, f"at most {max_length} characters")

    def email(self, field: str, value: str | None) -> None:
        """An e-mail address: one ``@`` with text on both sides and no spaces."""
        if value is None:
            return
        local, at, domain = value.partition("@")
        if (
            not at
            or not local
            or "." not in domain
            or "@" in domain
            or any(c.isspace() for c in value)
        ):
            self.add(field, f"{value!r} is not an e-mail address")

    def aware(self, field: str, value: datetime, now: datetime) -> None:
        """A moment with its time zone, not in the future."""
        if value.tzinfo is None:
            self.add(field, "needs a time zone offset (e.g. 2026-11-20T10:00:00+09:00)")
        elif value > now:
            self.add(field, "is in the future")

    def not_after(self, field: str, value: date | None, today: date) -> None:
        if value is not None and value > today:
            self.add(field, f"{value.isoformat()} is in the future")

    def amount(self, field: str, value: float) -> None:
        """A finite amount, zero or more."""
        if not math.isfinite(value) or value < 0:
            self.add(field, "must be a finite amount, zero or more")

    def invalid(self) -> Invalid | None:
        """The answer when something was found."""
        return Invalid(tuple(self.found)) if self.found else None


def clean(value: str | None) -> str | None:
    """A text trimmed; blank as None.

    >>> clean("  Ada  "), clean("   "), clean(None)
    ('Ada', None, None)
    """
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None
