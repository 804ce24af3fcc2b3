"""``/metrics`` (Prometheus) and the JSON line logged per request."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY
from starlette.testclient import TestClient

from graph_service.api import metrics
from graph_service.api.app import create_app
from graph_service.api.logs import configure_logging
from graph_service.auth import Role
from graph_service.store.memory import MemoryStore
from tests.auth_support import Credentials
from tests.fixtures import load

NAMED = {"query": "query Accounts { accounts(first: 2) { edges { node { id name } } } }"}


def client(tmp_path: Path, **kwargs: Any) -> TestClient:
    store = MemoryStore(tmp_path)
    load(store)
    return TestClient(create_app(store, store_name="memory", **kwargs))


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging(stream=buffer)
    try:
        yield buffer
    finally:
        root.handlers, root.level = handlers, level


def test_metrics_are_served_in_the_prometheus_format(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        c.post("/graphql", json=NAMED)
        r = c.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    for name in (
        "abmgraph_request_duration_seconds_bucket",
        "abmgraph_requests_in_flight",
        "abmgraph_store_call_duration_seconds_bucket",
        "abmgraph_graphql_errors_total",
        "abmgraph_refused_queries_total",
    ):
        assert name in r.text


def test_metrics_need_credentials(tmp_path: Path) -> None:
    credentials = Credentials(tmp_path)
    scraper = credentials.header(Role.ADMIN, service="prometheus")
    with client(tmp_path, authenticator=credentials.authenticator) as c:
        assert c.get("/metrics").status_code == 401
        ok = c.get("/metrics", headers=scraper)
        assert ok.status_code == 200


def test_request_latency_is_by_operation_and_store_calls_by_method(tmp_path: Path) -> None:
    before = sample("abmgraph_request_duration_seconds_count", operation="Accounts")
    calls = sample("abmgraph_store_call_duration_seconds_count", method="accounts")
    with client(tmp_path) as c:
        c.post("/graphql", json=NAMED)
        c.get("/healthz")
    assert sample("abmgraph_request_duration_seconds_count", operation="Accounts") == before + 1
    assert sample("abmgraph_store_call_duration_seconds_count", method="accounts") == calls + 1
    assert sample("abmgraph_request_duration_seconds_count", operation="GET /healthz") >= 1


def test_errors_are_counted_by_code(tmp_path: Path) -> None:
    before = sample("abmgraph_graphql_errors_total", code="BAD_USER_INPUT")
    with client(tmp_path) as c:
        c.post("/graphql", json={"query": '{ accounts(after: "!!") { totalCount } }'})
    assert sample("abmgraph_graphql_errors_total", code="BAD_USER_INPUT") == before + 1


def test_the_refused_counter_takes_a_limit_label() -> None:
    before = sample("abmgraph_refused_queries_total", limit="depth")
    metrics.REFUSED.labels(limit="depth").inc()
    assert sample("abmgraph_refused_queries_total", limit="depth") == before + 1


def test_client_chosen_operation_names_cannot_grow_the_metrics(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(metrics, "_seen", set())
    monkeypatch.setattr(metrics, "MAX_OPERATIONS", 2)
    labels = [metrics.operation_label(f"Op{i}") for i in range(4)]
    assert labels == ["Op0", "Op1", "other", "other"]
    assert metrics.operation_label("Op0") == "Op0"


def test_nothing_is_in_flight_after_the_requests(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        c.post("/graphql", json=NAMED)
    assert sample("abmgraph_requests_in_flight") == 0


def test_each_request_logs_one_json_line(tmp_path: Path, log_lines: io.StringIO) -> None:
    with client(tmp_path) as c:
        r = c.post("/graphql", json=NAMED, headers={"X-Request-ID": "req-7"})
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    requests = [line for line in lines if line["event"] == "request"]
    assert len(requests) == 1, lines
    line = requests[0]
    assert r.headers["X-Request-ID"] == line["request_id"] == "req-7"
    assert line["operation"] == "Accounts" and line["route"] == "/graphql"
    assert line["status"] == 200 and line["outcome"] == "ok" and line["error_codes"] == []
    assert line["store_calls"] >= 1 and line["duration_ms"] >= 0
    assert line["level"] == "info" and "timestamp" in line


def test_an_unexpected_error_is_one_json_line_with_its_traceback(
    tmp_path: Path, log_lines: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryStore(tmp_path)

    def broken(company_id: str, **_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "account", broken)
    with TestClient(create_app(store, store_name="memory")) as c:
        c.post("/graphql", json={"query": '{ account(id: "c1") { __typename } }'})
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    with_traceback = [line for line in lines if "exception" in line]
    assert len(with_traceback) == 1
    assert "RuntimeError: boom" in with_traceback[0]["exception"]
    assert with_traceback[0]["request_id"]
    (request,) = [line for line in lines if line["event"] == "request"]
    assert request["outcome"] == "server_error"
    assert request["error_codes"] == ["INTERNAL_SERVER_ERROR"]


def test_the_log_line_names_the_caller_and_role(tmp_path: Path, log_lines: io.StringIO) -> None:
    credentials = Credentials(tmp_path / "keys")
    scraper = credentials.header(Role.ADMIN, service="crm-sync")
    with client(tmp_path, authenticator=credentials.authenticator) as c:
        c.post("/graphql", json=NAMED, headers=scraper)
        c.post("/graphql", json=NAMED)
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    requests = [line for line in lines if line["event"] == "request"]
    assert [(r["caller"], r["role"], r["status"]) for r in requests] == [
        ("crm-sync", "admin", 200),
        (None, None, 401),
    ]
