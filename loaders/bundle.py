"""The native CSV bundle: a folder of UTF-8 CSV files, one per kind of record (see docs/bundle.md).

Files are read in order (companies first, wallet last) in chunks of ``batch_size`` rows, so memory
stays flat however large a file is. Each row is parsed and its references checked against what this
load has accepted and what the store already holds; a good row is written in the next batch, a bad
one becomes a :class:`~loaders.report.Reject`. A file missing a required column is refused whole,
before anything of it is written. Loading is idempotent: every record is upserted by its identity.
Accepted rows go through entity resolution (``loaders/resolve.py``), which writes a duplicate
company or person onto the record it duplicates. A row with an amount in a currency no exchange
rate converts is loaded with a warning (``loaders/currencies.py``), and so is a row with a value
the vocabulary of an optional descriptive field does not know (``loaders/vocabulary.py``).

Every record written is recorded as coming from the load's ``record_source`` (``bundle``, a
preset's name). A *snapshot* load declares each file a complete export of its kind from that
source: after the last file of a kind that can be retired
(:data:`~graph_service.domain.RETIRABLE_KINDS`), the records of that kind and source the files did
not have are retired as of the load date (:meth:`~graph_service.store.base.Store.retire`). What
"had" means: the identity of every row loaded (after entity resolution mapped it) and of every
row rejected whose identity can be read, so that a bad row never retires its record. A file that
fails as a whole retires nothing of its kind.

Every write is audited (:mod:`graph_service.audit`), by the operating system's user as a
``loader``: each batch with one ``load`` audit record (``{"rows": n, "source": s}``, ``s`` the
record source, else what was loaded), each retirement that retires anything with a ``retire``
record, and each merge with a ``merge`` record. Loading the same files again leaves the graph as
it was and adds the audit records of the new run: the trail is of loads, not of changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from graph_service.audit import direct_account_ids, load_changes, loader_actor, new_audit
from graph_service.domain import ENTITY_KINDS, RETIRABLE_KINDS, FxRate, Kind, Record, record_id
from graph_service.errors import InputFileError
from graph_service.store.base import Store
from loaders.csvfile import CsvFile, canonical_encoding, rejection
from loaders.currencies import RATES_FILE, UnratedAmounts
from loaders.cycles import CycleGuard
from loaders.parsing import Flagged
from loaders.report import (
    FileReport,
    LoadObserver,
    LoadReport,
    LoadWarning,
    Merge,
    NullObserver,
    Problem,
    Reject,
)
from loaders.resolve import EntityResolver
from loaders.tables import COLUMNS, Column, Rows, SourceTable, record_problem

_NOUNS: dict[Kind, str] = {
    Kind.COMPANIES: "company",
    Kind.BUSINESS_UNITS: "business unit",
    Kind.PEOPLE: "person",
    Kind.TEAM: "team member",
    Kind.DEALS: "deal",
}


class _Writer:
    """Writes batches on one background thread, one batch in flight, in the order given.

    While a batch is written the loader reads and checks the next one, so reading and writing
    overlap. :meth:`submit` first waits for the batch in flight (re-raising its error), and so
    does :meth:`drain`, which the loader calls before it reads the store and at the end of
    every file: reads see every write before them, and a file's writes are all done (durable)
    before the next file starts.
    """

    def __init__(
        self, store: Store, source: str | None = None, *, origin: str | None = None
    ) -> None:
        self._store = store
        self._source = source
        self._origin = source if source is not None else origin  # what audit records name
        self._actor = loader_actor()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="abmgraph-writer")
        self._in_flight: Future[None] | None = None

    def submit(self, kind: Kind, records: list[Record]) -> None:
        self.drain()
        if records:
            self._in_flight = self._pool.submit(self._upsert, kind, records)

    def _upsert(self, kind: Kind, records: list[Record]) -> None:
        audit = new_audit(
            actor=self._actor,
            actor_kind="loader",
            operation="load",
            kind=kind,
            entity_ids=[record_id(r) for r in records],
            account_ids=direct_account_ids(records),
            changes=load_changes(len(records), self._origin),
        )
        self._store.upsert(kind, records, source=self._source, audit=audit)

    def drain(self) -> None:
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            in_flight.result()

    def close(self) -> None:
        try:
            self.drain()
        finally:
            self._pool.shutdown(wait=True)


class _KnownIds:
    """Ids known to exist, per kind: accepted by this load, or found in the store (cached)."""

    def __init__(self, store: Store, writer: _Writer) -> None:
        self._store = store
        self._writer = writer
        self._known: dict[Kind, set[str]] = {k: set() for k in Kind}

    def add(self, kind: Kind, ids: set[str]) -> None:
        self._known[kind] |= ids

    def forget(self, kind: Kind, ids: set[str]) -> None:
        """Take back ids assumed known (the store is asked again if they are referenced)."""
        self._known[kind] -= ids

    def missing(self, kind: Kind, ids: set[str]) -> set[str]:
        unknown = ids - self._known[kind]
        if unknown:
            self._writer.drain()
            found = self._store.existing_ids(kind, unknown)
            self._known[kind] |= found
            unknown -= found
        return unknown


class Resolver(Protocol):
    """Entity resolution hook: maps each accepted record onto its surviving identity.

    The loader checks a row's references through :meth:`ref` (a reference to a merged id is a
    reference to its survivor), hands each row that passes to :meth:`map` in file order and
    writes what it returns, and calls :meth:`finish` once after the last table.
    """

    def begin(self, table: SourceTable) -> None:
        """Called before a table's rows are loaded (may read the table once more)."""

    def ref(self, kind: Kind, id_: str) -> str:
        """The id a reference to ``id_`` (a record of ``kind``) resolves to."""
        ...

    def map(self, kind: Kind, record: Record) -> Record:
        """The record to write: ``record`` itself, or with its id and references remapped.

        May raise ``ValueError`` (with optional ``field`` and ``value`` attributes) to reject
        a row that resolution makes meaningless.
        """
        ...

    def finish(self) -> list[Merge]:
        """Complete the load's merges in the store; the merges, for the report."""
        ...


