"""Which account a person or a deal belongs to, and the companies of a listing, within a
caller's visible companies: a record at a company outside ``visible`` answers None, the same
as one that does not exist."""

from __future__ import annotations

from collections.abc import Iterator

from graph_service import domain as dm
from graph_service.store.base import Store

_PAGE = 500


def company_of(
    store: Store, kind: dm.Kind, record_id: str, visible: frozenset[str] | None
) -> str | None:
    """The id of the company the person or deal ``record_id`` belongs to, when it exists and
    that company is among ``visible`` (None: every company); else None. One store read."""
    if kind not in (dm.Kind.PEOPLE, dm.Kind.DEALS):
        raise ValueError(f"no company lookup for {kind.value}")
    found = store.company_of(kind, record_id)
    return found if found is not None and (visible is None or found in visible) else None


def companies(
    store: Store, where: dm.AccountFilter, visible: frozenset[str] | None
) -> Iterator[dm.Company]:
    """Every company matching ``where`` among ``visible``, in id order, page by page."""
    after: str | None = None
    while True:
        page = store.accounts(first=_PAGE, after=after, where=where, visible=visible)
        yield from page.companies
        if not page.has_next or not page.companies:
            return
        after = page.companies[-1].id
