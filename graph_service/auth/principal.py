"""Who is calling: a team member or a service account, with one role."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graph_service.domain import AccessRole
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

    def __str__(self) -> str:
        return f"{self.kind.value} {self.id} ({self.role.value})"
