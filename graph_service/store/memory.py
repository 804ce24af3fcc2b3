"""The embedded store: the account graph in process on networkx, durable in a data directory.

Durability: every ``upsert`` batch is appended to a journal (one JSON line) and fsynced before
it is applied and acknowledged, so a crash loses nothing that was acknowledged; a torn last line
(a crash mid-write) is ignored on the next open. A write's audit record is on its journal line,
so the two are durable together. Writes are serialized by one lock in the process (what makes
``create`` atomic). The journal is folded into a snapshot when a
writer opens or closes the store. Files in the data directory::

    snapshot.jsonl     {"format": 1, "generation": G} then one {"kind", "rows"} line per kind,
                       one {"aliases", "map"} line per kind with merged ids, one
                       {"sources", "map"} line per kind with recorded sources (id -> source)
                       and one {"audit"} line per audit record, oldest written first (a
                       snapshot without audit lines, as older versions wrote, has none)
    journal-G.jsonl    batches ({"kind", "rows"}, with "source" when one was given; a
                       retirement is the batch of the records it retired) and merges
                       ({"merge", "survivor", "merged"}) written since that snapshot, each
                       with the "audit" record of its write on the same line when it has one
    write.lock         held by the one process that may write

Only one process may open a data directory for writing (a second gets
:class:`~graph_service.errors.StoreLockedError`); any number may open it read-only, which is how
``abmgraph query`` and ``abmgraph stats`` read a directory a running service holds.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import filelock
import networkx as nx

from graph_service.as_of import is_current
from graph_service.audit import (
    AuditFilter,
    AuditPage,
    AuditRecord,
    audit_from_row,
    audit_to_row,
    newest_first,
    retirement,
)
from graph_service.domain import (
    ALL_SECTIONS,
    RETIRABLE_KINDS,
    AccessRole,
    AccountFacts,
    AccountFilter,
    AccountPage,
    AccountSections,
    AccountTeamMember,
    AccountView,
    BusinessUnit,
    BuyingRole,
    Company,
    Deal,
    DealContact,
    FxRate,
    GraphStats,
    Kind,
    NextAction,
    PathSubgraph,
    Person,
    Record,
    Relationship,
    ResolutionRecords,
    Scope,
    TeamMember,
    Touch,
    WalletEstimate,
    from_row,
    record_id,
    to_json_row,
)
from graph_service.errors import StoreLockedError, StoreUnavailableError
from graph_service.money import Rates
from graph_service.store.family import family_views
from graph_service.store.sections import within
from graph_service.store.view_facts import facts_from_view

FORMAT = 1
NodeKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class _Link:
    """A single-valued reference of a node record, drawn as an edge from the record's node."""

    field: str
    rel_type: str
    target: str
    stub: bool = False  # create the target as a bare node (a reference within the same kind)


_NODE_LINKS: dict[Kind, tuple[_Link, ...]] = {
    Kind.COMPANIES: (_Link("parent_company_id", "SUBSIDIARY_OF", "Company", stub=True),),
    Kind.BUSINESS_UNITS: (
        _Link("company_id", "PART_OF", "Company"),
        _Link("parent_bu_id", "CHILD_OF", "BusinessUnit", stub=True),
    ),
    Kind.PEOPLE: (
        _Link("company_id", "WORKS_AT", "Company"),
        _Link("bu_id", "IN_UNIT", "BusinessUnit"),
        _Link("reports_to", "REPORTS_TO", "Person", stub=True),
    ),
    Kind.TEAM: (_Link("manager_id", "REPORTS_TO", "TeamMember", stub=True),),
    Kind.DEALS: (
        _Link("company_id", "FOR", "Company"),
        _Link("bu_id", "IN_UNIT", "BusinessUnit"),
        _Link("owner_id", "OWNED_BY", "TeamMember"),
    ),
    Kind.TOUCHES: (
        _Link("member_id", "BY", "TeamMember"),
        _Link("person_id", "WITH", "Person"),
        _Link("deal_id", "ABOUT", "Deal"),
    ),
    Kind.NEXT_ACTIONS: (
        _Link("company_id", "FOR", "Company"),
        _Link("member_id", "ASSIGNED_TO", "TeamMember"),
        _Link("person_id", "WITH", "Person"),
    ),
    Kind.WALLET: (
        _Link("company_id", "OF", "Company"),
        _Link("bu_id", "IN_UNIT", "BusinessUnit"),
    ),
    Kind.FX_RATES: (),
}

