"""The ``Store`` protocol: the narrow questions every store answers the same way.

Two stores implement it, the embedded :class:`~graph_service.store.memory.MemoryStore` and
:class:`~graph_service.store.neo4j.Neo4jStore`; ``tests/conformance`` holds them to identical
answers.

Write semantics (both stores): ``upsert`` is idempotent. A record replaces the one with the same
identity (see :func:`graph_service.domain.record_id`); a single-valued reference (a person's
company, unit and manager, a deal's owner, ...) replaces the previous link; an optional reference
left empty removes it. A reference to an id that does not exist is not linked (loaders reject such
rows before they reach a store), except a reference within the same kind (a parent company, a
manager), whose target is created as a bare node carrying only its id until its own record
arrives, so that one file may refer forward to a later row.

Sources and retirement (both stores): ``upsert(..., source=...)`` records where each record
came from (``bundle``, a preset's name, or what the load was told); :meth:`Store.retire` then
retires the records of one kind and source that a complete export no longer has. A retired
record is kept, with ``retired_at`` set (see :func:`graph_service.as_of.is_current`); writing it
again (any later load that has it) makes it current again.

Scope (both stores): :meth:`Store.visible_company_ids` says which companies a
:class:`~graph_service.domain.Scope` may see. The reads that take ``visible`` (those ids;
``None``, the default, is every company) answer a company outside it exactly as one that does
not exist, leave hidden companies out of every list (an account's parent and subsidiaries
too: a company whose parent is hidden shows no parent), and roll up the visible companies
only, so that hidden accounts never leave the store.

Audit trail (both stores; definitions in :mod:`graph_service.audit`): ``upsert``, ``retire``,
``merge_into`` and ``create`` take an :class:`~graph_service.audit.AuditRecord` and write it in
the same transaction as the write it describes: on Neo4j in the same managed transaction, in
the embedded store on the same journal line, fsynced before the call returns. Either both are
there after a crash or neither is. A call that writes nothing (an empty batch, a retirement
that retires nothing, a merge of nothing, a ``create`` of an existing record) writes no audit
record either. No operation edits or deletes audit records: merges, retirements and later
writes leave them as they were (only ``clear()``, for tests, empties a Neo4j database whole).
They are not part of the graph: :meth:`Store.stats` does not count them, they are not linked
to the records they name (they hold ids as values), and the embedded store keeps them through
snapshot compaction. :meth:`Store.audit_log` reads them. Every write, its audit record
included, moves :meth:`Store.data_version`.

Single records (both stores): :meth:`Store.record` reads one record by kind and identity (the
before-state of a write), :meth:`Store.company_of` the company it belongs to (for scope checks),
and :meth:`Store.create` writes a record only if its identity is new, atomically, so that two
creates of one id (a client retrying with one idempotency key) leave one record and one audit
record.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Protocol, runtime_checkable

from graph_service.audit import AuditFilter, AuditPage, AuditRecord
from graph_service.domain import (
    ALL_SECTIONS,
    AccountFacts,
    AccountFilter,
    AccountPage,
    AccountSections,
    AccountView,
    FxRate,
    GraphStats,
    Kind,
    PathSubgraph,
    Record,
    ResolutionRecords,
    Scope,
)
from graph_service.money import Rates


@runtime_checkable
class Store(Protocol):
    """Where the account graph lives."""

    def ensure_schema(self) -> None:
        """Create constraints and indexes if missing (idempotent); call before loading."""

    def upsert(
        self,
        kind: Kind,
        records: Sequence[Record],
        *,
        source: str | None = None,
        audit: AuditRecord | None = None,
    ) -> None:
        """Write one batch of records of one kind atomically; durable once this returns.

        ``source`` is recorded on each record for :meth:`retire`; ``None`` leaves each record's
        recorded source as it is (a new record then has none, and no snapshot retires it).
        ``audit`` is written in the same transaction (none for an empty batch).
        """

    def retire(
        self,
        kind: Kind,
        source: str,
        keep_ids: Collection[str],
        on: date,
        *,
        audit: AuditRecord | None = None,
    ) -> int:
        """Set ``retired_at = on`` on the records of ``kind`` (one of
        :data:`~graph_service.domain.RETIRABLE_KINDS`) recorded from ``source`` whose identity
        (:func:`~graph_service.domain.record_id`) is not in ``keep_ids`` and that are not
        retired already, atomically; how many. Running it again changes nothing.

        ``audit``, when something is retired, is written in the same transaction completed by
        :func:`graph_service.audit.retirement` (the retired identities, in identity order, as
        its entity ids and their ``retired_at`` as its changes)."""
        ...

    def existing_ids(self, kind: Kind, ids: Collection[str]) -> set[str]:
        """Which of ``ids`` exist as complete records of ``kind`` (an entity kind)."""
        ...

    def resolution_records(self, kind: Kind) -> ResolutionRecords:
        """Every complete company (or person) in id order, and the ids merged into them."""
        ...

    def merge_into(
        self,
        kind: Kind,
        survivor_id: str,
        merged_ids: Sequence[str],
        *,
        audit: AuditRecord | None = None,
    ) -> None:
        """Fold the companies (or people) ``merged_ids`` into ``survivor_id``, atomically.

        Each merged node that exists (complete or bare) hands every relationship to the
        survivor: incoming references (a person's company, a touch's person, a subsidiary's
        parent, ...) and its own multi-valued ones (buying roles, ties, deal contacts, account
        team), with their properties; where the survivor already has the same relationship
        (same type, other end and role), the survivor's is kept. Its own single-valued
        references (company, unit, manager, parent) are dropped (the survivor's record
        decides), ties that would join the survivor to itself are dropped, and a wallet
        estimate whose identity the survivor already has is dropped. Then the node is deleted
        and the store remembers each merged id as an alias of the survivor
        (:meth:`resolution_records`). Merged ids that do not exist are only remembered.
        Raises ``ValueError`` if the survivor is not a complete record. ``audit`` is written
        in the same transaction (none when every merged id is the survivor).
        """

    def create(self, kind: Kind, record: Record, *, audit: AuditRecord) -> bool:
        """Write ``record`` (of a node kind: an entity, a touch, a next action, a wallet
        estimate, a rate) and ``audit`` only if no complete record of ``kind`` with its identity
        exists, atomically; whether it wrote them. When it exists, nothing is written (a bare
        node a forward reference left counts as no record). Two concurrent creates of one
        identity write one record and one audit record. Raises ``ValueError`` for a kind that
        is a relationship (buying roles, ties, account team, deal contacts)."""
        ...

    def record(self, kind: Kind, record_id: str) -> Record | None:
        """The complete record of ``kind`` whose identity (:func:`~graph_service.domain.record_id`)
        is ``record_id``, or ``None``; every kind (relationship kinds such as buying roles and
        ties too; one whose ends did not exist when it was written was never linked, and is
        ``None``)."""
        ...

    def company_of(self, kind: Kind, record_id: str) -> str | None:
        """The id of the company the record belongs to, or ``None`` (no such record, or no
        company held): a company itself; the company of a business unit, a person, a deal, a
        next action, a wallet estimate or an account team assignment; of a touch and a buying
        role, their person's company; of a deal contact, its deal's company. Team members, ties
        and exchange rates belong to no one company (``None``)."""
        ...

    def audit_log(self, where: AuditFilter, *, first: int, after: str | None) -> AuditPage:
        """The audit records matching ``where``, newest first (by ``at``, then ``id``, both
        descending), the ``first`` after the record whose id is ``after`` (the last of the
        previous page; ``None``: from the newest); ``total`` counts every match. Raises
        ``ValueError`` if there is no audit record ``after``."""
        ...

    def fx_rates(self) -> list[FxRate]:
        """Every exchange rate held, static and dated, in (currency, valid_from) order, static
        rates first (see :mod:`graph_service.money` for what a rate means)."""
        ...

    def amount_currencies(self) -> dict[str, int]:
        """How many deals and wallet estimates have their amount in each currency (amounts
        with no currency are not counted), in currency order."""
        ...

    def stats(self) -> GraphStats:
        """Node counts by label and relationship counts by type."""
        ...

    def visible_company_ids(self, scope: Scope) -> frozenset[str] | None:
        """The ids of the companies (complete records) ``scope`` may see, in one round trip;
        ``None`` when it sees everything (definitions on :class:`~graph_service.domain.Scope`).
        """
        ...

    def account(
        self,
        company_id: str,
        *,
        visible: frozenset[str] | None = None,
        sections: AccountSections = ALL_SECTIONS,
    ) -> AccountView | None:
        """The account's subgraph in one round trip, or ``None`` if there is no such company
        (or it is not among ``visible``; then only visible subsidiaries and parent show);
        only the parts ``sections`` asks for (see :func:`graph_service.store.sections.within`,
        which both stores answer as)."""
        ...

    def account_views(
        self,
        company_ids: Sequence[str],
        *,
        visible: frozenset[str] | None = None,
        sections: AccountSections = ALL_SECTIONS,
    ) -> list[AccountView]:
        """The views of those of ``company_ids`` that exist (and are among ``visible``), each
        as :meth:`account` answers it, in the order given (repeats once), in one round trip:
        a page of accounts shown with their people is two reads, not one per account."""
        ...

    def path_subgraph(
        self, company_id: str, *, visible: frozenset[str] | None = None
    ) -> PathSubgraph | None:
        """What influence paths need of the account's family, in one round trip.

        ``None`` if there is no such company (or it is not among ``visible``; then the family
        is the visible subsidiaries reached through visible ones); see
        :class:`~graph_service.domain.PathSubgraph`.
        """
        ...

    def data_version(self) -> str:
        """A token that changes with every committed write (caches of answers compare it)."""
        ...

    def accounts(
        self,
        *,
        first: int,
        after: str | None,
        where: AccountFilter,
        visible: frozenset[str] | None = None,
    ) -> AccountPage:
        """Companies matching ``where`` (and among ``visible``) in id order, the ``first``
        after id ``after``; ``total`` counts the matching visible ones."""
        ...

    def portfolio_facts(
        self,
        as_of: date,
        *,
        engagement_days: int,
        spend_window_days: int,
        rates: Rates,
        visible: frozenset[str] | None = None,
    ) -> list[AccountFacts]:
        """One rollup per company (complete records only, among ``visible``), in id order, its
        amounts converted with ``rates`` (see :class:`~graph_service.domain.AccountFacts`)."""
        ...

    def ping(self) -> None:
        """Raise :class:`~graph_service.errors.StoreUnavailableError` if the store is unusable."""

    def close(self) -> None:
        """Release connections, files and locks."""
