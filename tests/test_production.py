"""Production mode: locked down, one switch (``ABMGRAPH_ENV=production``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.auth import Role
from graph_service.errors import ConfigError, StoreUnavailableError
from graph_service.settings import AuthMode, Settings
from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from tests.auth_support import Credentials
from tests.fixtures import load

HOSTS = ["testserver"]


def production_app(
    store: Store, tmp_path: Path, **options: Any
) -> tuple[Starlette, dict[str, str]]:
    """A production app over ``store`` with one admin key, and that key's header."""
    credentials = Credentials(tmp_path / "keys")
    admin = credentials.header(Role.ADMIN)
    app = create_app(
        store,
        store_name=options.pop("store_name", "memory"),
        production=True,
        authenticator=credentials.authenticator,
        session_secret_key="x" * 32,
        **options,
    )
    return app, admin


def production_client(tmp_path: Path, **options: Any) -> TestClient:
    """A client of a production app over the fixtures, sending an admin key."""
    store = MemoryStore(tmp_path)
    load(store)
    app, admin = production_app(store, tmp_path, allowed_hosts=HOSTS, **options)
    return TestClient(app, headers=admin)


def test_graphiql_is_off(tmp_path: Path) -> None:
    with production_client(tmp_path) as c:
        r = c.get("/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in r.text.lower()
    assert r.status_code == 404


def test_introspection_is_refused(tmp_path: Path) -> None:
    with production_client(tmp_path) as c:
        r = c.post("/graphql", json={"query": "{ __schema { types { name } } }"})
    error = r.json()["errors"][0]
    assert "introspection" in error["message"].lower()
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_field_suggestions_are_off(tmp_path: Path) -> None:
    with production_client(tmp_path) as c:
        r = c.post("/graphql", json={"query": "{ acounts { totalCount } }"})
    message = r.json()["errors"][0]["message"]
    assert "acounts" in message and "Did you mean" not in message


def test_credentials_are_required(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    with pytest.raises(ConfigError, match="abmgraph keys create"):
        create_app(store, store_name="memory", production=True)
    with pytest.raises(ConfigError, match="abmgraph keys create"):
        create_app(
            store,
            store_name="memory",
            production=True,
            authenticator=Credentials(tmp_path / "keys").authenticator,
        )
    store.close()


def test_production_cannot_run_open(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    with pytest.raises(ConfigError, match="cannot run open"):
        create_app(store, store_name="memory", production=True, auth=AuthMode.OPEN)
    store.close()


def test_production_refuses_a_request_without_a_key(tmp_path: Path) -> None:
    with production_client(tmp_path) as c:
        query = {"query": "{ accounts { totalCount } }"}
        r = c.post("/graphql", json=query, headers={"Authorization": ""})
    assert r.status_code == 401 and "no credentials" in r.json()["error"]


def test_the_settings_refuse_the_old_shared_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ABMGRAPH_API_TOKEN", "a-long-enough-production-token")
    with pytest.raises(ValidationError, match="ABMGRAPH_API_TOKEN is no longer read"):
        Settings()


def test_the_settings_refuse_production_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ABMGRAPH_API_TOKEN", raising=False)
    monkeypatch.setenv("ABMGRAPH_ENV", "production")
    monkeypatch.setenv("ABMGRAPH_AUTH", "open")
    with pytest.raises(ValidationError, match="cannot run open"):
        Settings()


def test_the_settings_read_comma_separated_allow_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ABMGRAPH_ENV", "production")
    monkeypatch.delenv("ABMGRAPH_API_TOKEN", raising=False)
    monkeypatch.setenv("ABMGRAPH_ALLOWED_HOSTS", "api.example.com, 127.0.0.1")
    monkeypatch.setenv("ABMGRAPH_CORS_ORIGINS", "https://crm.example.com")
    settings = Settings()
    assert settings.production
    assert settings.allowed_hosts == ["api.example.com", "127.0.0.1"]
    assert settings.cors_origins == ["https://crm.example.com"]


def test_an_unknown_host_is_refused(tmp_path: Path) -> None:
    with production_client(tmp_path) as c:
        evil = c.get("/healthz", headers={"Host": "attacker.example"})
        ok = c.get("/healthz")
    assert evil.status_code == 400
    assert ok.status_code == 200


def test_the_default_host_allow_list_is_loopback(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    app, _ = production_app(store, tmp_path)
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/healthz", headers={"Host": "testserver"}).status_code == 400


def test_cors_answers_only_the_listed_origins(tmp_path: Path) -> None:
    preflight = {"Access-Control-Request-Method": "POST"}
    with production_client(tmp_path, cors_origins=["https://crm.example.com"]) as c:
        listed = c.options("/graphql", headers={"Origin": "https://crm.example.com", **preflight})
        other = c.options("/graphql", headers={"Origin": "https://evil.example", **preflight})
    assert listed.status_code == 200
    assert listed.headers["access-control-allow-origin"] == "https://crm.example.com"
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers


def test_healthz_is_liveness_without_the_store_address(tmp_path: Path) -> None:
    class Gone(MemoryStore):
        def ping(self) -> None:
            raise StoreUnavailableError("Neo4j at bolt://db.internal:7687 cannot be reached")

    store = Gone(tmp_path)
    app, admin = production_app(store, tmp_path, store_name="neo4j", allowed_hosts=HOSTS)
    with TestClient(app, headers=admin) as c:
        live = c.get("/healthz")
        ready = c.get("/readyz")
    assert live.status_code == 200 and live.json() == {"status": "ok", "store": "neo4j"}
    assert ready.status_code == 503 and ready.json() == {"status": "unavailable", "store": "neo4j"}
    assert "db.internal" not in live.text + ready.text


def test_readyz_says_ready_when_the_store_answers(tmp_path: Path) -> None:
    with production_client(tmp_path) as c:
        r = c.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_the_store_address_is_not_in_a_graphql_error(tmp_path: Path) -> None:
    class Gone(MemoryStore):
        def account(self, company_id: str, **_: object) -> None:
            raise StoreUnavailableError("Neo4j at bolt://db.internal:7687 cannot be reached")

    store = Gone(tmp_path)
    app, admin = production_app(store, tmp_path, store_name="neo4j", allowed_hosts=HOSTS)
    with TestClient(app, headers=admin) as c:
        r = c.post("/graphql", json={"query": '{ account(id: "c1") { __typename } }'})
    error = r.json()["errors"][0]
    assert error["extensions"]["code"] == "STORE_UNAVAILABLE"
    assert error["message"] == "The store is unavailable now; try again later."
    assert "db.internal" not in r.text


def test_the_store_address_is_not_in_a_drawing_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(*args: object, **kwargs: object) -> None:
        raise StoreUnavailableError("Neo4j at bolt://db.internal:7687 cannot be reached")

    store = MemoryStore(tmp_path)
    load(store)
    monkeypatch.setattr(store, "portfolio_facts", gone)
    app, admin = production_app(store, tmp_path, store_name="neo4j", allowed_hosts=HOSTS)
    with TestClient(app, headers=admin) as c:
        r = c.get("/viz/portfolio/sow")
    assert r.status_code == 503
    assert "db.internal" not in r.text


def test_serve_refuses_to_start_in_production_without_credentials(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = {**os.environ, "ABMGRAPH_ENV": "production", "ABMGRAPH_DATA_DIR": str(tmp_path)}
    env.pop("ABMGRAPH_API_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "graph_service", "serve"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "abmgraph keys create" in result.stderr and "Traceback" not in result.stderr