_LABELS: dict[Kind, str] = {
    Kind.COMPANIES: "Company",
    Kind.BUSINESS_UNITS: "BusinessUnit",
    Kind.PEOPLE: "Person",
    Kind.TEAM: "TeamMember",
    Kind.DEALS: "Deal",
    Kind.TOUCHES: "Touch",
    Kind.NEXT_ACTIONS: "NextAction",
    Kind.WALLET: "WalletEstimate",
    Kind.FX_RATES: "FxRate",
}

_KIND_OF_LABEL: dict[str, Kind] = {label: kind for kind, label in _LABELS.items()}

#: The kinds entity resolution merges (:meth:`MemoryStore.merge_into`).
_MERGED_KINDS: tuple[Kind, ...] = (Kind.COMPANIES, Kind.PEOPLE)

#: Fields of relationship records that refer to a company or a person.
_EDGE_REFS: dict[Kind, tuple[tuple[str, Kind], ...]] = {
    Kind.BUYING_ROLES: (("person_id", Kind.PEOPLE),),
    Kind.RELATIONSHIPS: (("from_person_id", Kind.PEOPLE), ("to_person_id", Kind.PEOPLE)),
    Kind.ACCOUNT_TEAM: (("company_id", Kind.COMPANIES),),
    Kind.DEAL_CONTACTS: (("person_id", Kind.PEOPLE),),
}


_F = TypeVar("_F", bound=Callable[..., Any])


def _one_at_a_time(method: _F) -> _F:
    """A read under the store's lock: the service reads from several threads (GraphQL's
    worker, the drawings' and exports' thread pool) while a mutation may be writing, and a
    read must never see a write half applied (or iterate a dict as it changes)."""

    @functools.wraps(method)
    def locked(self: MemoryStore, *args: Any, **kwargs: Any) -> Any:
        with self._write_lock:
            return method(self, *args, **kwargs)

    return locked  # type: ignore[return-value]