class IdentityResolver:
    """Resolves nothing: every record is its own identity."""

    def begin(self, table: SourceTable) -> None:
        pass

    def ref(self, kind: Kind, id_: str) -> str:
        return id_

    def map(self, kind: Kind, record: Record) -> Record:
        return record

    def finish(self) -> list[Merge]:
        return []


def bundle_tables(bundle_dir: Path, encoding: str | None = None) -> list[SourceTable]:
    """The tables of a native bundle folder, in load order; absent files are skipped, but a
    folder with none of them (or an empty one) is refused with :class:`InputFileError`.

    ``encoding``: ``None`` (UTF-8, the bundle contract), ``"auto"`` or a codec; see
    :class:`loaders.csvfile.CsvFile`.
    """
    bundle_dir = Path(bundle_dir)
    canonical_encoding(encoding)  # an unknown encoding fails before anything is read
    if not bundle_dir.is_dir():
        raise InputFileError(str(bundle_dir), "not a directory")
    tables = []
    for kind in Kind:
        path = bundle_dir / f"{kind.value}.csv"
        if path.exists():
            tables.append(
                SourceTable(
                    kind=kind,
                    name=path.name,
                    read_header=lambda path=path: read_header(path, encoding),  # type: ignore[misc]
                    read_rows=lambda path=path: read_rows(path, encoding),  # type: ignore[misc]
                )
            )
    if not tables:
        expected = ", ".join(f"{kind.value}.csv" for kind in Kind)
        raise InputFileError(str(bundle_dir), f"no bundle files here (expected {expected})")
    return tables


