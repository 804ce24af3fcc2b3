"""Parent lines that run in a circle are rejected at load, at the row that closes the circle.

A business unit's ``parent_bu_id``, a person's ``reports_to``, a company's ``parent_company_id``
and a team member's ``manager_id`` each point at a record of the same kind. A chain of them must
end: a unit that is its own ancestor has no place in an org map. :class:`CycleGuard` follows the
chain up from each row's parent, through the rows this load has accepted and, for ids this load
has not given a parent, through what the store holds (the account's units and people; a
company's parent; team members only within the load), and rejects the row whose link would
close a circle, naming file, line and field. A row listed before its parent in the same file is
checked when the parent's row comes: the later row is the one that closes the circle.
"""

from __future__ import annotations

from collections.abc import Callable

from graph_service.domain import Company, Kind, Record
from graph_service.store.base import Store
from loaders.report import Reject

#: Per kind, the record field and bundle column that point at a record of the same kind.
PARENT_LINKS: dict[Kind, tuple[str, str]] = {
    Kind.COMPANIES: ("parent_company_id", "parent_company_id"),
    Kind.BUSINESS_UNITS: ("parent_bu_id", "parent_bu_id"),
    Kind.PEOPLE: ("reports_to", "reports_to"),
    Kind.TEAM: ("manager_id", "manager_id"),
}

_NOUNS = {
    Kind.COMPANIES: "parent company",
    Kind.BUSINESS_UNITS: "parent unit",
    Kind.PEOPLE: "manager",
    Kind.TEAM: "manager",
}


class CycleGuard:
    """Checks the parent links of one load (see the module docstring)."""

    def __init__(self, store: Store, before_read: Callable[[], None] = lambda: None) -> None:
        self._store = store
        self._before_read = before_read  # lets the writer finish before the store is read
        self._links: dict[Kind, dict[str, str | None]] = {k: {} for k in PARENT_LINKS}
        self._stored: dict[Kind, dict[str, str | None]] = {k: {} for k in PARENT_LINKS}
        self._accounts_read: set[str] = set()

    def check(
        self,
        kind: Kind,
        record: Record,
        file: str,
        line: int,
        ref: Callable[[str], str],
        pending: Callable[[str], bool] = lambda _: False,
    ) -> Reject | None:
        """The reject of ``record`` when its parent link closes a circle, else ``None``.

        ``ref`` maps an id to the one it stands for after entity resolution; ``pending`` tells the
        ids of rows further down the same file (their links are checked when they come).
        """
        if kind not in PARENT_LINKS:
            return None
        field, column = PARENT_LINKS[kind]
        parent = getattr(record, field)
        if parent is None:
            return None
        own = ref(record.id)
        chain = [own]
        current: str | None = ref(parent)
        seen = {own}
        while current is not None:
            chain.append(current)
            if current in seen:
                path = " → ".join(chain)
                return Reject(
                    file,
                    line,
                    column,
                    parent,
                    f"{_NOUNS[kind]} {parent!r} closes a cycle: {path}",
                )
            seen.add(current)
            current = self._parent(kind, current, record, pending, ref)
        return None

    def add(self, kind: Kind, record: Record) -> None:
        """Note the parent link of a record this load writes."""
        if kind in PARENT_LINKS:
            self._links[kind][record.id] = getattr(record, PARENT_LINKS[kind][0])

    def _parent(
        self,
        kind: Kind,
        id_: str,
        record: Record,
        pending: Callable[[str], bool],
        ref: Callable[[str], str],
    ) -> str | None:
        links = self._links[kind]
        if id_ in links:
            found = links[id_]
            return None if found is None else ref(found)
        if pending(id_):
            return None  # its row comes later in this file and is checked then
        stored = self._stored[kind]
        if id_ not in stored:
            self._read_store(kind, id_, record)
        found = stored.get(id_)
        return None if found is None else ref(found)

    def _read_store(self, kind: Kind, id_: str, record: Record) -> None:
        company = id_ if isinstance(record, Company) else getattr(record, "company_id", None)
        if kind is not Kind.TEAM and company is not None and company not in self._accounts_read:
            self._accounts_read.add(company)
            self._before_read()
            view = self._store.account(company)
            if view is not None:
                parent = view.parent.id if view.parent is not None else None
                self._stored[Kind.COMPANIES].setdefault(view.company.id, parent)
                for unit in view.business_units:
                    self._stored[Kind.BUSINESS_UNITS].setdefault(unit.id, unit.parent_bu_id)
                for person in view.people:
                    self._stored[Kind.PEOPLE].setdefault(person.id, person.reports_to)
        self._stored[kind].setdefault(id_, None)  # not in the store (or not where we looked)
