"""The Neo4j store: the account graph on a Neo4j 5 server, through the official driver only."""

from __future__ import annotations

from graph_service.store.neo4j.store import Neo4jStore, load_constraints, schema_dir

__all__ = ["Neo4jStore", "load_constraints", "schema_dir"]
