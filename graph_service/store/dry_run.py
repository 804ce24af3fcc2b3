"""A store that answers reads from another and ignores every write: ``--dry-run`` loads."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from graph_service.domain import (
    AccountFacts,
    AccountFilter,
    AccountPage,
    AccountView,
    FxRate,
    GraphStats,
    Kind,
    PathSubgraph,
    Record,
    ResolutionRecords,
)
from graph_service.money import Rates
from graph_service.store.base import Store


class DryRunStore:
    """Reads go to ``inner``; ``ensure_schema``, ``upsert``, ``merge_into`` and ``retire`` do
    nothing (a dry run reports no retired records).

    A load through it validates, resolves and reports exactly as a real one (the loader keeps
    the ids it accepted in memory), and leaves ``inner`` as it was.
    """

    def __init__(self, inner: Store) -> None:
        self.inner = inner

    def ensure_schema(self) -> None:
        pass

    def upsert(self, kind: Kind, records: Sequence[Record], *, source: str | None = None) -> None:
        pass

    def retire(self, kind: Kind, source: str, keep_ids: Collection[str], on: date) -> int:
        return 0

    def merge_into(self, kind: Kind, survivor_id: str, merged_ids: Sequence[str]) -> None:
        pass

    def existing_ids(self, kind: Kind, ids: Collection[str]) -> set[str]:
        return self.inner.existing_ids(kind, ids)

    def resolution_records(self, kind: Kind) -> ResolutionRecords:
        return self.inner.resolution_records(kind)

    def fx_rates(self) -> list[FxRate]:
        return self.inner.fx_rates()

    def stats(self) -> GraphStats:
        return self.inner.stats()

    def account(self, company_id: str) -> AccountView | None:
        return self.inner.account(company_id)

    def path_subgraph(self, company_id: str) -> PathSubgraph | None:
        return self.inner.path_subgraph(company_id)

    def data_version(self) -> str:
        return self.inner.data_version()

    def accounts(self, *, first: int, after: str | None, where: AccountFilter) -> AccountPage:
        return self.inner.accounts(first=first, after=after, where=where)

    def amount_currencies(self) -> dict[str, int]:
        return self.inner.amount_currencies()

    def portfolio_facts(
        self, as_of: date, *, engagement_days: int, spend_window_days: int, rates: Rates
    ) -> list[AccountFacts]:
        return self.inner.portfolio_facts(
            as_of,
            engagement_days=engagement_days,
            spend_window_days=spend_window_days,
            rates=rates,
        )

    def ping(self) -> None:
        self.inner.ping()

    def close(self) -> None:
        self.inner.close()
