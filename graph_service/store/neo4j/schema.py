"""Schema: constraints and indexes, and the backfills and version marks of older data.

``ensure_schema`` applies ``schema/constraints.cypher``, then (once per database) fills in what
an older abmgraph did not keep for the portfolio rollup and marks it kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import LiteralString

from neo4j import ManagedTransaction

from graph_service.store.neo4j.driver import Connection
from graph_service.store.neo4j.writes import SET_TOUCH_SUMMARY_OF_P

#: Fills in the touch summaries of people written before they were kept (``ensure_schema``).
BACKFILL_TOUCH_DAYS: LiteralString = (
    """
MATCH (p:Person)
WHERE (p.touch_days IS NULL OR p.last_touch_day IS NULL OR p.engaged_days IS NULL)
  AND EXISTS { MATCH (p)<-[:WITH]-(:Touch) }
CALL (p) {"""
    + SET_TOUCH_SUMMARY_OF_P
    + """} IN TRANSACTIONS OF 10000 ROWS
"""
)

#: Fills in the employer ids of people written before they were kept (``ensure_schema``).
BACKFILL_EMPLOYER_IDS: LiteralString = """
MATCH (p:Person)-[:WORKS_AT]->(c:Company)
WHERE p.employer_id IS NULL OR p.employer_id <> c.id
CALL (p, c) { SET p.employer_id = c.id } IN TRANSACTIONS OF 10000 ROWS
"""

#: What each person keeps for the portfolio rollup, by version: 1 the touch summary
#: (``touch_days``, ``last_touch_day``), 2 also ``employer_id`` (the id of the company they
#: work at, beside the ``WORKS_AT`` relationship: a person has many relationships, so
#: finding that one costs more than reading a property), 3 also ``engaged_days`` (the days of
#: their exchanges, what engagement counts).
PERSON_SUMMARIES_VERSION = 3

#: Whether every person's summaries are known to be kept: ``ensure_schema`` sets the version
#: on the version node once its backfills have run (every abmgraph write keeps them from then
#: on); a database written by an older abmgraph lacks it until its next load.
PERSON_SUMMARIES_KEPT: LiteralString = """
MATCH (v:GraphVersion {id: 'graph'})
RETURN coalesce(v.person_summaries, 0) >= $version AS kept
"""

MARK_PERSON_SUMMARIES_KEPT: LiteralString = """
MERGE (v:GraphVersion {id: 'graph'})
SET v.person_summaries = $version
"""


def load_constraints(path: Path | None = None) -> list[str]:
    """The statements of ``schema/constraints.cypher`` (comments dropped)."""
    path = path or schema_dir() / "constraints.cypher"
    text = "\n".join(
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("//")
    )
    return [s.strip() for s in text.split(";") if s.strip()]


def schema_dir() -> Path:
    """Where ``constraints.cypher`` and ``schema.graphql`` live (repo or installed wheel)."""
    here = Path(__file__).resolve()  # graph_service/store/neo4j/<module>.py
    packaged = here.parents[2] / "_schema"
    return packaged if packaged.is_dir() else here.parents[3] / "schema"


def ensure_schema(db: Connection) -> None:
    """Constraints and indexes, then (once) the person summaries an older writer left out."""
    # The statements come from our own schema file, never from user input.
    db.run(*load_constraints())
    if person_summaries_kept(db):
        return
    db.run(BACKFILL_TOUCH_DAYS, BACKFILL_EMPLOYER_IDS)

    def mark(tx: ManagedTransaction) -> None:
        tx.run(MARK_PERSON_SUMMARIES_KEPT, version=PERSON_SUMMARIES_VERSION).consume()

    db.write(mark)


def person_summaries_kept(db: Connection) -> bool:
    """Whether every person's summaries are known to be kept (``PERSON_SUMMARIES_KEPT``)."""
    rows = db.read(PERSON_SUMMARIES_KEPT, version=PERSON_SUMMARIES_VERSION)
    return bool(rows and rows[0]["kept"])
