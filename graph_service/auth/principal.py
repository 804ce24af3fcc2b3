"""Who is calling: a team member or a service account, with one role."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graph_service.domain import AccessRole, Scope
from graph_service.errors import AuthError

#: What a caller may do: the roles of the access rules (:class:`~graph_service.domain.Scope`).
Role = AccessRole


class PrincipalKind(StrEnum):
    """A team member (a ``TeamMember`` record) or a named service account."""

    MEMBER = "member"
    SERVICE = "service"


class AuthMethod(StrEnum):
    """How the caller proved who they are."""

    API_KEY = "api_key"
    JWT = "jwt"
    #: Nobody proved anything: the service runs open (the demo, development without keys).
    NONE = "none"


def parse_role(value: object) -> Role:
    """The role ``value`` names, or an :class:`AuthError` listing the roles there are.

    >>> parse_role("rep")
    <AccessRole.REP: 'rep'>
    >>> parse_role("owner")
    Traceback (most recent call last):
    ...
    graph_service.errors.AuthError: unknown role 'owner' (one of rep, manager, strategist, admin)
    """
    for role in Role:
        if value == role.value:
            return role
    choices = ", ".join(r.value for r in Role)
    raise AuthError(f"unknown role {value!r} (one of {choices})")


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller.

    ``id`` is the member id of a team member, or the name of a service account; ``key_id`` is
    the id of the API key it used (none for a JWT).
    """

    kind: PrincipalKind
    id: str
    role: Role
    method: AuthMethod
    key_id: str | None = None

    @property
    def member_id(self) -> str | None:
        """The team member's id, or None for a service account."""
        return self.id if self.kind is PrincipalKind.MEMBER else None

    @property
    def scope(self) -> Scope:
        """The accounts this caller may see (:class:`~graph_service.domain.Scope`).

        A service account with a rep or manager role has no accounts of its own: it sees
        what the team member of the same id would (none, when there is no such member).

        >>> Principal(PrincipalKind.MEMBER, "m1", Role.REP, AuthMethod.API_KEY).scope
        Scope(role=<AccessRole.REP: 'rep'>, member_id='m1')
        >>> OPEN.scope.sees_everything
        True
        """
        if self.role in (Role.STRATEGIST, Role.ADMIN):
            return Scope.everything(self.role)
        return Scope(self.role, self.id)

    def __str__(self) -> str:
        return f"{self.kind.value} {self.id} ({self.role.value})"


#: The caller of a service that runs open (no credentials configured, never in production):
#: an administrator, as whoever runs the demo on their own machine is.
OPEN = Principal(PrincipalKind.SERVICE, "anonymous", Role.ADMIN, AuthMethod.NONE)
