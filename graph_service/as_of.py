"""What holds on a given day: the date rules every answer and both stores share.

Each answer is "as of" a date. These definitions decide which records count on that day; the
analytics use them, the embedded store rolls a portfolio up with them, and the Neo4j store's
Cypher implements the same rules (the conformance suite holds the two equal).

* An answer that names no day is as of **today** (:func:`today`): the machine's date, unless
  the process fixed another (:func:`fix_today`; the demo answers as of its own date).
* A touch's **day** is its local calendar date.
* A day is **in the window** of ``days`` days up to ``as_of`` when
  ``as_of - days < day <= as_of`` (the as-of day included, the first day excluded).
* A touch is an **exchange** (two-way) when it is a meeting, a visit or a call (any
  direction) or an inbound message of any type; a person is engaged by an exchange in the
  window, never by an attempt (an outbound-only email or invitation).
* A person **has left** on ``as_of`` when their ``left_at`` is on or before it.
* A buying role is **held** on ``as_of`` when ``since <= as_of < until``: from its ``since``
  day included (no ``since``: held from the start) to its ``until`` day excluded (no
  ``until``: still held). ``until`` is the first day it is no longer held.
* A record is **current** on ``as_of`` unless a snapshot load retired it on or before that day
  (``retired_at <= as_of``): a record its source no longer has counts in answers up to the day
  before the load that found it gone, and in none from that day on (:func:`is_current`). An
  account's view **as of** a day (:func:`current_view`) leaves out its retired units, people,
  buying roles, ties, account team assignments and deals, the roles of retired people and
  units, and the deal contacts of retired people and deals; touches, next actions and wallet
  estimates are never retired (they are history, or dated already).
* A deal is **open** on ``as_of`` when its stage is open and it was created on or before it
  (or has no created date).
* The **latest estimates** on ``as_of`` are, per (company, unit, category), the wallet
  estimate with the latest ``as_of`` on or before that day; a company's **wallet per category**
  is its company-wide estimate, else the sum of its units' estimates.

>>> from datetime import date
>>> in_window(date(2026, 11, 20), date(2026, 11, 20), 90)
True
>>> in_window(date(2026, 8, 22), date(2026, 11, 20), 90)  # exactly 90 days before: outside
False
>>> from graph_service.domain import BuyingRole, Role
>>> role = BuyingRole("p-1", Role.USER, since=date(2026, 8, 3), until=date(2026, 10, 1))
>>> [role_held_on(role, d) for d in (date(2026, 8, 2), date(2026, 8, 3), date(2026, 10, 1))]
[False, True, False]
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, timedelta
from typing import Protocol, TypeVar

from graph_service.domain import (
    AccountView,
    BuyingRole,
    Deal,
    Direction,
    PathPerson,
    Person,
    Touch,
    TouchMark,
    TouchType,
    WalletEstimate,
)
from graph_service.errors import InvalidArgumentError

#: The as-of dates answers are defined for: the windows reach a year back, and Python's dates
#: end at year 9999. A date outside is the asker's mistake (:func:`supported_day`).
EARLIEST = date(1900, 1, 1)
LATEST = date.max


class _Today:
    """The day :func:`today` answers when the process fixed one (:func:`fix_today`)."""

    fixed: date | None = None


_TODAY = _Today()


def machine_today() -> date:
    """The machine's date: the one place the default as-of day reads the clock."""
    return date.today()


def today() -> date:
    """The as-of day of an answer that names none: the day the process fixed
    (:func:`fix_today`), else the machine's date.

    >>> fix_today(date(2026, 11, 20))
    >>> today()
    datetime.date(2026, 11, 20)
    >>> fix_today(None)
    >>> today() == date.today()
    True
    """
    return _TODAY.fixed if _TODAY.fixed is not None else machine_today()


def fix_today(day: date | None) -> None:
    """Make :func:`today` answer ``day`` for the rest of the process (None: the machine's date
    again). The demo fixes its own date, so that its story holds whenever it is run."""
    _TODAY.fixed = day


#: A full touch record or its compact form; strength and engagement read only day, type and
#: direction.
TouchLike = Touch | TouchMark


def supported_day(day: date) -> date:
    """``day`` when answers are defined for it, else an
    :class:`~graph_service.errors.InvalidArgumentError` saying which dates are.

    >>> supported_day(date(2026, 11, 20))
    datetime.date(2026, 11, 20)
    >>> supported_day(date(1, 1, 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph_service.errors.InvalidArgumentError: asOf 0001-01-01 is out of range: use a date from ...
    """
    if not EARLIEST <= day <= LATEST:
        raise InvalidArgumentError(
            f"asOf {day.isoformat()} is out of range: use a date from "
            f"{EARLIEST.isoformat()} to {LATEST.isoformat()}"
        )
    return day


def touch_day(touch: TouchLike) -> date:
    """The local calendar day of a touch."""
    return touch.day if isinstance(touch, TouchMark) else touch.occurred_at.date()


