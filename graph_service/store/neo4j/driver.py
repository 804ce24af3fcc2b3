"""Driver plumbing: one database on one Neo4j server, and every call the store makes to it.

Reads run through ``execute_query`` (routed to readers on a cluster) and writes in managed
transactions (``execute_write``), so the driver retries transient failures; every committed
write also moves the data version on. All of them share one bookmark manager, so a read sees
the writes this process committed before it.
Every call runs inside :func:`unavailable_as_store_error`: the one place where the driver's
errors that mean "the store cannot answer now" become
:class:`~graph_service.errors.StoreUnavailableError`, which clients are shown as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, LiteralString

import neo4j
from neo4j import GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConnectionAcquisitionTimeoutError,
    ConstraintError,
    IncompleteCommit,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph_service.errors import StoreTimeoutError, StoreUnavailableError

#: Moves the data version (the token ``reads.DATA_VERSION`` reads) on, in every write.
BUMP_DATA_VERSION: LiteralString = """
MERGE (v:GraphVersion {id: 'graph'})
SET v.token = $token
"""

#: The driver's errors that mean the store cannot answer now, whatever was asked, each with
#: what it says about the server. ``IncompleteCommit`` (a ``ServiceUnavailable``) is the
#: connection lost during a commit; ``AuthError`` includes an expired token. A
#: ``TransientError`` (a deadlock, a database starting, a leader switch) reaches us only once
#: the driver's retries of a managed transaction are spent (auto-commit runs are never
#: retried). The first class an error is an instance of decides. Every other error (Cypher,
#: constraints, configuration, a result read twice) is a bug or bad data and is left as it is.
UNAVAILABLE: tuple[tuple[type[Exception], str], ...] = (
    (IncompleteCommit, "lost the connection while committing (the write may have been applied)"),
    (ServiceUnavailable, "cannot be reached"),
    (SessionExpired, "ended the session"),
    (ConnectionAcquisitionTimeoutError, "had no connection free in time"),
    (AuthError, "refused the credentials"),
    (TransientError, "kept failing transiently"),
)

_UNAVAILABLE_CLASSES = tuple(cls for cls, _ in UNAVAILABLE)


def unavailable_message(uri: str, exc: Exception) -> str:
    """What to tell the user about ``exc``, one of the driver errors in :data:`UNAVAILABLE`.

    >>> unavailable_message("bolt://db:7687", SessionExpired("the server went away"))
    'Neo4j at bolt://db:7687 ended the session: the server went away'
    """
    what = next(what for cls, what in UNAVAILABLE if isinstance(exc, cls))
    return f"Neo4j at {uri} {what}: {exc}"


#: The server's codes for a transaction it stopped at its timeout (Neo4j 5 has both).
TIMED_OUT_CODES = frozenset(
    {
        "Neo.ClientError.Transaction.TransactionTimedOut",
        "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    }
)


@contextmanager
def unavailable_as_store_error(uri: str, timeout: float | None = None) -> Iterator[None]:
    """Raise the driver errors of :data:`UNAVAILABLE` inside the block as
    :class:`~graph_service.errors.StoreUnavailableError` naming ``uri``, and a transaction
    the server stopped at ``timeout`` as :class:`~graph_service.errors.StoreTimeoutError`;
    others pass."""
    try:
        yield
    except _UNAVAILABLE_CLASSES as exc:
        raise StoreUnavailableError(unavailable_message(uri, exc)) from exc
    except ClientError as exc:
        if exc.code not in TIMED_OUT_CODES:
            raise
        limit = f" of {timeout:g} s" if timeout is not None else ""
        raise StoreTimeoutError(
            f"the store stopped a query that ran over its timeout{limit} (ABMGRAPH_STORE_TIMEOUT)"
        ) from exc


#: Seconds the driver retries a transaction that failed for a transient reason (the driver's
#: own default is 30 s, as long as a request's whole deadline).
DEFAULT_RETRY_TIME = 10.0


class Connection:
    """One database on one Neo4j server, through one driver (a pool of connections)."""

    def __init__(
        self,
        uri: str,
        *,
        auth: tuple[str, str] | None,
        database: str,
        read_timeout: float | None = None,
        retry_time: float = DEFAULT_RETRY_TIME,
    ) -> None:
        """``read_timeout``: seconds the server lets one read transaction run (None: the
        server's own limit); over it, a read raises
        :class:`~graph_service.errors.StoreTimeoutError`. ``retry_time``: seconds the driver
        retries a transaction after a transient failure before giving up."""
        self.uri = uri
        self.database = database
        self.read_timeout = read_timeout
        try:
            # Schema-less warnings ("property does not exist yet") are noise for users.
            self.driver = GraphDatabase.driver(
                uri,
                auth=auth,
                notifications_min_severity="OFF",
                max_transaction_retry_time=retry_time,
            )
        except ValueError as exc:
            raise StoreUnavailableError(f"invalid Neo4j URI {uri!r}: {exc}") from exc

    def read(self, query: LiteralString, **params: Any) -> list[neo4j.Record]:
        """The records of one read query (retried by the driver)."""
        with unavailable_as_store_error(self.uri, self.read_timeout):
            records, _, _ = self.driver.execute_query(
                self._timed(query),
                params,
                database_=self.database,
                routing_=neo4j.RoutingControl.READ,
            )
        return records

    def read_single(self, query: LiteralString) -> neo4j.Record | None:
        """The first record of an auto-commit read: one round trip where a managed transaction
        takes three (not retried)."""
        with (
            unavailable_as_store_error(self.uri, self.read_timeout),
            self._session(default_access_mode=neo4j.READ_ACCESS) as session,
        ):
            return session.run(self._timed(query)).single()

    def _session(self, **config: Any) -> neo4j.Session:
        """A session that shares the bookmarks of ``execute_query``: on a cluster, a read
        after a write of this process sees that write (causal consistency), wherever the
        driver routes it."""
        return self.driver.session(
            database=self.database,
            bookmark_manager=self.driver.execute_query_bookmark_manager,
            **config,
        )

    def _timed(self, query: LiteralString) -> neo4j.Query:
        return neo4j.Query(query, timeout=self.read_timeout)

    def write(self, work: Callable[[ManagedTransaction], None]) -> None:
        """Run ``work`` in one managed transaction that also moves the data version on."""

        def versioned(tx: ManagedTransaction) -> None:
            work(tx)
            tx.run(BUMP_DATA_VERSION, token=uuid.uuid4().hex).consume()

        with (
            unavailable_as_store_error(self.uri),
            self._session() as session,
        ):
            session.execute_write(versioned)

    def write_new(self, work: Callable[[ManagedTransaction], bool]) -> bool:
        """Run ``work`` in one managed transaction; whether it wrote.

        ``work`` returns False when it found nothing to write (the data version then stays);
        a uniqueness constraint violated by a concurrent transaction that created the same
        node first also means nothing was written (the transaction is rolled back).
        """

        def versioned(tx: ManagedTransaction) -> bool:
            if not work(tx):
                return False
            tx.run(BUMP_DATA_VERSION, token=uuid.uuid4().hex).consume()
            return True

        try:
            with (
                unavailable_as_store_error(self.uri),
                self._session() as session,
            ):
                return bool(session.execute_write(versioned))
        except ConstraintError:
            return False

    def run(self, *statements: LiteralString) -> None:
        """Run ``statements`` in order in one session, each its own auto-commit transaction
        (as ``CALL { ... } IN TRANSACTIONS`` needs; not retried, the data version unmoved)."""
        with (
            unavailable_as_store_error(self.uri),
            self._session() as session,
        ):
            for statement in statements:
                session.run(statement).consume()

    def close(self) -> None:
        with unavailable_as_store_error(self.uri):
            self.driver.close()