def load_bundle(
    bundle_dir: Path,
    store: Store,
    *,
    batch_size: int = 5000,
    observer: LoadObserver | None = None,
    resolver: Resolver | None = None,
    encoding: str | None = None,
    reporting_currency: str | None = None,
    record_source: str = "bundle",
    snapshot: bool = False,
    load_date: date | None = None,
) -> LoadReport:
    """Load every file of a native bundle present in ``bundle_dir`` into ``store``.

    Returns the report; files that are absent are skipped. Never raises for bad data: a file that
    cannot be read at all is reported with its ``error`` and nothing of it is written. Raises
    :class:`InputFileError` only when ``bundle_dir`` is not a folder holding a bundle file.
    ``record_source``, ``snapshot`` and ``load_date``: see :func:`load_tables`.
    """
    return load_tables(
        bundle_tables(bundle_dir, encoding),
        store,
        source=str(bundle_dir),
        record_source=record_source,
        snapshot=snapshot,
        load_date=load_date,
        batch_size=batch_size,
        observer=observer,
        resolver=resolver,
        reporting_currency=reporting_currency,
    )


def load_tables(
    tables: Iterable[SourceTable],
    store: Store,
    *,
    source: str,
    batch_size: int = 5000,
    observer: LoadObserver | None = None,
    resolver: Resolver | None = None,
    reporting_currency: str | None = None,
    rates_file: str = RATES_FILE,
    record_source: str | None = None,
    snapshot: bool = False,
    load_date: date | None = None,
) -> LoadReport:
    """Validate and write ``tables`` (in the order given: referenced kinds first).

    Each row is parsed by the bundle's column rules (:data:`COLUMNS`), its references are checked
    against this load and the store, and it is either written in a batch or rejected with its
    reason; a table that cannot be read at all is reported with its ``error``. Duplicates are
    merged by ``resolver``, by default entity resolution without overrides
    (:class:`loaders.resolve.EntityResolver`); pass :class:`IdentityResolver` to merge nothing.

    After the last table, every loaded row with an amount in a currency that no rate converts
    (the load's rates, the store's, the base currency resolved with ``reporting_currency`` as the
    configured one) gets a warning whose reason says that ``rates_file`` can give the rate.

    Records are written as coming from ``record_source`` (``None``: unknown, never retired).
    With ``snapshot``, each table is a complete export of its kind from ``record_source``: what
    the store holds of a retirable kind from that source and the load's tables of that kind did
    not have is retired as of ``load_date`` (default today), counted on the last table of the
    kind (see the module docstring).
    """
    if snapshot and record_source is None:
        raise ValueError("a snapshot load needs the source its files are complete exports of")
    observer = observer or NullObserver()
    if resolver is None:
        resolver = EntityResolver(store)
    on = load_date or date.today()
    report = LoadReport(
        source=source, snapshot=snapshot, record_source=record_source, load_date=on.isoformat()
    )
    writer = _Writer(store, record_source, origin=source)
    known = _KnownIds(store, writer)
    unrated = UnratedAmounts()
    cycles = CycleGuard(store, before_read=writer.drain)
    store.ensure_schema()
    tables = list(tables)
    last_of_kind = {t.kind: i for i, t in enumerate(tables)}
    present: dict[Kind, set[str]] = {}
    failed: set[Kind] = set()
    try:
        for i, table in enumerate(tables):
            retiring = snapshot and table.kind in RETIRABLE_KINDS
            seen = present.setdefault(table.kind, set()) if retiring else None
            _load_file(
                table, writer, known, batch_size, report, observer, resolver, unrated, cycles, seen
            )
            if report.files[-1].error is not None:
                failed.add(table.kind)
            if seen is not None and last_of_kind[table.kind] == i:
                writer.drain()
                if table.kind not in failed:
                    assert record_source is not None
                    audit = new_audit(
                        actor=loader_actor(),
                        actor_kind="loader",
                        operation="retire",
                        kind=table.kind,
                    )
                    report.files[-1].retired = store.retire(
                        table.kind, record_source, seen, on, audit=audit
                    )
    finally:
        writer.close()
    report.merges = resolver.finish()
    unrated.warn(report, store, configured=reporting_currency, rates_file=rates_file)
    return report


