"""The Neo4j driver's errors that mean "the store is unavailable" become one domain error."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConnectionAcquisitionTimeoutError,
    ConstraintError,
    CypherSyntaxError,
    DatabaseUnavailable,
    ForbiddenOnReadOnlyDatabase,
    IncompleteCommit,
    NotALeader,
    ReadServiceUnavailable,
    ResultConsumedError,
    RoutingServiceUnavailable,
    ServiceUnavailable,
    SessionExpired,
    TokenExpired,
    TransientError,
    WriteServiceUnavailable,
)

from graph_service.api.context import Context
from graph_service.api.schema import schema
from graph_service.domain import Company, Kind
from graph_service.errors import StoreUnavailableError
from graph_service.store.neo4j import Neo4jStore
from graph_service.store.neo4j.driver import unavailable_as_store_error

URI = "bolt://db.example:7687"

UNAVAILABLE = [
    ServiceUnavailable,
    RoutingServiceUnavailable,
    ReadServiceUnavailable,
    WriteServiceUnavailable,
    IncompleteCommit,
    SessionExpired,
    ConnectionAcquisitionTimeoutError,
    AuthError,
    TokenExpired,
    TransientError,
    DatabaseUnavailable,
    NotALeader,
    ForbiddenOnReadOnlyDatabase,
]


@pytest.mark.parametrize("error", UNAVAILABLE, ids=lambda c: c.__name__)
def test_each_unavailable_error_becomes_store_unavailable(error: type[Exception]) -> None:
    raised = error("the detail")
    with pytest.raises(StoreUnavailableError) as info, unavailable_as_store_error(URI):
        raise raised
    assert str(info.value).startswith(f"Neo4j at {URI} ")
    assert str(info.value).endswith(": the detail")
    assert info.value.__cause__ is raised


def test_the_message_says_what_happened() -> None:
    def message(error: Exception) -> str:
        with pytest.raises(StoreUnavailableError) as info, unavailable_as_store_error(URI):
            raise error
        return str(info.value)

    assert message(ServiceUnavailable("x")) == f"Neo4j at {URI} cannot be reached: x"
    assert message(AuthError("x")) == f"Neo4j at {URI} refused the credentials: x"
    assert "the write may have been applied" in message(IncompleteCommit("x"))


@pytest.mark.parametrize(
    "error",
    [CypherSyntaxError, ConstraintError, ClientError, ResultConsumedError, ValueError],
    ids=lambda c: c.__name__,
)
def test_other_errors_pass_unchanged(error: type[Exception]) -> None:
    raised = error("the detail")
    with pytest.raises(error) as info, unavailable_as_store_error(URI):
        raise raised
    assert info.value is raised


class _BrokenDriver:
    """A driver whose every call fails as if the server had gone away mid-session."""

    #: The real driver's bookmark manager, which sessions share (none needed here).
    execute_query_bookmark_manager = None

    def __init__(self, error: Exception) -> None:
        self.error = error

    def execute_query(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error

    def session(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error

    def close(self) -> None:
        pass


#: A read and a write of each kind of driver call (managed read and write, auto-commit run).
STORE_CALLS: dict[str, Any] = {
    "ping": lambda store: store.ping(),
    "stats": lambda store: store.stats(),
    "data_version": lambda store: store.data_version(),
    "account": lambda store: store.account("c1"),
    "upsert": lambda store: store.upsert(Kind.COMPANIES, [Company(id="c1", name="Acme")]),
    "merge_into": lambda store: store.merge_into(Kind.COMPANIES, "c1", ["c2"]),
    "ensure_schema": lambda store: store.ensure_schema(),
    "clear": lambda store: store.clear(),
}


def broken_store(error: Exception) -> Neo4jStore:
    store = Neo4jStore(URI)
    store._db.driver.close()
    store._db.driver = _BrokenDriver(error)  # type: ignore[assignment]
    return store


@pytest.mark.parametrize("call", STORE_CALLS)
@pytest.mark.parametrize("error", [SessionExpired, TransientError], ids=lambda c: c.__name__)
def test_every_store_call_translates(error: type[Exception], call: str) -> None:
    with pytest.raises(StoreUnavailableError, match=f"Neo4j at {URI}"):
        STORE_CALLS[call](broken_store(error("gone")))


def test_graphql_shows_an_unavailable_store_instead_of_masking_it() -> None:
    result = schema.execute_sync(
        '{ account(id: "c1") { __typename } }',
        context_value=Context.for_store(broken_store(SessionExpired("gone"))),
    )
    assert result.errors is not None
    assert result.errors[0].message == f"Neo4j at {URI} ended the session: gone"


@pytest.fixture
def closed_port_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Neo4jStore]:
    """A store pointed at a port nothing listens on, its driver retrying for no time at all
    (by default a managed transaction is retried for ``ABMGRAPH_STORE_RETRY_TIME``)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = Neo4jStore(f"bolt://127.0.0.1:{port}", retry_time=0)
    yield store
    store.close()


def test_a_closed_port_is_store_unavailable_for_a_read(closed_port_store: Neo4jStore) -> None:
    start = time.monotonic()
    with pytest.raises(StoreUnavailableError, match="cannot be reached"):
        closed_port_store.stats()
    assert time.monotonic() - start < 10


def test_a_closed_port_is_store_unavailable_for_a_write(closed_port_store: Neo4jStore) -> None:
    start = time.monotonic()
    with pytest.raises(StoreUnavailableError, match="cannot be reached"):
        closed_port_store.upsert(Kind.COMPANIES, [Company(id="c1", name="Acme")])
    assert time.monotonic() - start < 10