class MemoryStore:
    """The embedded store (see the module docstring for durability and locking)."""

    def __init__(self, data_dir: Path, *, read_only: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        self._lock: filelock.BaseFileLock | None = None
        self._journal: Any = None
        self._generation = 0
        self._instance = uuid.uuid4().hex
        self._writes = 0
        self._graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._records: dict[Kind, dict[str, Record]] = {k: {} for k in Kind}
        self._aliases: dict[Kind, dict[str, str]] = {k: {} for k in _MERGED_KINDS}
        self._origins: dict[Kind, dict[str, str]] = {k: {} for k in Kind}  # id -> source
        self._audit: dict[str, AuditRecord] = {}  # by id, in the order written
        self._write_lock = threading.RLock()
        if read_only:
            if not self.data_dir.exists():
                return
            self._load_consistent()
            return
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailableError(
                f"cannot create data directory {self.data_dir}: {exc}"
            ) from exc
        self._lock = filelock.FileLock(str(self.data_dir / "write.lock"))
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            raise StoreLockedError(
                f"the data directory {self.data_dir} is in use by another abmgraph process "
                "(a running service or load); stop it first, or use another --data-dir"
            ) from None
        self._load()
        self._compact()
        self._open_journal()

    # -- persistence ---------------------------------------------------------------------------

    @property
    def _snapshot_path(self) -> Path:
        return self.data_dir / "snapshot.jsonl"

    def _journal_path(self, generation: int) -> Path:
        return self.data_dir / f"journal-{generation}.jsonl"

    def _load_consistent(self) -> None:
        """Read-only load that tolerates a writer compacting at the same moment."""
        for _ in range(5):
            try:
                self._load()
                return
            except FileNotFoundError:
                self._graph = nx.MultiDiGraph()
                self._records = {k: {} for k in Kind}
                self._aliases = {k: {} for k in _MERGED_KINDS}
                self._origins = {k: {} for k in Kind}
                self._audit = {}
        raise StoreUnavailableError(f"the data directory {self.data_dir} keeps changing; retry")

    def _load(self) -> None:
        generation = 0
        if self._snapshot_path.exists():
            with self._snapshot_path.open(encoding="utf-8") as fh:
                header = json.loads(fh.readline())
                if header.get("format") != FORMAT:
                    raise StoreUnavailableError(
                        f"{self._snapshot_path}: unsupported store format {header.get('format')}"
                    )
                generation = int(header["generation"])
                for line in fh:
                    self._apply_entry(json.loads(line))
        journal = self._journal_path(generation)
        if generation > 0 and not journal.exists() and self.read_only:
            raise FileNotFoundError(journal)
        if journal.exists():
            for entry in _read_journal(journal):
                self._apply_entry(entry)
        self._generation = generation

    def _apply_entry(self, entry: dict[str, Any]) -> None:
        if (audit := entry.get("audit")) is not None:
            record = audit_from_row(audit)
            self._audit[record.id] = record
            if len(entry) == 1:  # a snapshot's audit line
                return
        if "merge" in entry:
            self._merge(Kind(entry["merge"]), entry["survivor"], entry["merged"])
            return
        if "aliases" in entry:
            self._aliases[Kind(entry["aliases"])].update(entry["map"])
            return
        if "sources" in entry:
            self._origins[Kind(entry["sources"])].update(entry["map"])
            return
        kind = Kind(entry["kind"])
        cls = kind.record_type
        records = [from_row(cls, row) for row in entry["rows"]]
        self._apply(kind, records)
        if (source := entry.get("source")) is not None:
            self._record_source(kind, records, source)

    def _compact(self) -> None:
        """Fold the journal into a new snapshot generation (writer only).

        Skipped when the journal is empty; otherwise it also drops a torn last line, so that
        later appends never follow one.
        """
        journal = self._journal_path(self._generation)
        if self._snapshot_path.exists() and journal.exists() and journal.stat().st_size == 0:
            return
        new = self._generation + 1
        tmp = self.data_dir / "snapshot.jsonl.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(json.dumps({"format": FORMAT, "generation": new}) + "\n")
            for kind in Kind:
                rows = [to_json_row(r) for r in self._records[kind].values()]
                if rows:
                    fh.write(json.dumps({"kind": kind.value, "rows": rows}, ensure_ascii=False))
                    fh.write("\n")
            for kind, aliases in self._aliases.items():
                if aliases:
                    line = {"aliases": kind.value, "map": aliases}
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            for kind, origins in self._origins.items():
                kept = {i: o for i, o in origins.items() if i in self._records[kind]}
                if kept:
                    line = {"sources": kind.value, "map": kept}
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            for audit in self._audit.values():
                fh.write(json.dumps({"audit": audit_to_row(audit)}, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self._journal_path(new).touch()
        os.replace(tmp, self._snapshot_path)
        _fsync_dir(self.data_dir)
        self._generation = new
        for stale in self.data_dir.glob("journal-*.jsonl"):
            if stale != self._journal_path(new):
                stale.unlink()

    def _open_journal(self) -> None:
        self._journal = self._journal_path(self._generation).open("a", encoding="utf-8")

    # -- Store protocol ------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Nothing to create: identity is the record key."""

    def upsert(
        self,
        kind: Kind,
        records: Sequence[Record],
        *,
        source: str | None = None,
        audit: AuditRecord | None = None,
    ) -> None:
        self._check_writable()
        if not records:
            return
        entry: dict[str, Any] = {"kind": kind.value, "rows": [to_json_row(r) for r in records]}
        if source is not None and kind in RETIRABLE_KINDS:  # the others are never retired
            entry["source"] = source
        with self._write_lock:
            self._append(entry, audit)
            self._apply(kind, records)
            if "source" in entry:
                self._record_source(kind, records, entry["source"])
            self._audited(audit)

    def retire(
        self,
        kind: Kind,
        source: str,
        keep_ids: Collection[str],
        on: date,
        *,
        audit: AuditRecord | None = None,
    ) -> int:
        _check_retirable(kind)
        keep = set(keep_ids)
        with self._write_lock:
            have = self._records[kind]
            retired = sorted(
                (
                    dataclasses.replace(r, retired_at=on)  # type: ignore[arg-type]
                    for rid, src in self._origins[kind].items()
                    if src == source
                    and rid not in keep
                    and (r := have.get(rid)) is not None
                    and getattr(r, "retired_at", None) is None
                ),
                key=record_id,
            )
            if audit is not None and retired:
                audit = retirement(audit, [record_id(r) for r in retired], on)
            self.upsert(kind, retired, audit=audit)  # journalled as the batch of retired records
        return len(retired)

    def create(self, kind: Kind, record: Record, *, audit: AuditRecord) -> bool:
        _check_node_kind(kind)
        self._check_writable()
        with self._write_lock:
            if record_id(record) in self._records[kind]:
                return False
            self.upsert(kind, [record], audit=audit)
            return True

    @_one_at_a_time
    def record(self, kind: Kind, record_id: str) -> Record | None:
        record = self._records[kind].get(record_id)
        if record is None or kind in _LABELS or self._edge_held(record):
            return record
        return None  # a relationship record whose ends did not exist: never drawn

    def _edge_held(self, record: Record) -> bool:
        """Whether the graph holds the edge of a relationship record (see ``_apply_edge``)."""
        rid = record_id(record)
        source: NodeKey
        if isinstance(record, BuyingRole | DealContact):
            source = ("Person", record.person_id)
        elif isinstance(record, Relationship):
            source = ("Person", record.from_person_id)
        elif isinstance(record, AccountTeamMember):
            source = ("TeamMember", record.member_id)
        else:  # pragma: no cover - every edge kind is handled above
            return False
        if source not in self._graph:
            return False
        return any(r == rid for _, _, r in self._graph.out_edges(source, data="rid"))

    @_one_at_a_time
    def company_of(self, kind: Kind, record_id: str) -> str | None:
        record = self.record(kind, record_id)
        if record is None:
            return None
        company_id: str | None
        if isinstance(record, Company):
            company_id = record.id
        elif isinstance(record, Touch | BuyingRole):
            return self.company_of(Kind.PEOPLE, record.person_id)
        elif isinstance(record, DealContact):
            return self.company_of(Kind.DEALS, record.deal_id)
        elif isinstance(
            record,
            BusinessUnit | Person | Deal | NextAction | WalletEstimate | AccountTeamMember,
        ):
            company_id = record.company_id
        else:  # team members, ties, rates
            return None
        return company_id if ("Company", company_id) in self._graph else None

    @_one_at_a_time
    def audit_log(self, where: AuditFilter, *, first: int, after: str | None) -> AuditPage:
        matched = sorted(
            (a for a in self._audit.values() if where.matches(a)), key=newest_first, reverse=True
        )
        rest = matched
        if after is not None:
            cursor = self._audit.get(after)
            if cursor is None:
                raise ValueError(f"no audit record {after!r} to page after")
            rest = [a for a in matched if newest_first(a) < newest_first(cursor)]
        return AuditPage(records=rest[:first], has_next=len(rest) > first, total=len(matched))

    def _check_writable(self) -> None:
        if self.read_only or self._journal is None:
            raise StoreUnavailableError(f"the store at {self.data_dir} is open read-only")

    def _append(self, entry: dict[str, Any], audit: AuditRecord | None) -> None:
        """Append one journal line (with the write's audit record) and fsync it."""
        if audit is not None:
            entry = {**entry, "audit": audit_to_row(audit)}
        self._journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._journal.flush()
        os.fsync(self._journal.fileno())

    def _audited(self, audit: AuditRecord | None) -> None:
        """After a write is applied: keep its audit record and move the data version on."""
        if audit is not None:
            self._audit[audit.id] = audit
        self._writes += 1

    def _record_source(self, kind: Kind, records: Sequence[Record], source: str) -> None:
        origins = self._origins[kind]
        for record in records:
            origins[record_id(record)] = source

    @_one_at_a_time
    def existing_ids(self, kind: Kind, ids: Collection[str]) -> set[str]:
        have = self._records[kind]
        return {i for i in ids if i in have}

    @_one_at_a_time
    def resolution_records(self, kind: Kind) -> ResolutionRecords:
        _check_merged_kind(kind)
        have = self._records[kind]
        aliases = {m: s for m, s in self._aliases[kind].items() if m not in have}
        return ResolutionRecords(records=[have[i] for i in sorted(have)], aliases=aliases)

    def merge_into(
        self,
        kind: Kind,
        survivor_id: str,
        merged_ids: Sequence[str],
        *,
        audit: AuditRecord | None = None,
    ) -> None:
        _check_merged_kind(kind)
        self._check_writable()
        with self._write_lock:
            if survivor_id not in self._records[kind]:
                raise ValueError(f"no {_LABELS[kind]} {survivor_id!r} to merge into")
            merged = [m for m in dict.fromkeys(merged_ids) if m != survivor_id]
            if not merged:
                return
            entry = {"merge": kind.value, "survivor": survivor_id, "merged": merged}
            self._append(entry, audit)
            self._merge(kind, survivor_id, merged)
            self._audited(audit)

    @_one_at_a_time
    def fx_rates(self) -> list[FxRate]:
        rates = [r for r in self._records[Kind.FX_RATES].values() if isinstance(r, FxRate)]
        return sorted(rates, key=_rate_order)

    @_one_at_a_time
    def stats(self) -> GraphStats:
        nodes = Counter(label for _, label in self._graph.nodes(data="label"))
        rels = Counter(t for _, _, t in self._graph.edges(data="type"))
        return GraphStats(nodes=dict(nodes), relationships=dict(rels))

    def ping(self) -> None:
        if not self.read_only and self._journal is None:
            raise StoreUnavailableError("the store is closed")

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
            self._compact()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @_one_at_a_time
    def visible_company_ids(self, scope: Scope) -> frozenset[str] | None:
        if scope.sees_everything or scope.member_id is None:
            return None
        start: NodeKey = ("TeamMember", scope.member_id)
        members = [start] if start in self._graph else []
        if scope.role is AccessRole.MANAGER:  # down the team hierarchy, a loop read once
            seen = set(members)
            i = 0
            while i < len(members):
                for src, _, t in self._graph.in_edges(members[i], data="type"):
                    if t == "REPORTS_TO" and src[0] == "TeamMember" and src not in seen:
                        seen.add(src)
                        members.append(src)
                i += 1
        companies: list[NodeKey] = []
        for member in members:
            for _, company, data in self._graph.out_edges(member, data=True):
                if data["type"] != "ON_ACCOUNT_TEAM":
                    continue
                assignment = self._records[Kind.ACCOUNT_TEAM].get(data["rid"])
                if isinstance(assignment, AccountTeamMember) and assignment.retired_at is None:
                    companies.append(company)
        reached = set(companies)
        i = 0
        while i < len(companies):  # the subsidiary trees below them
            for src, _, t in self._graph.in_edges(companies[i], data="type"):
                if t == "SUBSIDIARY_OF" and src not in reached:
                    reached.add(src)
                    companies.append(src)
            i += 1
        have = self._records[Kind.COMPANIES]
        return frozenset(key[1] for key in reached if key[1] in have)

    @_one_at_a_time
    def accounts(
        self,
        *,
        first: int,
        after: str | None,
        where: AccountFilter,
        visible: frozenset[str] | None = None,
    ) -> AccountPage:
        companies = [
            _shown(c, visible)
            for c in self._records[Kind.COMPANIES].values()
            if isinstance(c, Company)
            and (visible is None or c.id in visible)
            and self._matches(c, where)
        ]
        companies.sort(key=lambda c: c.id)
        total = len(companies)
        if after is not None:
            companies = [c for c in companies if c.id > after]
        return AccountPage(
            companies=companies[:first], has_next=len(companies) > first, total=total
        )

    def _matches(self, c: Company, where: AccountFilter) -> bool:
        if where.industry is not None and c.industry != where.industry:
            return False
        if where.country is not None and c.country != where.country:
            return False
        if (
            where.name_contains is not None
            and where.name_contains.casefold() not in c.name.casefold()
        ):
            return False
        if where.owner_id is not None:
            team = {
                u
                for u, _, t in self._graph.in_edges(("Company", c.id), data="type")
                if t == "ON_ACCOUNT_TEAM"
            }
            return ("TeamMember", where.owner_id) in team
        return True

    @_one_at_a_time
    def account(
        self,
        company_id: str,
        *,
        visible: frozenset[str] | None = None,
        sections: AccountSections = ALL_SECTIONS,
    ) -> AccountView | None:
        view = self._whole_account(company_id, visible)
        return None if view is None else within(view, sections)

    def _whole_account(self, company_id: str, visible: frozenset[str] | None) -> AccountView | None:
        company = self._records[Kind.COMPANIES].get(company_id)
        if not isinstance(company, Company) or (visible is not None and company_id not in visible):
            return None
        key: NodeKey = ("Company", company_id)
        parent = (
            self._records[Kind.COMPANIES].get(company.parent_company_id)
            if company.parent_company_id
            and (visible is None or company.parent_company_id in visible)
            else None
        )
        people = self._sources(key, "WORKS_AT", Kind.PEOPLE)
        person_keys = {("Person", p.id) for p in people}
        deals = self._sources(key, "FOR", Kind.DEALS)
        roles: list[Record] = []
        touches: list[Record] = []
        tie_ids: set[str] = set()
        for pk in person_keys:
            for _, _, data in self._graph.out_edges(pk, data=True):
                if data["type"] == "HAS_ROLE":
                    roles.append(self._records[Kind.BUYING_ROLES][data["rid"]])
                elif data.get("kind") == Kind.RELATIONSHIPS:
                    tie_ids.add(data["rid"])
            for _, _, data in self._graph.in_edges(pk, data=True):
                if data.get("kind") == Kind.RELATIONSHIPS:
                    tie_ids.add(data["rid"])
            touches.extend(self._sources(pk, "WITH", Kind.TOUCHES))
        relationships = [self._records[Kind.RELATIONSHIPS][rid] for rid in tie_ids]
        if visible is not None:  # a tie to a person at a hidden company is left out
            relationships = [
                r
                for r in relationships
                if isinstance(r, Relationship)
                and self._works_among(r.from_person_id, visible)
                and self._works_among(r.to_person_id, visible)
            ]
        contacts = [
            self._records[Kind.DEAL_CONTACTS][data["rid"]]
            for d in deals
            for _, _, data in self._graph.in_edges(("Deal", d.id), data=True)
            if data["type"] == "CONTACT_ON"
        ]
        if visible is not None:  # a contact at a hidden company is left out
            contacts = [
                c
                for c in contacts
                if isinstance(c, DealContact) and self._works_among(c.person_id, visible)
            ]
        team = [
            self._records[Kind.ACCOUNT_TEAM][data["rid"]]
            for _, _, data in self._graph.in_edges(key, data=True)
            if data["type"] == "ON_ACCOUNT_TEAM"
        ]
        actions = self._sources(key, "FOR", Kind.NEXT_ACTIONS)
        member_ids = {t.member_id for t in team if isinstance(t, AccountTeamMember)}
        member_ids |= {d.owner_id for d in deals if isinstance(d, Deal) and d.owner_id}
        member_ids |= {t.member_id for t in touches if isinstance(t, Touch)}
        member_ids |= {a.member_id for a in actions if isinstance(a, NextAction)}
        members = [self._records[Kind.TEAM][m] for m in member_ids if m in self._records[Kind.TEAM]]
        subsidiaries = _typed(self._sources(key, "SUBSIDIARY_OF", Kind.COMPANIES), Company)
        return AccountView(
            company=_shown(company, visible),
            parent=_shown(parent, visible) if isinstance(parent, Company) else None,
            subsidiaries=[s for s in subsidiaries if visible is None or s.id in visible],
            business_units=_typed(self._sources(key, "PART_OF", Kind.BUSINESS_UNITS), BusinessUnit),
            people=_typed(people, Person),
            buying_roles=_typed(roles, BuyingRole),
            relationships=_typed(relationships, Relationship),
            account_team=_typed(team, AccountTeamMember),
            members=_typed(members, TeamMember),
            deals=_typed(deals, Deal),
            deal_contacts=_typed(contacts, DealContact),
            touches=_typed(touches, Touch),
            next_actions=_typed(actions, NextAction),
            wallet=_typed(self._sources(key, "OF", Kind.WALLET), WalletEstimate),
        )

    def _works_among(self, person_id: str, visible: frozenset[str]) -> bool:
        person = self._records[Kind.PEOPLE].get(person_id)
        return isinstance(person, Person) and person.company_id in visible

    @_one_at_a_time
    def account_views(
        self,
        company_ids: Sequence[str],
        *,
        visible: frozenset[str] | None = None,
        sections: AccountSections = ALL_SECTIONS,
    ) -> list[AccountView]:
        found = (
            self.account(i, visible=visible, sections=sections) for i in dict.fromkeys(company_ids)
        )
        return [v for v in found if v is not None]

    @_one_at_a_time
    def path_subgraph(
        self, company_id: str, *, visible: frozenset[str] | None = None
    ) -> PathSubgraph | None:
        if not isinstance(self._records[Kind.COMPANIES].get(company_id), Company) or (
            visible is not None and company_id not in visible
        ):
            return None
        return PathSubgraph.from_views(family_views(self, company_id, visible=visible))

    def data_version(self) -> str:
        return f"{self._instance}:{self._writes}"

    @_one_at_a_time
    def amount_currencies(self) -> dict[str, int]:
        found: Counter[str] = Counter()
        for kind in (Kind.DEALS, Kind.WALLET):
            found.update(
                r.currency
                for r in self._records[kind].values()
                if isinstance(r, Deal | WalletEstimate) and r.currency
            )
        return dict(sorted(found.items()))

    @_one_at_a_time
    def portfolio_facts(
        self,
        as_of: date,
        *,
        engagement_days: int,
        spend_window_days: int,
        rates: Rates,
        visible: frozenset[str] | None = None,
    ) -> list[AccountFacts]:
        out = []
        ids = self._records[Kind.COMPANIES] if visible is None else visible
        for company_id in sorted(ids):
            view = self.account(company_id, visible=visible)
            if view is not None and is_current(view.company, as_of):
                out.append(
                    facts_from_view(
                        view,
                        as_of,
                        engagement_days=engagement_days,
                        spend_window_days=spend_window_days,
                        rates=rates,
                    )
                )
        return out

    def _sources(self, target: NodeKey, rel_type: str, kind: Kind) -> list[Record]:
        """Records of ``kind`` whose node has a ``rel_type`` edge to ``target``."""
        label = _LABELS[kind]
        have = self._records[kind]
        return [
            have[src[1]]
            for src, _, t in self._graph.in_edges(target, data="type")
            if t == rel_type and src[0] == label and src[1] in have
        ]

    # -- applying records to the graph ---------------------------------------------------------

    def _apply(self, kind: Kind, records: Sequence[Record]) -> None:
        store = self._records[kind]
        for record in records:
            store[record_id(record)] = record
            if kind in _LABELS:
                self._apply_node(kind, record)
            else:
                self._apply_edge(kind, record)

    def _apply_node(self, kind: Kind, record: Record) -> None:
        node: NodeKey = (_LABELS[kind], record_id(record))
        self._graph.add_node(node, label=node[0])
        for link in _NODE_LINKS[kind]:
            stale = [
                (u, v, k)
                for u, v, k, t in self._graph.out_edges(node, keys=True, data="type")
                if t == link.rel_type
            ]
            self._graph.remove_edges_from(stale)
            target_id = getattr(record, link.field)
            if target_id is None:
                continue
            target: NodeKey = (link.target, target_id)
            if target not in self._graph:
                if not link.stub:
                    continue
                self._graph.add_node(target, label=link.target)
            self._graph.add_edge(node, target, key=link.rel_type, type=link.rel_type)

    def _apply_edge(self, kind: Kind, record: Record) -> None:
        rid = record_id(record)
        if isinstance(record, BuyingRole):
            source: NodeKey = ("Person", record.person_id)
            person = self._records[Kind.PEOPLE].get(record.person_id)
            if record.bu_id is not None:
                target: NodeKey = ("BusinessUnit", record.bu_id)
            elif isinstance(person, Person):
                target = ("Company", person.company_id)
            else:
                return
            edge_type, edge_key = "HAS_ROLE", f"HAS_ROLE|{record.role}"
        elif isinstance(record, Relationship):
            source = ("Person", record.from_person_id)
            target = ("Person", record.to_person_id)
            edge_type = edge_key = record.type.value.upper()
        elif isinstance(record, AccountTeamMember):
            source = ("TeamMember", record.member_id)
            target = ("Company", record.company_id)
            edge_type = edge_key = "ON_ACCOUNT_TEAM"
        elif isinstance(record, DealContact):
            source = ("Person", record.person_id)
            target = ("Deal", record.deal_id)
            edge_type = edge_key = "CONTACT_ON"
        else:  # pragma: no cover - every edge kind is handled above
            raise TypeError(f"not an edge record: {record!r}")
        if source not in self._graph or target not in self._graph:
            return
        self._graph.add_edge(source, target, key=edge_key, type=edge_type, rid=rid, kind=kind)

    # -- merging (entity resolution) -----------------------------------------------------------

    def _merge(self, kind: Kind, survivor_id: str, merged_ids: Sequence[str]) -> None:
        """Fold each merged node into the survivor (see :meth:`Store.merge_into`)."""
        label = _LABELS[kind]
        survivor: NodeKey = (label, survivor_id)
        for merged_id in merged_ids:
            merged: NodeKey = (label, merged_id)
            if merged in self._graph:
                edges = {
                    (u, v, k): d
                    for u, v, k, d in (
                        *self._graph.in_edges(merged, keys=True, data=True),
                        *self._graph.out_edges(merged, keys=True, data=True),
                    )
                }
                for (u, v, key), data in edges.items():
                    if u == merged and "rid" not in data:
                        continue  # the merged record's own reference: the survivor's decides
                    self._graph.remove_edge(u, v, key)
                    new_u = survivor if u == merged else u
                    new_v = survivor if v == merged else v
                    self._move_edge(kind, merged_id, survivor_id, (new_u, new_v, key), data)
                self._graph.remove_node(merged)
            self._records[kind].pop(merged_id, None)
            self._origins[kind].pop(merged_id, None)
        aliases = self._aliases[kind]
        for alias, target in aliases.items():
            if target in merged_ids:
                aliases[alias] = survivor_id
        aliases.update(dict.fromkeys(merged_ids, survivor_id))

    def _move_edge(
        self,
        kind: Kind,
        merged_id: str,
        survivor_id: str,
        edge: tuple[NodeKey, NodeKey, str],
        data: dict[str, Any],
    ) -> None:
        """Re-create one edge of a merged node on the survivor, with its record updated."""
        u, v, key = edge
        rid = data.get("rid")
        if rid is None:  # a record's single-valued reference to the merged node
            source_kind = _KIND_OF_LABEL[u[0]]
            record = self._records[source_kind].get(u[1])
            if record is None:
                return
            field = next(
                (
                    link.field
                    for link in _NODE_LINKS[source_kind]
                    if link.rel_type == data["type"] and getattr(record, link.field) == merged_id
                ),
                None,
            )
            if field is None:  # pragma: no cover - every such edge comes from a record field
                return
            # The survivor's own reference to the merged record (its parent, its manager)
            # would point at itself: it goes.
            target = None if u == v else survivor_id
            new_record = dataclasses.replace(record, **{field: target})  # type: ignore[arg-type]
            self._replace_node(source_kind, record, new_record)
            return
        edge_kind: Kind = data["kind"]
        old = self._records[edge_kind].get(rid)
        if old is None or u == v:
            self._records[edge_kind].pop(rid, None)  # a tie of the survivor with itself
            return
        changes = {
            f: survivor_id
            for f, ref in _EDGE_REFS[edge_kind]
            if ref is kind and getattr(old, f) == merged_id
        }
        new = dataclasses.replace(old, **changes)  # type: ignore[arg-type]
        new_rid = record_id(new)
        if new_rid != rid:
            del self._records[edge_kind][rid]
            origin = self._origins[edge_kind].pop(rid, None)
            if new_rid in self._records[edge_kind]:
                return  # the survivor already has it: the survivor's is kept
            self._records[edge_kind][new_rid] = new
            if origin is not None:
                self._origins[edge_kind][new_rid] = origin
        if not self._graph.has_edge(u, v, key):
            self._graph.add_edge(u, v, key=key, **{**data, "rid": new_rid})

    def _replace_node(self, kind: Kind, old: Record, new: Record) -> None:
        old_id, new_id = record_id(old), record_id(new)
        if old_id == new_id:
            self._records[kind][old_id] = new
            self._apply_node(kind, new)
            return
        # A wallet estimate, whose identity names its company: re-keyed, unless the survivor
        # already has one with that identity.
        del self._records[kind][old_id]
        self._graph.remove_node((_LABELS[kind], old_id))
        if new_id not in self._records[kind]:
            self._apply(kind, [new])


def _check_retirable(kind: Kind) -> None:
    if kind not in RETIRABLE_KINDS:
        raise ValueError(f"{kind.value} records are never retired")


def _check_node_kind(kind: Kind) -> None:
    if kind not in _LABELS:
        raise ValueError(f"{kind.value} records are relationships: create writes nodes only")


def _check_merged_kind(kind: Kind) -> None:
    if kind not in _MERGED_KINDS:
        raise ValueError(f"only companies and people are merged, not {kind.value}")


def _shown(company: Company, visible: frozenset[str] | None) -> Company:
    """The company as a scope shows it: without its parent's id when the parent is hidden."""
    parent = company.parent_company_id
    if visible is None or parent is None or parent in visible:
        return company
    return dataclasses.replace(company, parent_company_id=None)


def _typed(records: list[Record], cls: type[Any]) -> list[Any]:
    return [r for r in records if isinstance(r, cls)]


def _read_journal(path: Path) -> Iterator[dict[str, Any]]:
    """The journal's complete entries; a torn last line (crash mid-append) is skipped."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                return
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                return


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _rate_order(rate: FxRate) -> tuple[str, date]:
    """Rates by currency, the static rate first, then dated rates by their first day."""
    return (rate.currency, rate.valid_from or date.min)
