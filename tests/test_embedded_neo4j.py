"""The session's Neo4j server answers Cypher over Bolt and persists writes."""

from __future__ import annotations

import uuid

import neo4j
import pytest

pytestmark = pytest.mark.neo4j


def test_return_one(neo4j_driver: neo4j.Driver, neo4j_database: str | None) -> None:
    records, _, _ = neo4j_driver.execute_query("RETURN 1 AS x", database_=neo4j_database)
    assert [record["x"] for record in records] == [1]


def test_server_is_neo4j_5_26(neo4j_driver: neo4j.Driver, neo4j_database: str | None) -> None:
    records, _, _ = neo4j_driver.execute_query(
        "CALL dbms.components() YIELD name, versions RETURN name, versions",
        database_=neo4j_database,
    )
    versions = {record["name"]: record["versions"] for record in records}
    assert versions["Neo4j Kernel"][0].startswith("5.26."), versions


def test_write_then_read_in_another_session(
    neo4j_driver: neo4j.Driver, neo4j_database: str | None
) -> None:
    key = str(uuid.uuid4())
    with neo4j_driver.session(database=neo4j_database) as session:
        session.execute_write(
            lambda tx: tx.run("CREATE (:EmbeddedNeo4jProbe {key: $key, n: 42})", key=key).consume()
        )
    try:
        with neo4j_driver.session(database=neo4j_database) as session:
            record = session.execute_read(
                lambda tx: tx.run(
                    "MATCH (p:EmbeddedNeo4jProbe {key: $key}) RETURN p.n AS n", key=key
                ).single()
            )
        assert record is not None
        assert record["n"] == 42
    finally:
        neo4j_driver.execute_query(
            "MATCH (p:EmbeddedNeo4jProbe {key: $key}) DELETE p", key=key, database_=neo4j_database
        )
