"""``abmgraph keys``: create (shown once), list (never a secret), revoke."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from graph_service.auth import ApiKeyStore, AuthError, key_file
from graph_service.cli.app import app
from graph_service.domain import Kind, TeamMember
from graph_service.errors import NotFoundError
from graph_service.store.memory import MemoryStore
from tests.test_cli import abmgraph


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory whose store knows team member m2."""
    store = MemoryStore(tmp_path / "data")
    try:
        store.upsert(Kind.TEAM, [TeamMember(id="m2", full_name="Rita Rep")])
    finally:
        store.close()
    return tmp_path / "data"


def keys(data_dir: Path, *args: str) -> Result:
    env = {"ABMGRAPH_DATA_DIR": str(data_dir), "ABMGRAPH_STORE": "memory"}
    return CliRunner().invoke(app, ["keys", *args], env=env)


def created_key(data_dir: Path, *args: str) -> str:
    result = keys(data_dir, "create", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def listed(data_dir: Path) -> list[dict[str, str | None]]:
    result = keys(data_dir, "list", "--json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, str | None]] = json.loads(result.stdout)
    return rows


def test_create_prints_a_key_that_verifies_as_the_member(data_dir: Path) -> None:
    key = created_key(data_dir, "--member", "m2", "--role", "rep")
    principal = ApiKeyStore(key_file(data_dir)).verify(key)
    assert (principal.id, principal.role.value) == ("m2", "rep")


def test_the_key_file_holds_a_hash_and_never_the_key(data_dir: Path) -> None:
    key = created_key(data_dir, "--member", "m2", "--role", "rep")
    text = key_file(data_dir).read_text(encoding="utf-8")
    assert key not in text and key.split("_", 2)[2] not in text
    assert "$argon2id$" in text


def test_list_shows_every_key_and_no_secret(data_dir: Path) -> None:
    key = created_key(data_dir, "--service", "crm-sync", "--role", "admin", "--name", "nightly")
    result = keys(data_dir, "list")
    assert result.exit_code == 0 and key not in result.output
    (row,) = listed(data_dir)
    assert row["principal"] == "crm-sync" and row["kind"] == "service"
    assert row["name"] == "nightly" and row["revoked_at"] is None
    assert "hash" not in row and key.split("_")[1] == row["id"]


def test_a_key_revoked_on_the_command_line_is_refused(data_dir: Path) -> None:
    key = created_key(data_dir, "--member", "m2", "--role", "manager")
    result = keys(data_dir, "revoke", key.split("_")[1])
    assert result.exit_code == 0, result.output
    with pytest.raises(AuthError):
        ApiKeyStore(key_file(data_dir)).verify(key)


def test_revoke_marks_the_key_revoked_in_the_list(data_dir: Path) -> None:
    key_id = created_key(data_dir, "--service", "bi", "--role", "strategist").split("_")[1]
    keys(data_dir, "revoke", key_id)
    (row,) = listed(data_dir)
    assert row["revoked_at"] is not None


def test_create_for_a_member_the_store_does_not_know_is_refused(data_dir: Path) -> None:
    result = keys(data_dir, "create", "--member", "m9", "--role", "rep")
    assert isinstance(result.exception, NotFoundError) and result.stdout == ""
    assert not key_file(data_dir).exists()


def test_create_refuses_an_unknown_role(data_dir: Path) -> None:
    result = keys(data_dir, "create", "--service", "bi", "--role", "owner")
    assert result.exit_code != 0 and "--role" in str(result.exception)


def test_create_needs_exactly_one_of_member_and_service(data_dir: Path) -> None:
    result = keys(data_dir, "create", "--member", "m2", "--service", "bi", "--role", "rep")
    assert result.exit_code != 0 and "one of --member and --service" in str(result.exception)


def test_an_unknown_key_id_is_a_one_line_error_from_the_real_command(data_dir: Path) -> None:
    result = abmgraph("keys", "revoke", "0123456789ab", data_dir=data_dir, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: API key '0123456789ab' not found"
