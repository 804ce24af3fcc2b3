"""An account and its subsidiaries, read through the :class:`~graph_service.store.base.Store`
protocol (any store): what org maps, path graphs and subsidiary roll-ups start from."""

from __future__ import annotations

from graph_service.domain import AccountView
from graph_service.errors import NotFoundError
from graph_service.store.base import Store


def account_view(store: Store, account_id: str) -> AccountView:
    """The account's view, or :class:`~graph_service.errors.NotFoundError`."""
    view = store.account(account_id)
    if view is None:
        raise NotFoundError("account", account_id)
    return view


def family_views(store: Store, account_id: str) -> list[AccountView]:
    """The account's view followed by those of all its subsidiaries, recursively.

    Breadth first, subsidiaries of each company in id order; a company met twice (a parent
    loop in the data) is read once.
    """
    views = [account_view(store, account_id)]
    seen = {account_id}
    i = 0
    while i < len(views):
        for sub in sorted(views[i].subsidiaries, key=lambda c: c.id):
            if sub.id not in seen:
                seen.add(sub.id)
                sub_view = store.account(sub.id)
                if sub_view is not None:
                    views.append(sub_view)
        i += 1
    return views
