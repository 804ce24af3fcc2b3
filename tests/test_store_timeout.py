"""A Neo4j read has a transaction timeout (``ABMGRAPH_STORE_TIMEOUT``); over it, the server
stops the query and the store raises a clear domain error, then answers again."""

from __future__ import annotations

import os
import time

import pytest

from graph_service.errors import StoreTimeoutError
from graph_service.store.neo4j.driver import Connection

pytestmark = pytest.mark.neo4j

#: Counts to a billion: minutes of server work, stopped after half a second.
SLOW = "UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n"


def connection(uri: str, read_timeout: float) -> Connection:
    user = os.environ.get("NEO4J_USER") if os.environ.get("NEO4J_URI") else None
    auth = (user, os.environ.get("NEO4J_PASSWORD", "")) if user else None
    database = os.environ.get("NEO4J_DATABASE", "neo4j")
    return Connection(uri, auth=auth, database=database, read_timeout=read_timeout)


def answers_again(db: Connection, within: float = 30) -> bool:
    """The connection answers a trivial read within ``within`` seconds (the server may take
    a moment to wind the stopped queries down on a loaded machine)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            return bool(db.read("RETURN 1 AS one")[0]["one"] == 1)
        except StoreTimeoutError:
            time.sleep(0.2)
    return False


def test_a_read_over_the_store_timeout_is_stopped_with_a_clear_error(neo4j_uri: str) -> None:
    db = connection(neo4j_uri, read_timeout=0.5)
    try:
        message = r"the store stopped a query that ran over its timeout of 0.5 s"
        with pytest.raises(StoreTimeoutError, match=message):
            db.read(SLOW)
        with pytest.raises(StoreTimeoutError, match=message):
            db.read_single(SLOW)
        assert answers_again(db)
    finally:
        db.close()
