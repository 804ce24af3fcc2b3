"""The HTTP service: GraphQL over HTTP and the health check."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graph_service.api.app import configured_params, create_app
from graph_service.auth import Role
from graph_service.domain import FxRate, Kind
from graph_service.errors import ConfigError
from graph_service.settings import AuthMode
from graph_service.store.memory import MemoryStore
from tests.auth_support import Credentials
from tests.fixtures import a_touch, load


def client(tmp_path: Path) -> TestClient:
    store = MemoryStore(tmp_path)
    load(store)
    return TestClient(create_app(store, store_name="memory"))


def test_healthz_reports_the_store(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        r = c.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "store": "memory"}


def test_readyz_is_503_when_the_store_is_gone(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    app = create_app(store, store_name="memory")
    store.close()
    r = TestClient(app).get("/readyz")
    assert r.status_code == 503 and r.json()["status"] == "unavailable"


def test_graphql_over_http(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        r = c.post(
            "/graphql", json={"query": "{ accounts(first: 3) { edges { node { id name } } } }"}
        )
    assert r.status_code == 200
    assert [e["node"]["id"] for e in r.json()["data"]["accounts"]["edges"]] == ["c1", "c2", "c3"]


def test_graphiql_is_served_in_development(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        r = c.get("/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "graphiql" in r.text.lower()


def test_the_store_is_closed_on_shutdown(tmp_path: Path) -> None:
    with client(tmp_path):
        pass
    MemoryStore(tmp_path).close()  # the write lock was released


def test_with_a_key_every_route_but_the_probes_needs_one(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    load(store)
    credentials = Credentials(tmp_path)
    admin = credentials.header(Role.ADMIN)
    app = create_app(store, store_name="memory", authenticator=credentials.authenticator)
    query = {"query": "{ accounts(first: 1) { totalCount } }"}
    with TestClient(app) as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/readyz").status_code == 200
        refused = c.post("/graphql", json=query)
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
        wrong = c.post("/graphql", json=query, headers={"Authorization": "Bearer abm_nope"})
        assert wrong.status_code == 401 and wrong.json() == {"error": "invalid API key"}
        ok = c.post("/graphql", json=query, headers=admin)
        assert ok.status_code == 200 and ok.json()["data"]["accounts"]["totalCount"] == 3


def test_with_no_key_created_yet_the_service_runs_open(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    load(store)
    app = create_app(store, store_name="memory", authenticator=Credentials(tmp_path).authenticator)
    with TestClient(app) as c:
        r = c.post("/graphql", json={"query": "{ accounts(first: 1) { totalCount } }"})
    assert r.status_code == 200 and r.json()["data"]["accounts"]["totalCount"] == 3


def test_the_first_key_created_closes_a_running_service(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    load(store)
    credentials = Credentials(tmp_path)
    app = create_app(store, store_name="memory", authenticator=credentials.authenticator)
    query = {"query": "{ accounts(first: 1) { totalCount } }"}
    with TestClient(app) as c:
        assert c.post("/graphql", json=query).status_code == 200
        credentials.header(Role.ADMIN)
        assert c.post("/graphql", json=query).status_code == 401


def test_required_credentials_with_none_configured_refuse_to_start(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    with pytest.raises(ConfigError, match="abmgraph keys create"):
        create_app(
            store,
            store_name="memory",
            authenticator=Credentials(tmp_path).authenticator,
            auth=AuthMode.REQUIRED,
        )
    store.close()


def test_influence_paths_see_a_write_made_after_the_graph_was_cached(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from graph_service.domain import Kind

    store = MemoryStore(tmp_path)
    load(store)
    query = {
        "query": """{ influencePaths(accountId: "c1", targetPersonId: "p1", anyMember: true,
        k: 1, asOf: "2026-11-01") { ... on InfluencePaths { paths { strength hops { toPersonId } }
        } } }"""
    }

    def best(c: TestClient) -> dict:  # type: ignore[type-arg]
        r = c.post("/graphql", json=query)
        assert r.status_code == 200, r.text
        path: dict = r.json()["data"]["influencePaths"]["paths"][0]  # type: ignore[type-arg]
        return path

    with TestClient(create_app(store, store_name="memory", path_cache_size=4)) as c:
        before = best(c)
        assert best(c) == before  # from the cache, the same answer
        store.upsert(
            Kind.TOUCHES,
            [a_touch("t-new", "p1", datetime(2026, 10, 30, tzinfo=UTC))],
        )
        after = best(c)
    assert after["hops"] == [{"toPersonId": "p1"}]  # now met directly, and recently
    assert after["strength"] > before["strength"]


SHARE = {
    "query": """{ shareOfWallet(accountId: "c1", asOf: "2026-11-01") { ... on ShareOfWallet {
      currency total { spend { amount currency } wallet { amount currency } } } } }"""
}


def test_the_reporting_currency_setting_is_the_answers_currency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryStore(tmp_path)
    load(store)
    # USD at 1 names the rates' base; JPY at 150 per USD.
    store.upsert(Kind.FX_RATES, [FxRate(currency="USD", rate=1.0)])
    monkeypatch.setenv("ABMGRAPH_REPORTING_CURRENCY", "jpy")
    with TestClient(create_app(store, store_name="memory")) as c:
        r = c.post("/graphql", json=SHARE)
    assert r.status_code == 200, r.text
    sow = r.json()["data"]["shareOfWallet"]
    # d2's 12,000 USD x 150 = 1,800,000 JPY; the 200,000 USD wallet x 150 = 30,000,000 JPY.
    assert sow["currency"] == "JPY"
    assert sow["total"] == {
        "spend": {"amount": pytest.approx(1_800_000.0), "currency": "JPY"},
        "wallet": {"amount": pytest.approx(30_000_000.0), "currency": "JPY"},
    }


def test_without_the_setting_answers_are_in_the_base_currency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ABMGRAPH_REPORTING_CURRENCY", raising=False)
    with client(tmp_path) as c:
        r = c.post("/graphql", json=SHARE)
    assert r.json()["data"]["shareOfWallet"]["currency"] == "USD"


def test_a_reporting_currency_that_is_no_iso_code_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ABMGRAPH_REPORTING_CURRENCY", "YEN")
    with pytest.raises(ConfigError, match=r"reporting_currency: .*not an ISO 4217 currency code"):
        configured_params()


def test_an_answer_quoting_an_integer_beyond_64_bits_is_still_json(tmp_path: Path) -> None:
    """Found by schemathesis: a cost refusal quoting 2**64 once broke the fast encoder."""
    store = MemoryStore(tmp_path / "data")
    load(store)
    query = (
        '{ account(id: "c1") { ... on Account { '
        "recentTouches(limit: 18446744073709551605) { id } } } }"
    )
    with TestClient(create_app(store, store_name="memory")) as client:
        r = client.post("/graphql", json={"query": query})
    assert r.status_code == 200
    (error,) = r.json()["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] >= 2**64