def _load_file(
    table: SourceTable,
    writer: _Writer,
    known: _KnownIds,
    batch_size: int,
    report: LoadReport,
    observer: LoadObserver,
    resolver: Resolver,
    unrated: UnratedAmounts,
    cycles: CycleGuard,
    present: set[str] | None,
) -> None:
    observer.file_started(table.name)
    file_report = FileReport(file=table.name)
    first_reject = len(report.rejects)
    try:
        try:
            _load_table(
                table,
                writer,
                known,
                batch_size,
                file_report,
                report,
                observer,
                resolver,
                unrated,
                cycles,
                present,
            )
        finally:
            writer.drain()
    except InputFileError as exc:
        file_report.error = str(exc)
    # A file's rejects in line order (format problems and unknown references are found at
    # different times), their fields named as in the source file.
    names = table.source_columns or {}
    report.rejects[first_reject:] = sorted(
        (r.renamed(names) for r in report.rejects[first_reject:]), key=lambda r: r.line
    )
    report.files.append(file_report)
    observer.file_finished(file_report)


def _load_table(
    table: SourceTable,
    writer: _Writer,
    known: _KnownIds,
    batch_size: int,
    file_report: FileReport,
    report: LoadReport,
    observer: LoadObserver,
    resolver: Resolver,
    unrated: UnratedAmounts,
    cycles: CycleGuard,
    present: set[str] | None,
) -> None:
    """Load one table; ``present`` (in a snapshot) gets the identity of every row it has, loaded
    or rejected."""
    kind = table.kind
    columns = COLUMNS[kind]
    header = table.read_header()
    missing = [c.name for c in columns if c.required and c.name not in header]
    if missing:
        raise InputFileError(table.name, "required column is missing", column=missing[0])
    file_report.extra_columns = [h for h in header if h not in {c.name for c in columns}]
    id_column = next((c for c in columns if c.field == "id"), None)
    forward: set[str] = set()
    written: set[str] = set()
    if id_column is not None and any(c.ref is kind for c in columns):
        # A file may refer forward to its own later rows (a parent listed after its child):
        # the ids of its rows that parse are known before any row is checked. Those of rows
        # then rejected are taken back after the file, so that later files cannot refer to them.
        forward = _parseable_ids(table, columns, id_column)
        known.add(kind, forward)
    resolver.begin(table)
    record_type = kind.record_type
    batch: list[tuple[int, Record | dict[str, Any], list[Problem]]] = []
    flagged: dict[int, list[LoadWarning]] = {}  # line -> warnings, once the row is loaded
    rate_ranges = _RateRanges(table.name)
    supersedes = _Superseded(table, id_column, report, file_report)

    def ref(id_: str) -> str:
        return resolver.ref(kind, id_)

    def pending(id_: str) -> bool:  # a row further down this file, not loaded yet
        return id_ in forward and id_ not in written

    def flush() -> None:
        accepted = _check_refs(batch, known, table.name, columns, report, file_report, resolver)
        records = []
        for line, record in accepted:
            if cycle := cycles.check(kind, record, table.name, line, ref, pending):
                report.rejects.append(cycle)
                file_report.rejected += 1
                continue
            try:
                mapped = resolver.map(kind, record)
            except ValueError as exc:
                field, value = getattr(exc, "field", ""), getattr(exc, "value", "")
                report.rejects.append(Reject(table.name, line, field, value, str(exc)))
                file_report.rejected += 1
                continue
            if id_column is not None and mapped.id != record.id:
                file_report.merged += 1
            supersedes.check(line, record)
            if forward:
                written.add(record.id)
            cycles.add(kind, mapped)
            records.append(mapped)
            if present is not None:
                present.add(record_id(mapped))
            if getattr(mapped, "retired_at", None) is not None:
                file_report.deleted += 1
            for warning in flagged.get(line, ()):
                report.warn(file_report, warning)
            unrated.note(file_report, line, mapped, table.source_columns)
        writer.submit(kind, records)
        if id_column is not None:
            known.add(kind, {r.id for r in records})
        file_report.loaded += len(records)
        observer.rows_done(table.name, len(batch))
        batch.clear()
        flagged.clear()

    try:
        for line, row in table.read_rows():
            file_report.read += 1
            parsed, problems = _parse_row(row, columns)
            if present is not None and (
                identity := _row_identity(kind, parsed, row, columns, resolver)
            ):
                present.add(identity)  # a row rejected later still has its record
            if problems:
                # Checked in the batch all the same, so that the reject lists bad references too.
                batch.append((line, parsed, problems))
            else:
                if warnings := _unflag(parsed, row, columns, table, line):
                    flagged[line] = warnings
                record = record_type(**parsed)
                if isinstance(record, FxRate) and (reject := rate_ranges.check(line, record)):
                    report.rejects.append(reject)
                    file_report.rejected += 1
                    continue
                if (problem := record_problem(record)) is not None:
                    report.rejects.append(Reject(table.name, line, *problem))
                    file_report.rejected += 1
                    continue
                batch.append((line, record, []))
            if len(batch) >= batch_size:
                flush()
    finally:
        # Rows read before a file error mid-way are written, so read = loaded + rejected
        # still holds and the error names where reading stopped.
        if batch:
            flush()
        known.forget(kind, forward - written)


