"""Client mistakes are client errors; an unexpected error is masked and logged once."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.store.memory import MemoryStore
from tests.fixtures import load


def client(tmp_path: Path) -> TestClient:
    store = MemoryStore(tmp_path)
    load(store)
    return TestClient(create_app(store, store_name="memory"))


def first_error(c: TestClient, query: str) -> dict[str, Any]:
    r = c.post("/graphql", json={"query": query})
    assert r.status_code == 200
    errors = r.json()["errors"]
    assert len(errors) == 1
    error: dict[str, Any] = errors[0]
    return error


FIELDS_WITH_AS_OF = [
    'coverageGaps(accountId: "c1", asOf: "0001-01-01") { __typename }',
    'shareOfWallet(accountId: "c1", asOf: "0001-01-01") { __typename }',
    'nextBestTouches(accountId: "c1", asOf: "0001-01-01") { __typename }',
    'influencePaths(accountId: "c1", targetPersonId: "p1", asOf: "0001-01-01") { __typename }',
    'targetList(asOf: "0001-01-01") { totalCount }',
    'portfolioCoverage(asOf: "0001-01-01") { totalCount }',
    'rfmSegments(asOf: "0001-01-01") { accountId }',
    'ltvShareAnalysis(asOf: "0001-01-01") { slope }',
]


@pytest.mark.parametrize("field", FIELDS_WITH_AS_OF, ids=lambda f: f.split("(")[0])
def test_an_out_of_range_date_is_a_client_error_without_a_traceback(
    tmp_path: Path, field: str, caplog: pytest.LogCaptureFixture
) -> None:
    with client(tmp_path) as c, caplog.at_level(logging.INFO):
        error = first_error(c, f"{{ {field} }}")
    assert error["message"] == (
        "asOf 0001-01-01 is out of range: use a date from 1900-01-01 to 9999-12-31"
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert not any(r.exc_info for r in caplog.records), "a client error logs no traceback"


@pytest.mark.parametrize("path", ["/viz/portfolio/sow", "/viz/accounts/c1/org-map"])
def test_an_out_of_range_date_on_a_drawing_is_a_400(tmp_path: Path, path: str) -> None:
    with client(tmp_path) as c:
        r = c.get(path, params={"asOf": "0001-01-01"})
    assert r.status_code == 400
    assert "out of range" in r.json()["error"]


@pytest.mark.parametrize("weights", ["{whitespace: 1e308, momentum: 1e308}", "{whitespace: 1e309}"])
def test_weights_that_overflow_are_refused(tmp_path: Path, weights: str) -> None:
    with client(tmp_path) as c:
        error = first_error(
            c, f"{{ targetList(weights: {weights}) {{ edges {{ node {{ score }} }} }} }}"
        )
    assert error["message"].startswith("weights must be finite")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("field", ["accounts", "targetList", "portfolioCoverage"])
def test_a_bad_cursor_is_a_client_error(tmp_path: Path, field: str) -> None:
    with client(tmp_path) as c:
        error = first_error(c, f'{{ {field}(after: "!!nope") {{ totalCount }} }}')
    assert error["message"] == "invalid cursor '!!nope'"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_an_unknown_id_is_a_typed_not_found(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        r = c.post(
            "/graphql", json={"query": '{ account(id: "nope") { ... on NotFound { message } } }'}
        )
    assert r.json() == {"data": {"account": {"message": "no account with id 'nope'"}}}


def test_a_bad_document_is_coded_as_such(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        parse = first_error(c, "{ accounts(")
        invalid = first_error(c, "{ nosuchfield }")
    assert parse["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert invalid["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_an_unexpected_error_is_masked_and_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryStore(tmp_path)
    load(store)

    def broken(company_id: str, **_: object) -> None:
        raise RuntimeError("secret connection string in here")

    monkeypatch.setattr(store, "account", broken)
    with TestClient(create_app(store, store_name="memory")) as c, caplog.at_level(logging.INFO):
        r = c.post(
            "/graphql",
            json={"query": '{ account(id: "c1") { __typename } }'},
        )
    error = r.json()["errors"][0]
    assert error["message"] == "Unexpected error."
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "secret" not in r.text
    tracebacks = [rec for rec in caplog.records if rec.exc_info]
    assert len(tracebacks) == 1, [rec.getMessage() for rec in caplog.records]
    assert isinstance(tracebacks[0].exc_info[1], RuntimeError)  # type: ignore[index]
