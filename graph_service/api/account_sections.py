"""Which parts of an account's view a GraphQL selection needs
(:class:`~graph_service.domain.AccountSections`), so that the store reads no more.

An account view that shows the people and the latest 20 touches reads the people and 20
touches, not the account's every touch, deal and wallet estimate. A field this module does
not know needs the whole view (the safe answer); so do a person's last touch and band (they
read all of the person's touches).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from graph_service.domain import ALL_SECTIONS, AccountSections

Selection = SelectedField | FragmentSpread | InlineFragment

#: Fields of the company itself (and its parent and subsidiaries, which always come).
_OWN = frozenset(
    {
        "__typename",
        "id",
        "name",
        "domain",
        "industry",
        "employees",
        "country",
        "parentId",
        "corporateNumber",
        "annualRevenue",
        "parent",
        "subsidiaries",
    }
)
#: Person fields that read nothing beyond the person.
_PERSON_OWN = frozenset(
    {
        "__typename",
        "id",
        "accountId",
        "fullName",
        "title",
        "seniority",
        "email",
        "businessUnitId",
        "reportsToId",
        "leftAt",
    }
)


class _Needs:
    def __init__(self) -> None:
        self.parts: set[str] = set()
        self.touch_limit: int | None = None
        self.all_touches = False
        self.everything = False

    def sections(self) -> AccountSections:
        if self.everything:
            return ALL_SECTIONS
        if self.all_touches:
            return AccountSections.only(**{p: True for p in self.parts | {"touches"}})
        return AccountSections.only(touch_limit=self.touch_limit, **{p: True for p in self.parts})


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    for s in selections:
        if isinstance(s, SelectedField):
            yield s
        else:  # fragments: their fields count as the selection's own
            yield from _fields(s.selections)


def _person(selections: Iterable[Selection], needs: _Needs) -> None:
    needs.parts.add("people")
    for f in _fields(selections):
        if f.name in _PERSON_OWN:
            continue
        if f.name in ("roles", "isChampion"):
            needs.parts.add("buying_roles")
        elif f.name == "ties":
            needs.parts.add("relationships")
        elif f.name in ("lastTouch", "band"):
            needs.all_touches = True
        else:
            needs.everything = True


def _linked(field: SelectedField, needs: _Needs) -> None:
    """The person a touch, an action or a contact links to, and the member."""
    for f in _fields(field.selections):
        if f.name in {"person", "contactPeople"}:
            _person(f.selections, needs)


def _limit(field: SelectedField) -> int:
    """``recentTouches``' limit, as the field clamps it (a literal arrives as text, a
    variable as its value; anything else reads the most the field may show)."""
    value: Any = field.arguments.get("limit", 20)
    try:
        return max(0, min(int(value), 500))
    except (TypeError, ValueError):
        return 500


def needed(selections: Iterable[Selection]) -> AccountSections:
    """The parts of the view the Account fields in ``selections`` need."""
    needs = _Needs()
    for f in _fields(selections):
        name = f.name
        if name in _OWN:
            continue
        if name == "businessUnits":
            needs.parts.add("business_units")
        elif name == "people":
            _person(f.selections, needs)
        elif name == "accountTeam":
            needs.parts.add("account_team")
        elif name == "deals":
            needs.parts.add("deals")
            for d in _fields(f.selections):
                if d.name in ("contacts", "contactPeople"):
                    needs.parts.add("deal_contacts")
                    if d.name == "contactPeople":
                        _person(d.selections, needs)
                    else:
                        _linked(d, needs)
        elif name == "recentTouches":
            needs.touch_limit = max(needs.touch_limit or 0, _limit(f))
            _linked(f, needs)
        elif name == "touchCount":
            needs.parts.add("touch_count")
        elif name == "nextActions":
            needs.parts.add("next_actions")
            _linked(f, needs)
        elif name == "walletEstimates":
            needs.parts.add("wallet")
        else:
            return ALL_SECTIONS
    return needs.sections()


def of_field(field: Selection) -> AccountSections:
    """The parts an ``account``-like field (its selections, fragments included) needs."""
    return needed(field.selections) if isinstance(field, SelectedField) else ALL_SECTIONS


def of_connection(field: Selection) -> AccountSections:
    """The parts the nodes of an account connection (``edges { node { ... } }``) need."""
    if not isinstance(field, SelectedField):
        return ALL_SECTIONS
    nodes = [
        n
        for e in _fields(field.selections)
        if e.name == "edges"
        for n in _fields(e.selections)
        if n.name == "node"
    ]
    if not nodes:
        return AccountSections.only()
    return needed(s for n in nodes for s in n.selections)
