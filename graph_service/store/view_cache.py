"""Account views of recently asked accounts, kept while the store's data is unchanged.

An embedded account view, an account page and the analytics of one account read the same
view again and again; reading it is the store's largest query (every person, deal and the
latest touches) and turning its rows into records. :func:`cached_views` wraps a store so that
:meth:`~graph_service.store.base.Store.account` hands back the view it read last for the same
account, scope and sections while :meth:`~graph_service.store.base.Store.data_version` is
what it was when the view was read. Every committed write through abmgraph (a load, a
mutation, a merge, a retirement, a clear) moves the version on in its own transaction, so a
view from the cache is always the view a fresh read would give; checking the version is one
small read. The version is read before the view, so a write between the two can only make
the kept view newer than its version, never older: the next call reads again.

A view is shared by every request that gets it from the cache: views are read-only (frozen
records; the analytics make changed copies). Views of different scopes (``visible``) and
different sections are kept apart. Only single-account reads are kept; a page of accounts
(:meth:`~graph_service.store.base.Store.account_views`) is read each time.

>>> import tempfile
>>> from pathlib import Path
>>> from graph_service.store.memory import MemoryStore
>>> from graph_service.domain import Company, Kind
>>> store = MemoryStore(Path(tempfile.mkdtemp()))
>>> store.upsert(Kind.COMPANIES, [Company(id="c1", name="Acme")])
>>> views = cached_views(store, size=8)
>>> views.account("c1") is views.account("c1")  # the second read is the first view
True
>>> store.upsert(Kind.COMPANIES, [Company(id="c1", name="Acme KK")])  # the version moves on
>>> views.account("c1").company.name
'Acme KK'
"""

from __future__ import annotations

from typing import Any, cast

from graph_service.domain import ALL_SECTIONS, AccountSections, AccountView
from graph_service.store.base import Store
from graph_service.store.kept import KeptByVersion

#: How many account views a cache keeps by default (``ABMGRAPH_VIEW_CACHE_SIZE``): a
#: complete view of a 2,000-person account with its 3,050 touches holds 2.7 MB (measured).
DEFAULT_SIZE = 32


class _CachedViews:
    """``store`` with its single-account views kept (see the module); everything else is the
    store's own."""

    def __init__(self, store: Store, size: int) -> None:
        self._store = store
        self.kept: KeptByVersion[AccountView | None] = KeptByVersion(size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def account(
        self,
        company_id: str,
        *,
        visible: frozenset[str] | None = None,
        sections: AccountSections = ALL_SECTIONS,
    ) -> AccountView | None:
        return self.kept.computed(
            (company_id, visible, sections),
            self._store.data_version(),
            lambda: self._store.account(company_id, visible=visible, sections=sections),
        )


def cached_views(store: Store, size: int = DEFAULT_SIZE) -> Store:
    """``store`` with the views of its last ``size`` single-account reads kept while its
    data is unchanged; ``size`` 0 keeps none (``store`` itself)."""
    if size <= 0:
        return store
    return cast(Store, _CachedViews(store, size))
