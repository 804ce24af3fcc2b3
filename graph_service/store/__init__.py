"""The stores that hold the account graph, behind one :class:`Store` protocol."""

from __future__ import annotations

from graph_service.errors import ConfigError
from graph_service.settings import Settings, StoreKind
from graph_service.store.base import Store


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """Open the store ``settings`` select.

    ``read_only`` opens the embedded store without taking its write lock, so that commands
    like ``abmgraph query`` can read a data directory a running service holds.
    """
    if settings.store is StoreKind.NEO4J:
        from graph_service.store.neo4j import Neo4jStore

        if not settings.neo4j_uri:
            raise ConfigError(
                "the neo4j store needs NEO4J_URI (e.g. bolt://localhost:7687); "
                "`abmgraph neo4j start` runs an embedded server for local development"
            )
        auth = None
        if settings.neo4j_user:
            password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
            auth = (settings.neo4j_user, password)
        return Neo4jStore(
            settings.neo4j_uri,
            auth=auth,
            database=settings.neo4j_database,
            rollup_workers=settings.rollup_workers,
            read_timeout=settings.limits.store_timeout,
            retry_time=settings.limits.store_retry_time,
        )
    from graph_service.store.memory import MemoryStore

    return MemoryStore(settings.data_dir, read_only=read_only)


__all__ = ["Store", "open_store"]
