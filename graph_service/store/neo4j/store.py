"""The :class:`Neo4jStore`: the Store protocol, each question answered by its module."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

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
from graph_service.store.neo4j import (
    audit_log,
    merges,
    reads,
    retire,
    rollup,
    schema,
    single,
    writes,
)
from graph_service.store.neo4j.driver import DEFAULT_RETRY_TIME, Connection


class Neo4jStore:
    """The Store protocol on a Neo4j 5 server."""

    def __init__(
        self,
        uri: str,
        *,
        auth: tuple[str, str] | None = None,
        database: str = "neo4j",
        rollup_workers: int = rollup.DEFAULT_ROLLUP_WORKERS,
        read_timeout: float | None = None,
        retry_time: float = DEFAULT_RETRY_TIME,
    ) -> None:
        self.uri = uri
        self.database = database
        self.rollup_workers = rollup_workers
        self._db = Connection(
            uri, auth=auth, database=database, read_timeout=read_timeout, retry_time=retry_time
        )

    def ensure_schema(self) -> None:
        """Constraints and indexes, then (once) the person summaries an older writer left out."""
        schema.ensure_schema(self._db)

    def upsert(
        self,
        kind: Kind,
        records: Sequence[Record],
        *,
        source: str | None = None,
        audit: AuditRecord | None = None,
    ) -> None:
        if records:
            writes.upsert(self._db, kind, records, source, audit)

    def retire(
        self,
        kind: Kind,
        source: str,
        keep_ids: Collection[str],
        on: date,
        *,
        audit: AuditRecord | None = None,
    ) -> int:
        return retire.retire(self._db, kind, source, keep_ids, on, audit)

    def create(self, kind: Kind, record: Record, *, audit: AuditRecord) -> bool:
        return single.create(self._db, kind, record, audit)

    def record(self, kind: Kind, record_id: str) -> Record | None:
        return single.record(self._db, kind, record_id)

    def company_of(self, kind: Kind, record_id: str) -> str | None:
        return single.company_of(self._db, kind, record_id)

    def audit_log(self, where: AuditFilter, *, first: int, after: str | None) -> AuditPage:
        return audit_log.audit_log(self._db, where, first=first, after=after)

    def existing_ids(self, kind: Kind, ids: Collection[str]) -> set[str]:
        return reads.existing_ids(self._db, kind, ids)

    def resolution_records(self, kind: Kind) -> ResolutionRecords:
        return merges.resolution_records(self._db, kind)

    def merge_into(
        self,
        kind: Kind,
        survivor_id: str,
        merged_ids: Sequence[str],
        *,
        audit: AuditRecord | None = None,
    ) -> None:
        merges.merge_into(self._db, kind, survivor_id, merged_ids, audit)

    def fx_rates(self) -> list[FxRate]:
        return reads.fx_rates(self._db)

    def stats(self) -> GraphStats:
        return reads.stats(self._db)

    def visible_company_ids(self, scope: Scope) -> frozenset[str] | None:
        return reads.visible_company_ids(self._db, scope)

    def accounts(
        self,
        *,
        first: int,
        after: str | None,
        where: AccountFilter,
        visible: frozenset[str] | None = None,
    ) -> AccountPage:
        return reads.accounts(self._db, first=first, after=after, where=where, visible=visible)

    def account(
        self,
        company_id: str,
        *,
        visible: frozenset[str] | None = None,
        sections: AccountSections = ALL_SECTIONS,
    ) -> AccountView | None:
        return reads.account(self._db, company_id, visible=visible, sections=sections)

    def account_views(
        self,
        company_ids: Sequence[str],
        *,
        visible: frozenset[str] | None = None,
        sections: AccountSections = ALL_SECTIONS,
    ) -> list[AccountView]:
        return reads.account_views(self._db, company_ids, visible=visible, sections=sections)

    def path_subgraph(
        self, company_id: str, *, visible: frozenset[str] | None = None
    ) -> PathSubgraph | None:
        return reads.path_subgraph(self._db, company_id, visible=visible)

    def data_version(self) -> str:
        return reads.data_version(self._db)

    def amount_currencies(self) -> dict[str, int]:
        return reads.amount_currencies(self._db)

    def portfolio_facts(
        self,
        as_of: date,
        *,
        engagement_days: int,
        spend_window_days: int,
        rates: Rates,
        visible: frozenset[str] | None = None,
    ) -> list[AccountFacts]:
        """Rolled up in Cypher, one scan per kind of fact, side by side (``rollup_workers``).

        The scans are separate read transactions: a write committed while they run may show in
        some of them and not in others.
        """
        return rollup.portfolio_facts(
            self._db,
            as_of,
            engagement_days=engagement_days,
            spend_window_days=spend_window_days,
            rates=rates,
            workers=self.rollup_workers,
            visible=visible,
        )

    def ping(self) -> None:
        reads.ping(self._db)

    def clear(self) -> None:
        """Delete every node and relationship, audit records too (for tests and ``--replace``
        loads)."""
        writes.clear(self._db)

    def close(self) -> None:
        self._db.close()