#: Touch types that are an exchange whatever their direction.
EXCHANGE_TYPES = frozenset({TouchType.MEETING, TouchType.VISIT, TouchType.CALL})


def is_exchange(touch: TouchLike) -> bool:
    """A two-way touch: a meeting, visit or call, or an inbound message of any type."""
    return touch.type in EXCHANGE_TYPES or touch.direction is Direction.INBOUND


def in_window(day: date, as_of: date, days: int) -> bool:
    """Whether ``day`` falls in the ``days`` days up to and including ``as_of``."""
    return as_of - timedelta(days=days) < day <= as_of


def has_left(person: Person | PathPerson, as_of: date) -> bool:
    """Whether the person left the company on or before ``as_of``."""
    return person.left_at is not None and person.left_at <= as_of


class _Retirable(Protocol):
    @property
    def retired_at(self) -> date | None: ...


_R = TypeVar("_R", bound=_Retirable)


def is_current(record: _Retirable, as_of: date) -> bool:
    """Whether ``record`` still counts on ``as_of``: not retired, or retired after that day."""
    return record.retired_at is None or as_of < record.retired_at


def current(records: Iterable[_R], as_of: date) -> list[_R]:
    """The records of ``records`` current on ``as_of`` (:func:`is_current`), in their order."""
    return [r for r in records if r.retired_at is None or as_of < r.retired_at]


def current_view(view: AccountView, as_of: date) -> AccountView:
    """The account's view without what was retired on or before ``as_of`` (see the module's
    rules). The company itself is kept: whether a retired account is answered for at all is
    the caller's decision. A view with nothing retired is returned as it is."""
    parts: list[Iterable[_Retirable]] = [
        view.subsidiaries,
        view.business_units,
        view.people,
        view.buying_roles,
        view.relationships,
        view.account_team,
        view.deals,
    ]
    if all(r.retired_at is None for part in parts for r in part):
        return view
    units = {b.id for b in view.business_units}
    gone_units = units - {b.id for b in current(view.business_units, as_of)}
    people = current(view.people, as_of)
    gone_people = {p.id for p in view.people} - {p.id for p in people}
    deals = current(view.deals, as_of)
    gone_deals = {d.id for d in view.deals} - {d.id for d in deals}
    return dataclasses.replace(
        view,
        subsidiaries=current(view.subsidiaries, as_of),
        business_units=current(view.business_units, as_of),
        people=people,
        buying_roles=[
            r
            for r in current(view.buying_roles, as_of)
            if r.person_id not in gone_people and r.bu_id not in gone_units
        ],
        relationships=[
            r
            for r in current(view.relationships, as_of)
            if r.from_person_id not in gone_people and r.to_person_id not in gone_people
        ],
        account_team=current(view.account_team, as_of),
        deals=deals,
        deal_contacts=[
            c
            for c in view.deal_contacts
            if c.deal_id not in gone_deals and c.person_id not in gone_people
        ],
    )


def role_held_on(role: BuyingRole, as_of: date) -> bool:
    """Whether the role is held on ``as_of``: ``since <= as_of < until``, open-ended where
    either is unknown."""
    return (role.since is None or role.since <= as_of) and (
        role.until is None or as_of < role.until
    )


def roles_held_on(roles: Iterable[BuyingRole], as_of: date) -> list[BuyingRole]:
    """The roles of ``roles`` held on ``as_of`` (:func:`role_held_on`), in their order."""
    return [r for r in roles if role_held_on(r, as_of)]


def is_open_at(deal: Deal, as_of: date) -> bool:
    """An open-stage deal created on or before ``as_of`` (or with no created date)."""
    return deal.stage.is_open and (deal.created_date is None or deal.created_date <= as_of)


def latest_estimates(wallet: Iterable[WalletEstimate], as_of: date) -> list[WalletEstimate]:
    """The latest estimate on or before ``as_of`` per (company, unit, category)."""
    best: dict[tuple[str, str | None, str], WalletEstimate] = {}
    for w in wallet:
        if w.as_of > as_of:
            continue
        key = (w.company_id, w.bu_id, w.category)
        if key not in best or w.as_of > best[key].as_of:
            best[key] = w
    if len(best) < 2:
        return list(best.values())
    return sorted(best.values(), key=lambda w: (w.company_id, w.bu_id or "", w.category))


def wallet_by_category(estimates: Collection[WalletEstimate]) -> dict[str, float]:
    """One company's wallet per category from its latest estimates (see the module's rules)."""
    if not estimates:  # most accounts of a portfolio have none
        return {}
    company: dict[str, float] = {}
    units: dict[str, float] = defaultdict(float)
    for w in estimates:
        if w.bu_id is None:
            company[w.category] = company.get(w.category, 0.0) + w.amount
        else:
            units[w.category] += w.amount
    return {c: company.get(c, units.get(c, 0.0)) for c in sorted(set(company) | set(units))}
