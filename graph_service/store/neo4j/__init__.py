"""The Neo4j store: the account graph on a Neo4j 5 server, through the official driver only.

Every query is a module constant with ``$parameters``, beside the code that runs it; batches
are written with ``UNWIND $rows`` in managed transactions (``execute_write``), so the driver
retries transient failures. References between records are relationships, never id
properties: a person's company is its ``WORKS_AT`` relationship, and reads put the ids back
into the records.

One module per concern: :mod:`.store` the :class:`Neo4jStore` itself, :mod:`.writes` the
upserts, :mod:`.reads` the questions answered in one round trip, :mod:`.single` one record by
identity (its company, and creating it only if new), :mod:`.audit_log` the audit trail,
:mod:`.rollup` the portfolio rollup, :mod:`.merges` entity resolution, :mod:`.retire` sources
and retirement, :mod:`.schema` constraints and backfills, and :mod:`.driver` the driver calls.
"""

from __future__ import annotations

from graph_service.store.neo4j.schema import load_constraints, schema_dir
from graph_service.store.neo4j.store import Neo4jStore

__all__ = ["Neo4jStore", "load_constraints", "schema_dir"]
