"""Every response carries a request id; masked errors carry it too."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.store.memory import MemoryStore
from tests.fixtures import load


def client(tmp_path: Path) -> TestClient:
    store = MemoryStore(tmp_path)
    load(store)
    return TestClient(create_app(store, store_name="memory"))


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/graphql?query={accounts{totalCount}}"])
def test_every_response_has_a_request_id(tmp_path: Path, path: str) -> None:
    with client(tmp_path) as c:
        first = c.get(path).headers["X-Request-ID"]
        second = c.get(path).headers["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_valid_incoming_id_is_kept_and_a_bad_one_replaced(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        kept = c.get("/healthz", headers={"X-Request-ID": "trace-1.2:3_4"})
        replaced = c.get("/healthz", headers={"X-Request-ID": "x" * 200})
    assert kept.headers["X-Request-ID"] == "trace-1.2:3_4"
    assert replaced.headers["X-Request-ID"] != "x" * 200


def test_a_masked_error_carries_the_request_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryStore(tmp_path)

    def broken(company_id: str, *, visible: frozenset[str] | None = None) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "account", broken)
    with TestClient(create_app(store, store_name="memory")) as c:
        r = c.post(
            "/graphql",
            json={"query": '{ account(id: "c1") { __typename } }'},
            headers={"X-Request-ID": "req-42"},
        )
    assert r.headers["X-Request-ID"] == "req-42"
    assert r.json()["errors"][0]["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": "req-42",
    }
