"""Production mode: locked down, one switch (``ABMGRAPH_ENV=production``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from starlette.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.errors import ConfigError, StoreUnavailableError
from graph_service.settings import Settings
from graph_service.store.memory import MemoryStore
from tests.fixtures import load

TOKEN = "a-long-enough-production-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HOSTS = ["testserver"]


def production_client(tmp_path: Path, **kwargs: object) -> TestClient:
    store = MemoryStore(tmp_path)
    load(store)
    options: dict[str, object] = {"allowed_hosts": HOSTS, **kwargs}
    app = create_app(store, store_name="memory", production=True, api_token=TOKEN, **options)  # type: ignore[arg-type]
    return TestClient(app)


def test_graphiql_is_off(tmp_path: Path) -> None:
    with production_client(tmp_path) as c:
        r = c.get("/graphql", headers={"Accept": "text/html", **AUTH})
    assert "graphiql" not in r.text.lower()
    assert r.status_code == 404


def test_introspection_is_refused(tmp_path: Path) -> None:
    with production_client(tmp_path) as c:
        r = c.post("/graphql", json={"query": "{ __schema { types { name } } }"}, headers=AUTH)
    error = r.json()["errors"][0]
    assert "introspection" in error["message"].lower()
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_field_suggestions_are_off(tmp_path: Path) -> None:
    with production_client(tmp_path) as c:
        r = c.post("/graphql", json={"query": "{ acounts { totalCount } }"}, headers=AUTH)
    message = r.json()["errors"][0]["message"]
    assert "acounts" in message and "Did you mean" not in message


def test_the_token_is_required(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    with pytest.raises(ConfigError, match="API token"):
        create_app(store, store_name="memory", production=True)
    store.close()


def test_the_settings_refuse_production_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ABMGRAPH_ENV", "production")
    monkeypatch.delenv("ABMGRAPH_API_TOKEN", raising=False)
    with pytest.raises(ValidationError, match="ABMGRAPH_API_TOKEN"):
        Settings()
    monkeypatch.setenv("ABMGRAPH_API_TOKEN", "short")
    with pytest.raises(ValidationError, match="at least 16"):
        Settings()


def test_the_settings_read_comma_separated_allow_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ABMGRAPH_ENV", "production")
    monkeypatch.setenv("ABMGRAPH_API_TOKEN", TOKEN)
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
    app = create_app(store, store_name="memory", production=True, api_token=TOKEN)
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
    app = create_app(
        store, store_name="neo4j", production=True, api_token=TOKEN, allowed_hosts=HOSTS
    )
    with TestClient(app) as c:
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
        def account(self, company_id: str, *, visible: frozenset[str] | None = None) -> None:
            raise StoreUnavailableError("Neo4j at bolt://db.internal:7687 cannot be reached")

    store = Gone(tmp_path)
    app = create_app(
        store, store_name="neo4j", production=True, api_token=TOKEN, allowed_hosts=HOSTS
    )
    with TestClient(app) as c:
        r = c.post("/graphql", json={"query": '{ account(id: "c1") { __typename } }'}, headers=AUTH)
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
    app = create_app(
        store, store_name="neo4j", production=True, api_token=TOKEN, allowed_hosts=HOSTS
    )
    with TestClient(app) as c:
        r = c.get("/viz/portfolio/sow", headers=AUTH)
    assert r.status_code == 503
    assert "db.internal" not in r.text


def test_serve_refuses_to_start_in_production_without_a_token(tmp_path: Path) -> None:
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
    assert "ABMGRAPH_API_TOKEN" in result.stderr and "Traceback" not in result.stderr
