"""What each role may do: the one access policy the API, the drawings and the exports ask.

Which *accounts* a caller sees is the scope's business (:class:`~graph_service.domain.Scope`,
enforced in the store queries); this policy says which *kinds of operation* a role may run at
all, over the accounts it sees:

- ``read``: queries, org maps and charts, over the caller's scope (every role);
- ``export``: target-list exports (strategists and admins: the whole portfolio);
- ``write``: mutations, to accounts in the caller's scope (reps, managers, admins; a
  strategist reads only);
- ``audit``: the audit log (admins).

docs/security.md carries the permission matrix generated from :data:`POLICY`.

>>> allows(Role.REP, Action.WRITE)
True
>>> allows(Role.STRATEGIST, Action.WRITE)
False
>>> [a.value for a in Action if allows(Role.ADMIN, a)]
['read', 'export', 'write', 'audit']
"""

from __future__ import annotations

from enum import StrEnum

from graph_service.auth.principal import Principal, Role
from graph_service.errors import ForbiddenError


class Action(StrEnum):
    """A kind of operation (see the module's definitions)."""

    READ = "read"
    EXPORT = "export"
    WRITE = "write"
    AUDIT = "audit"


#: For each role, the actions it may run (over the accounts its scope sees).
POLICY: dict[Role, frozenset[Action]] = {
    Role.REP: frozenset({Action.READ, Action.WRITE}),
    Role.MANAGER: frozenset({Action.READ, Action.WRITE}),
    Role.STRATEGIST: frozenset({Action.READ, Action.EXPORT}),
    Role.ADMIN: frozenset(Action),
}


def allows(role: Role, action: Action) -> bool:
    """Whether ``role`` may run ``action`` at all."""
    return action in POLICY[role]


def require(principal: Principal, action: Action) -> None:
    """Raise :class:`~graph_service.errors.ForbiddenError` unless ``principal`` may run
    ``action``; the message names the role and the action, never an account."""
    if not allows(principal.role, action):
        raise ForbiddenError(f"a {principal.role.value} may not {action.value}")
