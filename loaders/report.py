"""What a load did: per file, rows read = loaded + rejected, every reject with its reason, every
warning on a row loaded as it is (an amount in a currency no exchange rate converts), and every
merge entity resolution made (a merged row counts as loaded, onto its survivor)."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

#: One thing wrong with a row: (field, value, reason).
Problem = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Reject:
    """One input row that was not loaded, and why. ``line`` is the 1-based line in the file.

    ``field``, ``value`` and ``reason`` are the first problem found; ``more`` holds the others
    (every bad field of the row is listed, each once), see :attr:`problems`.
    """

    file: str
    line: int
    field: str
    value: str
    reason: str
    more: tuple[Problem, ...] = ()

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem of the row, the first one first."""
        return ((self.field, self.value, self.reason), *self.more)

    def renamed(self, names: Mapping[str, str]) -> Reject:
        """The reject with its fields named by ``names`` (bundle column -> source column)."""
        return replace(
            self,
            field=names.get(self.field, self.field),
            more=tuple((names.get(f, f), v, r) for f, v, r in self.more),
        )

    @classmethod
    def of(cls, file: str, line: int, problems: list[Problem]) -> Reject:
        """The reject of a row with ``problems`` (at least one)."""
        (field, value, reason), *more = problems
        return cls(file, line, field, value, reason, tuple(more))


@dataclass(frozen=True, slots=True)
class LoadWarning:
    """One input row that was loaded, with something about it the user should fix at the source
    (``line`` is the 1-based line in the file, ``field`` the column concerned)."""

    file: str
    line: int
    field: str
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class Merge:
    """Records entity resolution folded into another: ``merged_ids`` now live on as ``kept_id``.

    ``rule`` is what matched (``corporate_number``, ``domain``, ``name``, ``email``,
    ``always_merge``, ``earlier_merge``), ``score`` its similarity (0-100) where it has one, and
    ``file`` the input file of the merged row (``(store)`` for records the store already held).
    A ``proposed`` merge was not made: a name-only match that something contradicts (another
    country, another legal form), listed for a person to confirm with ``always_merge``.
    """

    kind: str
    kept_id: str
    merged_ids: tuple[str, ...]
    rule: str
    score: float | None
    file: str
    proposed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "kept_id": self.kept_id,
            "merged_ids": list(self.merged_ids),
            "rule": self.rule,
            "score": self.score,
            "file": self.file,
            "proposed": self.proposed,
        }


@dataclass(slots=True)
class FileReport:
    """The outcome of one input file."""

    file: str
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    merged: int = 0  # loaded rows that entity resolution put onto another record's id
    warned: int = 0  # loaded rows with at least one warning
    #: Loaded rows the source marks deleted (``retired_at``, Salesforce ``IsDeleted``): their
    #: records are kept, retired.
    deleted: int = 0
    #: In a snapshot load: records of the file's kind and source the file no longer has,
    #: retired by this load (0 when they were retired already, or without ``--snapshot``).
    retired: int = 0
    error: str | None = None
    extra_columns: list[str] = field(default_factory=list)
    _warned_lines: set[int] = field(default_factory=set, init=False, repr=False, compare=False)

    def count_warning(self, line: int) -> None:
        """Count the row on ``line`` as warned (once, however many warnings it has)."""
        if line not in self._warned_lines:
            self._warned_lines.add(line)
            self.warned += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "read": self.read,
            "loaded": self.loaded,
            "rejected": self.rejected,
            "merged": self.merged,
            "warned": self.warned,
            "deleted": self.deleted,
            "retired": self.retired,
            "error": self.error,
            "extra_columns": self.extra_columns,
        }


@dataclass(slots=True)
class LoadReport:
    """The outcome of a whole load."""

    source: str
    files: list[FileReport] = field(default_factory=list)
    #: Whether the load was a snapshot (each file a complete export of its kind from
    #: ``record_source``), and the day it retired what was missing on.
    snapshot: bool = False
    record_source: str | None = None
    load_date: str | None = None
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: str | None = None
    merges: list[Merge] = field(default_factory=list)
    merges_path: str | None = None
    warnings: list[LoadWarning] = field(default_factory=list)
    warnings_path: str | None = None
    #: Currency -> how many amounts this load brought in it that no exchange rate converts
    #: (each is a warning; the analytics leave them out of every total).
    unrated_currencies: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No file failed as a whole (rejected rows do not make a load fail)."""
        return all(f.error is None for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "ok": self.ok,
            "snapshot": self.snapshot,
            "record_source": self.record_source,
            "load_date": self.load_date,
            "files": [f.as_dict() for f in self.files],
            "totals": {
                "read": sum(f.read for f in self.files),
                "loaded": sum(f.loaded for f in self.files),
                "rejected": sum(f.rejected for f in self.files),
                "merged": sum(f.merged for f in self.files),
            },
            "rejects_path": self.rejects_path,
            "merges": [m.as_dict() for m in self.merges],
            "merges_path": self.merges_path,
            "warnings": len(self.warnings),
            "warnings_path": self.warnings_path,
            "unrated_currencies": dict(self.unrated_currencies),
        }

    def warn(self, file_report: FileReport, warning: LoadWarning) -> None:
        """Add ``warning`` on a loaded row of ``file_report``'s file, counting the row."""
        self.warnings.append(warning)
        file_report.count_warning(warning.line)

    def write_rejects(self, path: Path) -> Path:
        """Write the reject report as CSV (file, line, field, value, reason): one line per
        problem, so a row with several bad fields has a line for each."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["file", "line", "field", "value", "reason"])
            for r in self.rejects:
                for field_, value, reason in r.problems:
                    writer.writerow([r.file, r.line, field_, value, reason])
        self.rejects_path = str(path)
        return path

    def write_warnings(self, path: Path) -> Path:
        """Write the warnings as CSV (file, line, field, value, reason), as the rejects are."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["file", "line", "field", "value", "reason"])
            for w in self.warnings:
                writer.writerow([w.file, w.line, w.field, w.value, w.reason])
        self.warnings_path = str(path)
        return path

    def write_merges(self, path: Path) -> Path:
        """Write the merge report as CSV (kind, kept_id, merged_ids, rule, score, file, status);
        several merged ids are separated by ``;``, and status is ``merged`` or ``proposed``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["kind", "kept_id", "merged_ids", "rule", "score", "file", "status"])
            for m in self.merges:
                score = "" if m.score is None else f"{m.score:g}"
                status = "proposed" if m.proposed else "merged"
                row = [m.kind, m.kept_id, ";".join(m.merged_ids), m.rule, score, m.file, status]
                writer.writerow(row)
        self.merges_path = str(path)
        return path


class LoadObserver(Protocol):
    """Receives progress while a load runs (the CLI draws progress bars from it)."""

    def file_started(self, file: str) -> None: ...

    def rows_done(self, file: str, count: int) -> None: ...

    def file_finished(self, report: FileReport) -> None: ...


class NullObserver:
    """An observer that ignores everything."""

    def file_started(self, file: str) -> None:
        pass

    def rows_done(self, file: str, count: int) -> None:
        pass

    def file_finished(self, report: FileReport) -> None:
        pass
