"""A schemathesis run over the GraphQL schema against the app in production mode.

Queries generated from ``schema/schema.graphql`` (introspection is off in production) with
random arguments, and invalid ones: none may be a server error (HTTP 5xx or
``INTERNAL_SERVER_ERROR``), every error must carry a known ``extensions.code``, and nothing
may raise an unexpected exception on the server (no traceback in the log). Bounded by the
number of examples (a minute or two on a shared machine).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from starlette.applications import Starlette

from graph_service.api.app import create_app
from graph_service.api.errors import Code
from graph_service.api.limits import LIMIT_CODES
from graph_service.auth import Role
from graph_service.store.memory import MemoryStore
from tests.auth_support import Credentials
from tests.fixtures import load

SDL = Path(__file__).resolve().parents[1] / "schema" / "schema.graphql"
SCHEMA = schemathesis.graphql.from_file(SDL.read_text(encoding="utf-8"))
#: Every code but the masked one: the client errors, the store's, and the limits' refusals
#: (a generated `recentTouches(limit: 2147483648)` is over the cost budget).
CODES = ({code.value for code in Code} - {Code.INTERNAL_SERVER_ERROR.value}) | LIMIT_CODES
EXAMPLES = 500

CASES = st.one_of(
    SCHEMA.as_strategy(GenerationMode.POSITIVE), SCHEMA.as_strategy(GenerationMode.NEGATIVE)
)


class _Tracebacks(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


@pytest.fixture(scope="module")
def credentials(tmp_path_factory: pytest.TempPathFactory) -> Credentials:
    return Credentials(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def auth(credentials: Credentials) -> dict[str, str]:
    return credentials.header(Role.ADMIN)


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory, credentials: Credentials, auth: dict[str, str]
) -> Iterator[Starlette]:
    store = MemoryStore(tmp_path_factory.mktemp("schemathesis"))
    load(store)
    yield create_app(
        store,
        store_name="memory",
        production=True,
        authenticator=credentials.authenticator,
        allowed_hosts=["localhost", "testserver"],
        session_secret_key="x" * 32,
    )
    store.close()


@pytest.fixture(scope="module")
def tracebacks() -> Iterator[_Tracebacks]:
    handler = _Tracebacks()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.mark.slow
def test_no_server_error_and_no_unmasked_error(
    app: Starlette, tracebacks: _Tracebacks, auth: dict[str, str]
) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=CASES)
    def check(case: Any) -> None:
        response = case.call(app=app, base_url="http://testserver/graphql", headers=auth)
        assert response.status_code < 500, response.text
        body = response.json()
        for error in body.get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            assert code in CODES, (case.body, error)
            assert "Traceback" not in error["message"]
        assert not tracebacks.records, tracebacks.records[0].getMessage()

    check()