class _Superseded:
    """Warns of a row with the same identity as an earlier row of its file: the later row
    replaces the earlier one in the store (both count as loaded), and the warning says which
    line superseded which."""

    def __init__(
        self,
        table: SourceTable,
        id_column: Column | None,
        report: LoadReport,
        file_report: FileReport,
    ) -> None:
        self._table = table
        names = table.source_columns or {}
        self._field = names.get(id_column.name, id_column.name) if id_column else ""
        self._report = report
        self._file_report = file_report
        self._lines: dict[str, int] = {}

    def check(self, line: int, record: Record) -> None:
        earlier = self._lines.get(record.id)
        self._lines[record.id] = line
        if earlier is None:
            return
        what = f"the same {self._field}" if self._field else "the same identity"
        self._report.warn(
            self._file_report,
            LoadWarning(
                self._table.name,
                line,
                self._field,
                record.id,
                f"line {earlier} has {what}: this row supersedes line {earlier}",
            ),
        )


class _RateRanges:
    """The dated rates of one file per currency: a range must end after it starts and must not
    overlap another range of its currency (which rate would apply on a day both cover?)."""

    def __init__(self, file: str) -> None:
        self._file = file
        self._seen: dict[str, list[tuple[int, date, date]]] = {}

    def check(self, line: int, rate: FxRate) -> Reject | None:
        if rate.valid_from is None:
            if rate.valid_to is not None:
                return Reject(
                    self._file, line, "valid_from", "", "a rate with valid_to needs a valid_from"
                )
            return None
        end = rate.valid_to or date.max
        if end <= rate.valid_from:
            return Reject(
                self._file,
                line,
                "valid_to",
                end.isoformat(),
                f"valid_to must be after valid_from ({rate.valid_from.isoformat()})",
            )
        ranges = self._seen.setdefault(rate.currency, [])
        for other_line, start, other_end in ranges:
            if rate.valid_from < other_end and start < end:
                return Reject(
                    self._file,
                    line,
                    "valid_from",
                    rate.valid_from.isoformat(),
                    f"the dated {rate.currency} rate overlaps the one on line {other_line}",
                )
        ranges.append((line, rate.valid_from, end))
        return None


def _row_identity(
    kind: Kind,
    values: dict[str, Any],
    row: dict[str, str | None],
    columns: tuple[Column, ...],
    resolver: Resolver,
) -> str | None:
    """The identity of the record a row is about, its references resolved, as far as the row
    gives it (None when it does not): an entity's id even when other cells are bad."""
    if kind in ENTITY_KINDS:
        id_column = next(c for c in columns if c.field == "id")
        raw = values.get("id") or (row.get(id_column.name) or "").strip()
        return resolver.ref(kind, raw) if isinstance(raw, str) and raw else None
    fields = {c.field: values[c.field] for c in columns if values.get(c.field) is not None}
    for c in columns:
        if c.ref is not None and isinstance(fields.get(c.field), str):
            fields[c.field] = resolver.ref(c.ref, fields[c.field])
    try:
        return record_id(kind.record_type(**fields))
    except (TypeError, ValueError):
        return None


def _parseable_ids(table: SourceTable, columns: tuple[Column, ...], id_column: Column) -> set[str]:
    ids = set()
    for _, row in table.read_rows():
        parsed, problems = _parse_row(row, columns)
        if not problems:
            ids.add(parsed[id_column.field])
    return ids


