"""An account and its subsidiaries, read through the :class:`~graph_service.store.base.Store`
protocol (any store): what org maps, path graphs and subsidiary roll-ups start from."""

from __future__ import annotations

from datetime import date

from graph_service.as_of import current_view, is_current
from graph_service.domain import AccountView
from graph_service.errors import NotFoundError
from graph_service.store.base import Store


def account_view(
    store: Store,
    account_id: str,
    as_of: date | None = None,
    *,
    visible: frozenset[str] | None = None,
) -> AccountView:
    """The account's view, or :class:`~graph_service.errors.NotFoundError`.

    With ``as_of``, the view as of that day (:func:`~graph_service.as_of.current_view`): what
    a snapshot load retired by then is left out, and so is an account retired by then (it is
    not found). With ``visible`` (see :meth:`~graph_service.store.base.Store.account`), an
    account outside it is not found either, exactly as one that does not exist.
    """
    view = store.account(account_id, visible=visible)
    if view is None or (as_of is not None and not is_current(view.company, as_of)):
        raise NotFoundError("account", account_id)
    return view if as_of is None else current_view(view, as_of)


def family_views(
    store: Store,
    account_id: str,
    as_of: date | None = None,
    *,
    visible: frozenset[str] | None = None,
) -> list[AccountView]:
    """The account's view followed by those of all its subsidiaries, recursively.

    Breadth first, subsidiaries of each company in id order; a company met twice (a parent
    loop in the data) is read once. With ``as_of``, each view as of that day (see
    :func:`account_view`; a retired subsidiary is left out). With ``visible``, only visible
    subsidiaries reached through visible ones.
    """
    views = [account_view(store, account_id, as_of, visible=visible)]
    seen = {account_id}
    i = 0
    while i < len(views):
        for sub in sorted(views[i].subsidiaries, key=lambda c: c.id):
            if sub.id not in seen:
                seen.add(sub.id)
                sub_view = store.account(sub.id, visible=visible)
                if sub_view is not None:
                    views.append(sub_view if as_of is None else current_view(sub_view, as_of))
        i += 1
    return views
