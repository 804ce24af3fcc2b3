"""Path graphs of recently asked accounts, kept while the store's data is unchanged.

An account team exploring one account asks for paths to many people in a row; building the
account's path graph (one store round trip, then the strengths of every member's touches) costs
far more than a search on it. :class:`PathGraphCache` keeps the graphs of the last ``size``
(account, as-of date, parameters) asked, and hands one back only while
:meth:`~graph_service.store.base.Store.data_version` is what it was when the graph was built: any
committed write through abmgraph (a load, a merge, a clear) moves the version on, so an answer
from the cache is always the answer a fresh build would give. Checking the version is one small
read.

Searches only read a cached graph, so concurrent requests share it without a lock.

The cache also keeps answers computed from an account's data alone (coverage gaps, next best
touches: :meth:`PathGraphCache.answer`), under the same rule: handed back only while the data
version is the one read before they were computed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

import networkx as nx

from graph_service.analytics.params import AnalyticsParams
from graph_service.analytics.paths import path_graph
from graph_service.errors import NotFoundError
from graph_service.store.base import Store
from graph_service.store.kept import KeptByVersion

T = TypeVar("T")

#: How many account path graphs (and answers) a cache keeps by default.
DEFAULT_SIZE = 32


@dataclass(slots=True)
class AccountPathGraph:
    """An account family's path graph and what answers beside it need."""

    graph: nx.DiGraph
    person_ids: frozenset[str]
    account_team: list[str]


def fetch(
    store: Store,
    account_id: str,
    as_of: date,
    params: AnalyticsParams,
    *,
    visible: frozenset[str] | None = None,
) -> AccountPathGraph:
    """Fetch the account's path subgraph and build its graph, or :class:`NotFoundError`.

    With ``visible`` (a scope's companies), over the visible family only; an account outside
    it is not found.
    """
    sub = store.path_subgraph(account_id, visible=visible)
    if sub is None:
        raise NotFoundError("account", account_id)
    return AccountPathGraph(
        graph=path_graph(sub, as_of, params),
        person_ids=frozenset(p.id for p in sub.people),
        account_team=list(sub.account_team),
    )


class PathGraphCache:
    """The path graphs of the last ``size`` accounts asked (least recently used goes first),
    and as many answers."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._graphs: KeptByVersion[AccountPathGraph] = KeptByVersion(size)
        self._answers: KeptByVersion[Any] = KeptByVersion(size)

    @property
    def hits(self) -> int:
        """Path graphs handed back from the cache."""
        return self._graphs.hits

    @property
    def misses(self) -> int:
        """Path graphs built."""
        return self._graphs.misses

    def get(
        self,
        store: Store,
        account_id: str,
        as_of: date,
        params: AnalyticsParams,
        *,
        visible: frozenset[str] | None = None,
    ) -> AccountPathGraph:
        """The account's path graph, from the cache while the store's data is unchanged.

        Graphs built for different ``visible`` sets are kept apart.
        """
        return self._graphs.computed(
            (account_id, as_of, repr(params), visible),
            store.data_version(),
            lambda: fetch(store, account_id, as_of, params, visible=visible),
        )

    def answer(self, store: Store, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, kept under ``key`` while the store's data is unchanged.

        ``key`` must name everything the answer depends on besides the data (the account,
        the as-of date, the parameters, the caller's visible companies). An error is not
        kept (:meth:`~graph_service.store.kept.KeptByVersion.computed`).
        """
        if self.size <= 0:
            return compute()  # spare the version read
        return cast(T, self._answers.computed(key, store.data_version(), compute))
