"""Driver plumbing: one database on one Neo4j server, and every call the store makes to it.

Reads run through ``execute_query`` and writes in managed transactions (``execute_write``), so
the driver retries transient failures; every committed write also moves the data version on.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, LiteralString

import neo4j
from neo4j import GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, ServiceUnavailable

from graph_service.errors import StoreUnavailableError

#: Moves the token :meth:`Connection.read_single` of ``DATA_VERSION`` reads (``reads``) on.
BUMP_DATA_VERSION: LiteralString = """
MERGE (v:GraphVersion {id: 'graph'})
SET v.token = $token
"""


class Connection:
    """One database on one Neo4j server, through one driver (a pool of connections)."""

    def __init__(self, uri: str, *, auth: tuple[str, str] | None, database: str) -> None:
        self.uri = uri
        self.database = database
        try:
            # Schema-less warnings ("property does not exist yet") are noise for users.
            self.driver = GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")
        except ValueError as exc:
            raise StoreUnavailableError(f"invalid Neo4j URI {uri!r}: {exc}") from exc

    def read(self, query: LiteralString, **params: Any) -> list[neo4j.Record]:
        """The records of one read query (retried by the driver)."""
        try:
            records, _, _ = self.driver.execute_query(
                query, params, database_=self.database, routing_=neo4j.RoutingControl.READ
            )
        except (ServiceUnavailable, AuthError) as exc:
            raise StoreUnavailableError(f"Neo4j at {self.uri}: {exc}") from exc
        return records

    def read_single(self, query: LiteralString) -> neo4j.Record | None:
        """The first record of an auto-commit read: one round trip where a managed transaction
        takes three (not retried)."""
        try:
            with self.driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                return session.run(query).single()
        except (ServiceUnavailable, AuthError) as exc:
            raise StoreUnavailableError(f"Neo4j at {self.uri}: {exc}") from exc

    def write(self, work: Callable[[ManagedTransaction], None]) -> None:
        """Run ``work`` in one managed transaction that also moves the data version on."""

        def versioned(tx: ManagedTransaction) -> None:
            work(tx)
            tx.run(BUMP_DATA_VERSION, token=uuid.uuid4().hex).consume()

        try:
            with self.driver.session(database=self.database) as session:
                session.execute_write(versioned)
        except (ServiceUnavailable, AuthError) as exc:
            raise StoreUnavailableError(f"Neo4j at {self.uri}: {exc}") from exc

    def run(self, *statements: LiteralString) -> None:
        """Run ``statements`` in order in one session, each its own auto-commit transaction
        (as ``CALL { ... } IN TRANSACTIONS`` needs; not retried, the data version unmoved)."""
        try:
            with self.driver.session(database=self.database) as session:
                for statement in statements:
                    session.run(statement).consume()
        except (ServiceUnavailable, AuthError) as exc:
            raise StoreUnavailableError(f"Neo4j at {self.uri}: {exc}") from exc

    def close(self) -> None:
        self.driver.close()
