"""The permission matrix: every operation the service answers, what it asks of the policy,
and what each role gets for an account of its own and for another's.

Generated from :data:`~graph_service.auth.policy.POLICY` and the scopes
(:class:`~graph_service.domain.Scope`): docs/security.md carries :func:`matrix_markdown`,
and a test fails when the two disagree or when an operation of the schema or the app is
missing here; the permission-matrix test runs every operation as every role on both stores.

Outcomes:

- ``yes``: answered;
- ``not found``: answered exactly as for an account (person, deal) that does not exist;
- ``own``: a portfolio answer computed over the caller's accounts only (hidden accounts
  neither listed nor counted); ``all``: over every account;
- ``refused``: the role may not run this kind of operation (GraphQL ``FORBIDDEN``,
  HTTP ``403``).

>>> outcome(operation("mutation logTouch"), Role.STRATEGIST, own=True)
<Outcome.REFUSED: 'refused'>
>>> outcome(operation("query account"), Role.REP, own=False)
<Outcome.NOT_FOUND: 'not found'>
>>> outcome(operation("query targetList"), Role.MANAGER, own=True)
<Outcome.OWN: 'own'>
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graph_service.auth import Action, Role, allows
from graph_service.domain import SEES_EVERYTHING


class Reach(StrEnum):
    """What an operation is about: one account (or something of one), or the portfolio."""

    ACCOUNT = "account"
    PORTFOLIO = "portfolio"


class Outcome(StrEnum):
    """What a caller gets (see the module docstring)."""

    YES = "yes"
    NOT_FOUND = "not found"
    OWN = "own"
    ALL = "all"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Operation:
    """One query field, mutation or route, by the name a client uses."""

    name: str
    action: Action
    reach: Reach


def _q(name: str, reach: Reach = Reach.ACCOUNT) -> Operation:
    return Operation(f"query {name}", Action.READ, reach)


def _m(name: str) -> Operation:
    return Operation(f"mutation {name}", Action.WRITE, Reach.ACCOUNT)


#: Every operation of the API, in the order of the matrix.
OPERATIONS: tuple[Operation, ...] = (
    _q("account"),
    _q("accounts", Reach.PORTFOLIO),
    _q("person"),
    _q("deal"),
    _q("member"),
    _q("coverageGaps"),
    _q("influencePaths"),
    _q("nextBestTouches"),
    _q("shareOfWallet"),
    _q("portfolioCoverage", Reach.PORTFOLIO),
    _q("ltvShareAnalysis", Reach.PORTFOLIO),
    _q("rfmSegments", Reach.PORTFOLIO),
    _q("targetList", Reach.PORTFOLIO),
    Operation("query auditLog", Action.AUDIT, Reach.PORTFOLIO),
    _m("logTouch"),
    _m("upsertPerson"),
    _m("setBuyingRole"),
    _m("endBuyingRole"),
    _m("upsertRelationship"),
    _m("addNextAction"),
    _m("completeNextAction"),
    _m("setWalletEstimate"),
    Operation("GET /viz/accounts/{id}/org-map", Action.READ, Reach.ACCOUNT),
    Operation("GET /viz/portfolio/sow", Action.READ, Reach.PORTFOLIO),
    Operation("GET /export/targets.{format}", Action.EXPORT, Reach.PORTFOLIO),
)


def operation(name: str) -> Operation:
    """The operation called ``name`` (``KeyError`` if there is none)."""
    for op in OPERATIONS:
        if op.name == name:
            return op
    raise KeyError(name)


def outcome(op: Operation, role: Role, *, own: bool) -> Outcome:
    """What ``role`` gets from ``op`` for an account of its own (``own``) or another's."""
    if not allows(role, op.action):
        return Outcome.REFUSED
    everything = role in SEES_EVERYTHING
    if op.reach is Reach.PORTFOLIO:
        return Outcome.ALL if everything else Outcome.OWN
    return Outcome.YES if everything or own else Outcome.NOT_FOUND


def matrix_markdown() -> str:
    """The matrix as a Markdown table: one row per operation, a column per role and
    own/other account."""
    roles = list(Role)
    head = ["operation", "action"] + [f"{r.value}: {w}" for r in roles for w in ("own", "other")]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for op in OPERATIONS:
        cells = [f"`{op.name}`", op.action.value]
        for role in roles:
            for own in (True, False):
                cells.append(outcome(op, role, own=own).value)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
