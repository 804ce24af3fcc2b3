"""Which account a person or a deal belongs to, and where a team member's record is, found
through the store's existing reads.

INTERIM: ``Store.company_of(kind, record_id)`` is being added to the store protocol; at merge,
:func:`company_of` becomes ``store.company_of(kind, record_id)`` (then checked against
``visible``). Until then the lookups here walk existing reads: a person through
:meth:`~graph_service.store.base.Store.resolution_records`, a deal through the account views
of the visible companies. Both answer None for a record at a company outside ``visible``, the
same as for a record that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph_service import domain as dm
from graph_service.store.base import Store

_PAGE = 500


def company_of(
    store: Store, kind: dm.Kind, record_id: str, visible: frozenset[str] | None
) -> str | None:
    """The id of the company the person or deal ``record_id`` belongs to, when it exists and
    that company is among ``visible`` (None: every company); else None."""
    if kind not in (dm.Kind.PEOPLE, dm.Kind.DEALS):
        raise ValueError(f"no company lookup for {kind.value}")
    if not store.existing_ids(kind, [record_id]):
        return None
    if kind is dm.Kind.PEOPLE:
        for record in store.resolution_records(dm.Kind.PEOPLE).records:
            if isinstance(record, dm.Person) and record.id == record_id:
                found = record.company_id
                return found if visible is None or found in visible else None
        return None
    for company in companies(store, dm.AccountFilter(), visible):
        view = store.account(company.id, visible=visible)
        if view is not None and any(d.id == record_id for d in view.deals):
            return company.id
    return None


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


def member_record(store: Store, member_id: str) -> dm.TeamMember | None:
    """The team member ``member_id``'s record, read from the view of an account whose team
    they are on (any account: only the record is answered); None when they are on no
    account team."""
    for company in companies(store, dm.AccountFilter(owner_id=member_id), None):
        view = store.account(company.id)
        if view is not None:
            for m in view.members:
                if m.id == member_id:
                    return m
    return None
