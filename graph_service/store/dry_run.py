"""A store that answers reads from another and ignores every write: ``--dry-run`` loads."""

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
    record_id,
)
from graph_service.money import Rates
from graph_service.store.base import Store


class DryRunStore:
    """Reads go to ``inner``; ``ensure_schema``, ``upsert``, ``merge_into``, ``retire`` and
    ``create`` do nothing (a dry run reports no retired records, and a create that would write).

    A load through it validates, resolves and reports exactly as a real one (the loader keeps
    the ids it accepted in memory), and leaves ``inner`` as it was.
    """

    def __init__(self, inner: Store) -> None:
        self.inner = inner

    def ensure_schema(self) -> None:
        pass

    def upsert(
        self,
        kind: Kind,
        records: Sequence[Record],
        *,
        source: str | None = None,
        audit: AuditRecord | None = None,
    ) -> None:
        pass

    def retire(
        self,
        kind: Kind,
        source: str,
        keep_ids: Collection[str],
        on: date,
        *,
        audit: AuditRecord | None = None,
    ) -> int:
        return 0

    def merge_into(
        self,
        kind: Kind,
        survivor_id: str,
        merged_ids: Sequence[str],
        *,
        audit: AuditRecord | None = None,
    ) -> None:
        pass

    def create(self, kind: Kind, record: Record, *, audit: AuditRecord) -> bool:
        return self.inner.record(kind, record_id(record)) is None

    def record(self, kind: Kind, record_id: str) -> Record | None:
        return self.inner.record(kind, record_id)

    def company_of(self, kind: Kind, record_id: str) -> str | None:
        return self.inner.company_of(kind, record_id)

    def audit_log(self, where: AuditFilter, *, first: int, after: str | None) -> AuditPage:
        return self.inner.audit_log(where, first=first, after=after)

    def existing_ids(self, kind: Kind, ids: Collection[str]) -> set[str]:
        return self.inner.existing_ids(kind, ids)

    def resolution_records(self, kind: Kind) -> ResolutionRecords:
        return self.inner.resolution_records(kind)

    def fx_rates(self) -> list[FxRate]:
        return self.inner.fx_rates()

    def stats(self) -> GraphStats:
        return self.inner.stats()

    def visible_company_ids(self, scope: Scope) -> frozenset[str] | None:
        return self.inner.visible_company_ids(scope)

    def account(
        self,
        company_id: str,
        *,
        visible: frozenset[str] | None = None,
        sections: AccountSections = ALL_SECTIONS,
    ) -> AccountView | None:
        return self.inner.account(company_id, visible=visible, sections=sections)

    def account_views(
        self,
        company_ids: Sequence[str],
        *,
        visible: frozenset[str] | None = None,
        sections: AccountSections = ALL_SECTIONS,
    ) -> list[AccountView]:
        return self.inner.account_views(company_ids, visible=visible, sections=sections)

    def path_subgraph(
        self, company_id: str, *, visible: frozenset[str] | None = None
    ) -> PathSubgraph | None:
        return self.inner.path_subgraph(company_id, visible=visible)

    def data_version(self) -> str:
        return self.inner.data_version()

    def accounts(
        self,
        *,
        first: int,
        after: str | None,
        where: AccountFilter,
        visible: frozenset[str] | None = None,
    ) -> AccountPage:
        return self.inner.accounts(first=first, after=after, where=where, visible=visible)

    def amount_currencies(self) -> dict[str, int]:
        return self.inner.amount_currencies()

    def portfolio_facts(
        self,
        as_of: date,
        *,
        engagement_days: int,
        spend_window_days: int,
        rates: Rates,
        visible: frozenset[str] | None = None,
    ) -> list[AccountFacts]:
        return self.inner.portfolio_facts(
            as_of,
            engagement_days=engagement_days,
            spend_window_days=spend_window_days,
            rates=rates,
            visible=visible,
        )

    def ping(self) -> None:
        self.inner.ping()

    def close(self) -> None:
        self.inner.close()
