"""The target-list export over HTTP: strategists and admins download it; other roles may not."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from starlette.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.auth import Role
from graph_service.store.memory import MemoryStore
from tests.auth_support import Credentials
from tests.fixtures import load

AS_OF = "2026-11-20"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[TestClient, Credentials, MemoryStore]]:
    store = MemoryStore(tmp_path / "data")
    load(store)
    credentials = Credentials(tmp_path / "keys")
    app = create_app(store, store_name="memory", authenticator=credentials.authenticator)
    with TestClient(app) as client:
        yield client, credentials, store


def test_a_strategist_downloads_every_account_as_csv(
    service: tuple[TestClient, Credentials, MemoryStore],
) -> None:
    client, credentials, _ = service
    r = client.get(
        "/export/targets.csv", params={"asOf": AS_OF}, headers=credentials.header(Role.STRATEGIST)
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == f'attachment; filename="targets-{AS_OF}.csv"'
    frame = pd.read_csv(io.BytesIO(r.content))
    assert sorted(frame["account_id"]) == ["c1", "c2", "c3"]


def test_the_filter_narrows_the_export(
    service: tuple[TestClient, Credentials, MemoryStore],
) -> None:
    client, credentials, _ = service
    r = client.get(
        "/export/targets.xlsx",
        params={"asOf": AS_OF, "industry": "retail"},
        headers=credentials.header(Role.ADMIN),
    )
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    frame = pd.read_excel(io.BytesIO(r.content), sheet_name="targets")
    assert list(frame["account_id"]) == ["c3"]


@pytest.mark.parametrize("role", [Role.REP, Role.MANAGER])
def test_reps_and_managers_may_not_export(
    service: tuple[TestClient, Credentials, MemoryStore], role: Role
) -> None:
    client, credentials, store = service
    header = credentials.header(role, member_id="m2" if role is Role.REP else "m1", members=store)
    r = client.get("/export/targets.csv", headers=header)
    assert r.status_code == 403 and r.json() == {"error": f"a {role.value} may not export"}


def test_a_bad_parameter_is_400_naming_it(
    service: tuple[TestClient, Credentials, MemoryStore],
) -> None:
    client, credentials, _ = service
    r = client.get(
        "/export/targets.csv", params={"tier": "gold"}, headers=credentials.header(Role.ADMIN)
    )
    assert r.status_code == 400 and r.json()["error"].startswith("tier: one of")


def test_an_unknown_format_is_404(service: tuple[TestClient, Credentials, MemoryStore]) -> None:
    client, credentials, _ = service
    r = client.get("/export/targets.pdf", headers=credentials.header(Role.ADMIN))
    assert r.status_code == 404 and "csv" in r.json()["error"]