def _check_refs(
    batch: list[tuple[int, Record | dict[str, Any], list[Problem]]],
    known: _KnownIds,
    file: str,
    columns: tuple[Column, ...],
    report: LoadReport,
    file_report: FileReport,
    resolver: Resolver,
) -> list[tuple[int, Record]]:
    """The rows that parsed and whose references all exist (a merged id standing for its
    survivor); the others become rejects, each listing every bad field of its row (format
    problems and unknown references, in column order)."""
    refs = [c for c in columns if c.ref is not None]
    wanted: dict[Kind, set[str]] = {}
    for _, record, _ in batch:
        for c in refs:
            if (v := _field(record, c.field)) is not None:
                wanted.setdefault(c.ref, set()).add(resolver.ref(c.ref, v))  # type: ignore[arg-type]
    unknown = {kind: known.missing(kind, ids) for kind, ids in wanted.items()}
    order = {c.name: i for i, c in enumerate(columns)}
    accepted = []
    for line, record, problems in batch:
        for c in refs:
            v = _field(record, c.field)
            if v is not None and resolver.ref(c.ref, v) in unknown[c.ref]:  # type: ignore[arg-type, index]
                noun = _NOUNS[c.ref] if c.ref else "referenced"
                problems.append((c.name, str(v), f"unknown {noun} id {str(v)!r}"))
        if not problems:
            assert not isinstance(record, dict)  # a row that did not parse has problems
            accepted.append((line, record))
            continue
        problems.sort(key=lambda p: order.get(p[0], -1))
        report.rejects.append(Reject.of(file, line, problems))
        file_report.rejected += 1
    return accepted


def _unflag(
    values: dict[str, Any],
    row: dict[str, str | None],
    columns: tuple[Column, ...],
    table: SourceTable,
    line: int,
) -> list[LoadWarning]:
    """Put the values of flagged cells into ``values`` (an empty one is left out) and return
    the warnings they carry, naming the source's column."""
    warnings = []
    names = table.source_columns or {}
    for column in columns:
        cell = values.get(column.field)
        if not isinstance(cell, Flagged):
            continue
        if cell.value is None:
            del values[column.field]
        else:
            values[column.field] = cell.value
        raw = (row.get(column.name) or "").strip()
        field = names.get(column.name, column.name)
        warnings.append(LoadWarning(table.name, line, field, raw, cell.reason))
    return warnings


def _field(record: Record | dict[str, Any], name: str) -> Any:
    if isinstance(record, dict):
        return record.get(name)
    return getattr(record, name)


def _parse_row(
    row: dict[str, str | None], columns: tuple[Column, ...]
) -> tuple[dict[str, Any], list[Problem]]:
    """The row's record fields that parse, and every problem of the row: (field, value,
    reason) for each required value that is empty and each cell that does not parse (none when
    the row can be loaded)."""
    values: dict[str, Any] = {}
    if (asked := rejection(row)) is not None:
        return values, [asked]
    if None in row:
        return values, [("", "", "more cells than the header has columns")]
    problems: list[Problem] = []
    for column in columns:
        raw = (row.get(column.name) or "").strip()
        if not raw:
            if column.required:
                problems.append((column.name, "", "required value is empty"))
            continue
        try:
            values[column.field] = column.parse(raw)
        except ValueError as exc:
            problems.append((column.name, raw, str(exc)))
    return values, problems


def read_header(path: Path, encoding: str | None = None) -> list[str]:
    """The stripped column names of a CSV file; UTF-8 (a BOM is allowed) unless ``encoding``
    says otherwise (``"auto"`` or a codec, see :class:`loaders.csvfile.CsvFile`)."""
    return CsvFile(path, encoding).header()


def _column_values(rows: Rows, name: str) -> set[str]:
    return {v for _, row in rows if (v := (row.get(name) or "").strip())}


def read_rows(path: Path, encoding: str | None = None) -> Rows:
    """Data rows of a CSV file with the 1-based line each starts on (see :func:`read_header`)."""
    return CsvFile(path, encoding).rows()
