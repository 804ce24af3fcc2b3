"""Credentials for tests: API keys with a fast argon2 hasher, and the header that sends one."""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher

from graph_service.auth import ApiKeyStore, Authenticator, Role
from graph_service.auth.keys import MemberDirectory, key_file


def fast_hasher() -> PasswordHasher:
    """argon2id at its cheapest: tests check behaviour, not the hash's cost."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class Credentials:
    """The API keys of one key file, and an authenticator that accepts them."""

    def __init__(self, directory: Path) -> None:
        self.keys = ApiKeyStore(key_file(directory), hasher=fast_hasher())
        self.authenticator = Authenticator(self.keys)

    def header(
        self,
        role: Role,
        *,
        member_id: str | None = None,
        members: MemberDirectory | None = None,
        service: str | None = None,
    ) -> dict[str, str]:
        """A new key's ``Authorization`` header: for ``member_id`` (checked in ``members``),
        else for service account ``service`` (default: one named after the role)."""
        if member_id is None:
            created = self.keys.create(role, service=service or f"test-{role.value}")
        else:
            created = self.keys.create(role, member_id=member_id, members=members)
        return {"Authorization": f"Bearer {created.key}"}
