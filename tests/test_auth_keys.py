"""API keys: shown once, stored as an argon2 hash, looked up by id, revocable."""

from __future__ import annotations

import json
import stat
from collections.abc import Collection
from pathlib import Path
from typing import Literal

import pytest
from argon2 import PasswordHasher

from graph_service.auth import (
    ApiKeyStore,
    Authenticator,
    AuthError,
    AuthMethod,
    Principal,
    PrincipalKind,
    Role,
)
from graph_service.domain import Kind, TeamMember
from graph_service.errors import NotFoundError
from graph_service.store.base import Store


class Members:
    """A store that knows team members m1 and m2."""

    def existing_ids(self, kind: Kind, ids: Collection[str]) -> set[str]:
        assert kind is Kind.TEAM
        return {i for i in ids if i in {"m1", "m2"}}


class CountingHasher(PasswordHasher):
    """A fast argon2 hasher that counts the hashes it checks."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.checked: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.checked.append(str(hash))
        return super().verify(hash, password)


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher()


@pytest.fixture
def keys(tmp_path: Path, hasher: CountingHasher) -> ApiKeyStore:
    return ApiKeyStore(tmp_path / "api_keys.json", hasher=hasher)


def test_a_member_key_verifies_as_that_member_with_its_role(keys: ApiKeyStore) -> None:
    created = keys.create(Role.REP, member_id="m2", members=Members())
    assert keys.verify(created.key) == Principal(
        kind=PrincipalKind.MEMBER,
        id="m2",
        role=Role.REP,
        method=AuthMethod.API_KEY,
        key_id=created.record.id,
    )


def test_a_service_key_verifies_as_the_service_account(keys: ApiKeyStore) -> None:
    created = keys.create(Role.STRATEGIST, service="bi-export")
    principal = keys.verify(created.key)
    assert (principal.kind, principal.id, principal.member_id) == (
        PrincipalKind.SERVICE,
        "bi-export",
        None,
    )


def test_a_key_has_the_prefix_its_id_and_a_long_random_secret(keys: ApiKeyStore) -> None:
    created = keys.create(Role.ADMIN, service="ops")
    prefix, key_id, secret = created.key.split("_", 2)
    assert (prefix, key_id) == ("abm", created.record.id)
    assert len(secret) >= 43  # 32 random bytes, URL-safe base64


def test_only_an_argon2_hash_of_the_key_is_stored(keys: ApiKeyStore) -> None:
    created = keys.create(Role.REP, member_id="m1", members=Members(), name="laptop")
    text = keys.path.read_text(encoding="utf-8")
    secret = created.key.split("_", 2)[2]
    assert secret not in text and created.key not in text
    (row,) = json.loads(text)["keys"]
    assert row["hash"].startswith("$argon2id$")
    assert row["principal"] == "m1" and row["name"] == "laptop" and row["revoked_at"] is None


def test_the_key_file_is_readable_by_its_owner_only(keys: ApiKeyStore) -> None:
    keys.create(Role.REP, service="crm-sync")
    assert stat.S_IMODE(keys.path.stat().st_mode) == 0o600


def test_a_revoked_key_is_refused(keys: ApiKeyStore) -> None:
    created = keys.create(Role.REP, member_id="m1", members=Members())
    keys.revoke(created.record.id)
    with pytest.raises(AuthError, match=r"^invalid API key$"):
        keys.verify(created.key)


def test_a_wrong_secret_is_refused(keys: ApiKeyStore) -> None:
    created = keys.create(Role.REP, member_id="m1", members=Members())
    with pytest.raises(AuthError, match=r"^invalid API key$"):
        keys.verify(created.key[:-4] + "AAAA")


def test_an_unknown_key_is_refused_as_a_revoked_one_is(keys: ApiKeyStore) -> None:
    keys.create(Role.REP, service="crm-sync")
    with pytest.raises(AuthError, match=r"^invalid API key$"):
        keys.verify("abm_0123456789ab_" + "x" * 43)


def test_verify_checks_one_hash_whatever_the_number_of_keys(
    keys: ApiKeyStore, hasher: CountingHasher
) -> None:
    created = [keys.create(Role.REP, service=f"svc-{i}") for i in range(3)]
    hasher.checked.clear()
    keys.verify(created[1].key)
    assert hasher.checked == [created[1].record.hash]


def test_an_unknown_key_still_costs_one_hash_check(
    keys: ApiKeyStore, hasher: CountingHasher
) -> None:
    keys.create(Role.REP, service="crm-sync")
    hasher.checked.clear()
    with pytest.raises(AuthError):
        keys.verify("abm_0123456789ab_" + "x" * 43)
    assert len(hasher.checked) == 1


def test_a_key_for_a_member_not_in_the_store_is_not_created(keys: ApiKeyStore) -> None:
    with pytest.raises(NotFoundError, match="team member 'm9'"):
        keys.create(Role.REP, member_id="m9", members=Members())
    assert keys.list() == []


def test_revoking_keeps_the_record_with_its_revocation_time(keys: ApiKeyStore) -> None:
    created = keys.create(Role.MANAGER, member_id="m1", members=Members())
    revoked = keys.revoke(created.record.id)
    (listed,) = keys.list()
    assert listed == revoked and listed.revoked_at is not None


def test_revoking_an_unknown_key_is_not_found(keys: ApiKeyStore) -> None:
    with pytest.raises(NotFoundError):
        keys.revoke("0123456789ab")


def test_authenticate_takes_a_bearer_api_key(keys: ApiKeyStore) -> None:
    created = keys.create(Role.ADMIN, service="ops")
    principal = Authenticator(keys).authenticate(f"Bearer {created.key}")
    assert principal.id == "ops" and principal.role is Role.ADMIN


def test_authenticate_without_a_bearer_header_is_refused(keys: ApiKeyStore) -> None:
    with pytest.raises(AuthError, match="no credentials"):
        Authenticator(keys).authenticate(None)


def test_authenticate_refuses_a_token_when_no_jwt_key_is_configured(
    keys: ApiKeyStore,
) -> None:
    with pytest.raises(AuthError, match="API keys only"):
        Authenticator(keys).authenticate("Bearer eyJhbGciOiJIUzI1NiJ9.e30.x")


def test_a_member_key_is_created_for_a_team_member_of_either_store(
    store: Store, tmp_path: Path, hasher: CountingHasher
) -> None:
    store.upsert(Kind.TEAM, [TeamMember(id="m7", full_name="Mia Manager")])
    keys = ApiKeyStore(tmp_path / "keys" / "api_keys.json", hasher=hasher)
    created = keys.create(Role.MANAGER, member_id="m7", members=store)
    assert keys.verify(created.key).member_id == "m7"


def test_a_key_checked_once_is_not_hashed_again(keys: ApiKeyStore, hasher: CountingHasher) -> None:
    created = keys.create(Role.REP, member_id="m1", members=Members())
    first = keys.verify(created.key)
    hasher.checked.clear()
    assert keys.verify(created.key) == first
    assert hasher.checked == []


def test_a_key_revoked_after_it_was_checked_is_refused_by_the_same_store(
    tmp_path: Path, hasher: CountingHasher
) -> None:
    service = ApiKeyStore(tmp_path / "api_keys.json", hasher=hasher)
    cli = ApiKeyStore(tmp_path / "api_keys.json", hasher=hasher)
    created = cli.create(Role.REP, member_id="m1", members=Members())
    service.verify(created.key)
    cli.revoke(created.record.id)
    with pytest.raises(AuthError, match=r"^invalid API key$"):
        service.verify(created.key)


def test_a_wrong_secret_is_refused_after_the_right_one_passed(keys: ApiKeyStore) -> None:
    created = keys.create(Role.REP, member_id="m1", members=Members())
    keys.verify(created.key)
    with pytest.raises(AuthError, match=r"^invalid API key$"):
        keys.verify(created.key[:-4] + "AAAA")


def test_no_key_file_means_no_credentials_configured(keys: ApiKeyStore) -> None:
    assert not Authenticator(keys).configured()
    keys.create(Role.REP, service="crm-sync")
    assert Authenticator(keys).configured()
