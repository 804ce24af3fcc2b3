"""What the pages show, shaped from the GraphQL answers (plain data in, plain data out).

**Portfolio rows** (:func:`portfolio_rows`): one per target-list account, with the account's
industry, country and account team's names; ``search`` keeps names containing it (case and
width folded, so ``ｓａｋｕｒａ`` finds "Sakura"); ``sort`` is one of :data:`SORTS`: ``rank``
(the target list's order), ``name``, ``score`` (highest first), ``coverage`` (lowest first:
the gaps) or ``whitespace`` (largest first).

**The buying committee board** (:func:`committee_board`): one row per scope of the coverage
answer (the account as a whole, then each business unit), one column per required role (in
the order the answer lists them) and the champion; each seat lists its holders with their
status (engaged, cooling, cold) and last touch, and a required role nobody holds is an empty
seat (status ``MISSING``). A role not required in a row has no seat there.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SORTS = ("rank", "name", "score", "coverage", "whitespace")


def fold(text: str) -> str:
    """``text`` for matching: NFKC (full-width to half-width) and case-folded.

    >>> fold("ＳＡＫＵＲＡ Manufacturing") == fold("sakura manufacturing")
    True
    """
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class PortfolioRow:
    id: str
    name: str
    rank: int
    tier: str
    score: float
    coverage: float
    whitespace: float | None
    currency: str | None
    segment: str
    owners: list[str]
    industry: str | None
    country: str | None


def portfolio_rows(
    targets: Sequence[Mapping[str, Any]],
    accounts: Sequence[Mapping[str, Any]],
    *,
    search: str | None = None,
    sort: str = "rank",
) -> list[PortfolioRow]:
    """The portfolio table (see the module).

    >>> targets = [
    ...     {"accountId": "a", "name": "Sakura", "rank": 1, "tier": "ONE_TO_ONE", "score": 0.9,
    ...      "coverage": 0.5, "segment": "LOYAL", "ownerIds": ["m1"],
    ...      "whitespace": {"amount": 10.0, "currency": "JPY"}},
    ...     {"accountId": "b", "name": "Bluefin", "rank": 2, "tier": "ONE_TO_MANY",
    ...      "score": 0.4, "coverage": 0.25, "segment": "NEW", "ownerIds": [],
    ...      "whitespace": {"amount": 30.0, "currency": "JPY"}},
    ... ]
    >>> accounts = [{"id": "a", "industry": "Manufacturing", "country": "JP",
    ...              "accountTeam": [{"member": {"id": "m1", "fullName": "Misaki"}}]}]
    >>> [r.id for r in portfolio_rows(targets, accounts)]
    ['a', 'b']
    >>> [r.id for r in portfolio_rows(targets, accounts, sort="whitespace")]
    ['b', 'a']
    >>> [r.id for r in portfolio_rows(targets, accounts, sort="coverage")]
    ['b', 'a']
    >>> [r.owners for r in portfolio_rows(targets, accounts, search="ｓａｋｕ")]
    [['Misaki']]
    """
    if sort not in SORTS:
        raise ValueError(f"sort: one of {', '.join(SORTS)}, not {sort!r}")
    by_id = {a["id"]: a for a in accounts}
    rows = []
    wanted = fold(search.strip()) if search and search.strip() else None
    for t in targets:
        if wanted is not None and wanted not in fold(t["name"]):
            continue
        account = by_id.get(t["accountId"], {})
        names = {
            seat["member"]["id"]: seat["member"]["fullName"]
            for seat in account.get("accountTeam", [])
        }
        money = t.get("whitespace")
        rows.append(
            PortfolioRow(
                id=t["accountId"],
                name=t["name"],
                rank=t["rank"],
                tier=t["tier"],
                score=t["score"],
                coverage=t["coverage"],
                whitespace=money["amount"] if money else None,
                currency=money["currency"] if money else None,
                segment=t["segment"],
                owners=[names.get(mid, mid) for mid in t["ownerIds"]],
                industry=account.get("industry"),
                country=account.get("country"),
            )
        )
    keys: dict[str, Any] = {
        "rank": lambda r: r.rank,
        "name": lambda r: (fold(r.name), r.rank),
        "score": lambda r: (-r.score, r.rank),
        "coverage": lambda r: (r.coverage, r.rank),
        "whitespace": lambda r: (-(r.whitespace or 0.0), r.rank),
    }
    return sorted(rows, key=keys[sort])


@dataclass(frozen=True)
class Holder:
    person_id: str
    name: str
    status: str
    last_touch: str | None


@dataclass(frozen=True)
class Seat:
    role: str
    status: str
    holders: list[Holder]

    @property
    def empty(self) -> bool:
        return not self.holders


@dataclass(frozen=True)
class BoardRow:
    unit_id: str | None
    name: str
    score: float
    seats: dict[str, Seat]


@dataclass(frozen=True)
class Board:
    roles: list[str]
    rows: list[BoardRow] = field(default_factory=list)

    def missing(self) -> int:
        """Empty seats on the board."""
        return sum(1 for row in self.rows for seat in row.seats.values() if seat.empty)


def _seat(coverage: Mapping[str, Any], names: Mapping[str, str], last: Mapping[str, Any]) -> Seat:
    holders = [
        Holder(pid, names.get(pid, pid), status, last.get(pid))
        for status, key in (
            ("ENGAGED", "engagedPersonIds"),
            ("COOLING", "coolingPersonIds"),
            ("COLD", "coldPersonIds"),
        )
        for pid in coverage.get(key, [])
    ]
    return Seat(coverage["role"], coverage["status"], holders)


def committee_board(gaps: Mapping[str, Any], people: Sequence[Mapping[str, Any]]) -> Board:
    """The board of a ``coverageGaps`` answer (see the module).

    >>> row = {"businessUnitId": None, "name": "Acme", "score": 0.5,
    ...        "roles": [{"role": "DECIDER", "status": "ENGAGED", "engagedPersonIds": ["p1"]},
    ...                  {"role": "BUYER", "status": "MISSING"}],
    ...        "champion": {"role": "CHAMPION", "status": "COLD", "coldPersonIds": ["p2"]}}
    >>> gaps = {"account": row, "businessUnits": [],
    ...         "people": [{"personId": "p1", "lastTouch": "2026-11-02"}]}
    >>> board = committee_board(gaps, [{"id": "p1", "fullName": "Aiko"},
    ...                                {"id": "p2", "fullName": "Ben"}])
    >>> board.roles
    ['DECIDER', 'BUYER', 'CHAMPION']
    >>> seats = board.rows[0].seats
    >>> seats["DECIDER"].holders
    [Holder(person_id='p1', name='Aiko', status='ENGAGED', last_touch='2026-11-02')]
    >>> seats["BUYER"].empty, seats["CHAMPION"].holders[0].status, board.missing()
    (True, 'COLD', 1)
    """
    names = {p["id"]: p["fullName"] for p in people}
    last = {p["personId"]: p.get("lastTouch") for p in gaps.get("people", [])}
    roles: list[str] = []
    rows = []
    for scope in [gaps["account"], *gaps.get("businessUnits", [])]:
        seats = {}
        for coverage in [*scope["roles"], scope["champion"]]:
            seats[coverage["role"]] = _seat(coverage, names, last)
            if coverage["role"] not in roles:
                roles.append(coverage["role"])
        rows.append(BoardRow(scope.get("businessUnitId"), scope["name"], scope["score"], seats))
    if "CHAMPION" in roles:  # the champion's column last
        roles.remove("CHAMPION")
        roles.append("CHAMPION")
    return Board(roles, rows)
