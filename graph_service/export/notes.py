"""What a reader of an exported target list needs beside the rows: the as-of date, the
currency, the scoring weights, and any amounts left out (the XLSX ``notes`` sheet).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING

from graph_service.export.columns import unconverted_warning

if TYPE_CHECKING:
    from graph_service.analytics.portfolio import Target


@dataclass(frozen=True)
class ExportContext:
    """How the rows were computed, and the names of the owners they list.

    ``weights`` are the score's weights as given (the score divides by their sum);
    ``owner_names`` maps a team member's id to their name.
    """

    as_of: date
    weights: Mapping[str, float]
    owner_names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def export_notes(targets: Sequence[Target]) -> list[str]:
    """The sentences that open the XLSX ``notes`` sheet: the currency of the amounts, and the
    warning of :func:`~graph_service.export.columns.unconverted_warning` when amounts were
    left out."""
    currencies = sorted({t.currency for t in targets if t.currency})
    notes = [f"Amounts (whitespace) are in {', '.join(currencies) or 'no currency (no rows)'}."]
    if (warning := unconverted_warning(targets)) is not None:
        notes.append(f"Warning: {warning}.")
    return notes


def weight_shares(weights: Mapping[str, float]) -> dict[str, float]:
    """Each weight's share of their sum: what it counts in the score.

    >>> weight_shares({"whitespace": 2, "momentum": 1, "coverage": 1, "rfm": 0})
    {'whitespace': 0.5, 'momentum': 0.25, 'coverage': 0.25, 'rfm': 0.0}
    """
    total = sum(weights.values())
    return {k: (v / total if total else 0.0) for k, v in weights.items()}
