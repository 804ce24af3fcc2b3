"""``abmgraph keys``: API keys for team members and service accounts.

A key is printed once, when it is created; the data directory keeps only its hash
(docs/authentication.md).
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from graph_service.cli.context import err, open_store, out, state
from graph_service.errors import AbmGraphError

if TYPE_CHECKING:
    from graph_service.auth import ApiKeyRecord, ApiKeyStore, Role

app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)

ROLES = "rep, manager, strategist or admin"
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _key_store() -> ApiKeyStore:
    from graph_service.auth import ApiKeyStore, key_file

    return ApiKeyStore(key_file(state.settings.data_dir))


def _role(text: str) -> Role:
    from graph_service.auth import Role

    try:
        return Role(text.strip().lower())
    except ValueError:
        raise AbmGraphError(f"--role: one of {ROLES}, not {text!r}") from None


def _row(record: ApiKeyRecord) -> dict[str, str | None]:
    return {
        "id": record.id,
        "kind": record.kind.value,
        "principal": record.principal,
        "role": record.role.value,
        "name": record.name,
        "created_at": record.created_at.isoformat(timespec="seconds"),
        "revoked_at": record.revoked_at.isoformat(timespec="seconds")
        if record.revoked_at
        else None,
    }


@app.command("create")
def create(
    role: Annotated[str, typer.Option(help=f"The caller's role: {ROLES}.")],
    member: Annotated[
        str | None, typer.Option(help="The team member (member id) the key is for.")
    ] = None,
    service: Annotated[
        str | None, typer.Option(help="The service account (a name) the key is for.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="A label, e.g. where the key is used.")] = None,
) -> None:
    """Create a key and print it, once: it cannot be shown again."""
    if (member is None) == (service is None):
        raise AbmGraphError("give one of --member and --service")
    chosen = _role(role)
    keys = _key_store()
    if member is not None:
        store = open_store(read_only=True)
        try:
            created = keys.create(chosen, member_id=member, name=name, members=store)
        finally:
            store.close()
    else:
        created = keys.create(chosen, service=service, name=name)
    record = created.record
    sys.stdout.write(created.key + "\n")
    err.print(
        f"key {record.id} for {record.kind.value} {record.principal} ({record.role.value}); "
        "keep it now, it is not shown again",
        highlight=False,
        soft_wrap=True,
    )


@app.command("list")
def list_keys(as_json: JsonOption = False) -> None:
    """Every key, revoked ones too; never a secret."""
    rows = [_row(r) for r in _key_store().list()]
    if as_json:
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    if not rows:
        err.print("no API keys")
        return
    from rich.table import Table

    table = Table(title="API keys")
    for column in ("id", "kind", "principal", "role", "name", "created_at", "revoked_at"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(value or "" for value in row.values()))
    out.print(table)


@app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id (see `keys list`).")]) -> None:
    """Revoke a key: it is refused from now on, also by a running service."""
    record = _key_store().revoke(key_id)
    assert record.revoked_at is not None
    err.print(
        f"key {record.id} of {record.kind.value} {record.principal} revoked at "
        f"{record.revoked_at.isoformat(timespec='seconds')}",
        highlight=False,
    )
