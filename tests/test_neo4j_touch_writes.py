"""Touch writes on Neo4j: new touches are created, known ones merged, with one graph either way."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from graph_service.audit import AuditFilter, new_audit
from graph_service.domain import Kind, Record, Touch
from graph_service.store.neo4j import Neo4jStore, writes
from tests.conftest import neo4j_store
from tests.fixtures import ACME, acme_record, load

pytestmark = pytest.mark.neo4j

#: Each touch: its properties (temporal values as ISO text) and its links, by type.
SNAPSHOT = """
MATCH (t:Touch)
RETURN t.id AS id,
       properties(t) AS props,
       COLLECT { MATCH (t)-[r]->(x) RETURN type(r) + ' ' + x.id AS link ORDER BY link } AS links
ORDER BY id
"""

SUMMARIES = """
MATCH (p:Person) WHERE p.touch_days IS NOT NULL
RETURN p.id AS id, p.touch_days AS days, p.last_touch_day AS last, p.engaged_days AS engaged
ORDER BY id
"""


@pytest.fixture
def neo(neo4j_uri: str) -> Iterator[Neo4jStore]:
    store = neo4j_store(neo4j_uri)
    try:
        yield store
    finally:
        store.close()


def _rows(neo: Neo4jStore, query: str) -> list[dict[str, Any]]:
    with neo._db.driver.session(database=neo.database) as session:
        return [_plain(record.data()) for record in session.run(query)]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.iso_format() if hasattr(value, "iso_format") else value


def _graph(neo: Neo4jStore) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return _rows(neo, SNAPSHOT), _rows(neo, SUMMARIES)


def _without_touches() -> dict[Kind, list[Record]]:
    return {kind: records for kind, records in ACME.items() if kind is not Kind.TOUCHES}


def test_created_touches_are_the_graph_merged_ones_would_be(neo: Neo4jStore) -> None:
    """ACME's three touches written new (created) and written merged: the same nodes, links
    and summaries; t2 has no deal and no notes, so neither property nor ABOUT link."""
    load(neo)  # the touches are new: created
    created = _graph(neo)
    neo.clear()
    load(neo, _without_touches())
    neo._db.write(writes.upsert_work(Kind.TOUCHES, ACME[Kind.TOUCHES], create_new=False))
    assert _graph(neo) == created
    touches, summaries = created
    t2 = next(t for t in touches if t["id"] == "t2")
    assert t2["props"] == {
        "id": "t2",
        "type": "email",
        "direction": "inbound",
        "occurred_at": "2026-02-01T09:00:00.000000000+00:00",
        "day": "2026-02-01",
    }
    assert t2["links"] == ["BY m2", "WITH p1"]
    assert next(t for t in touches if t["id"] == "t1")["links"] == ["ABOUT d1", "BY m2", "WITH p2"]
    # Ann (p1): the inbound email; Bob (p2): the outbound meeting; Dan (p4): a call.
    assert summaries == [
        {"id": "p1", "days": ["2026-02-01"], "last": "2026-02-01", "engaged": ["2026-02-01"]},
        {"id": "p2", "days": ["2026-10-01"], "last": "2026-10-01", "engaged": ["2026-10-01"]},
        {"id": "p4", "days": ["2026-05-05"], "last": "2026-05-05", "engaged": ["2026-05-05"]},
    ]


def test_a_batch_of_new_and_known_touches_writes_each_once(neo: Neo4jStore) -> None:
    """t1 moved from Bob to Dan beside a new t9 with Bob: Bob keeps only t9's day."""
    load(neo)
    t1 = acme_record(Touch, "t1")
    t9 = replace(t1, id="t9", occurred_at=t1.occurred_at.replace(month=11))
    neo.upsert(Kind.TOUCHES, [replace(t1, person_id="p4"), t9])
    touches, summaries = _graph(neo)
    assert [t["id"] for t in touches] == ["t1", "t2", "t3", "t9"]
    assert next(t for t in touches if t["id"] == "t1")["links"] == ["ABOUT d1", "BY m2", "WITH p4"]
    by_person = {s["id"]: s["days"] for s in summaries}
    assert by_person == {
        "p1": ["2026-02-01"],
        "p2": ["2026-11-01"],
        "p4": ["2026-05-05", "2026-10-01"],
    }


def test_a_touch_another_transaction_creates_meanwhile_is_merged_not_doubled(
    neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's look-up misses t9 while another transaction creates it uncommitted; the
    batch's create then waits for that one, fails on the uniqueness constraint at its commit,
    and is written again merged: one t9, the batch's, and one audit record."""
    load(neo)
    ways: list[bool] = []
    upsert_work = writes.upsert_work

    def spy(*args: Any, create_new: bool = True, **kwargs: Any) -> Any:
        ways.append(create_new)
        return upsert_work(*args, create_new=create_new, **kwargs)

    monkeypatch.setattr(writes, "upsert_work", spy)
    t9 = replace(acme_record(Touch, "t1"), id="t9", notes="the batch's")
    audit = new_audit(
        actor="loader-test",
        actor_kind="loader",
        operation="load",
        kind=Kind.TOUCHES,
        entity_ids=["t9"],
        account_ids=["c2"],
        changes={"rows": 1},
    )
    failures: list[BaseException] = []

    def write_batch() -> None:
        try:
            neo.upsert(Kind.TOUCHES, [t9], audit=audit)
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    with neo._db.driver.session(database=neo.database) as session:
        other = session.begin_transaction()
        other.run("CREATE (:Touch {id: 't9', type: 'call', notes: 'the other'})").consume()
        writer = threading.Thread(target=write_batch)
        writer.start()
        _wait_until_blocked(neo)
        other.commit()
        writer.join(timeout=60)
    assert not failures
    assert ways == [True, False]
    touches = [t for t in _rows(neo, SNAPSHOT) if t["id"] == "t9"]
    assert [(t["props"]["type"], t["props"]["notes"]) for t in touches] == [
        ("meeting", "the batch's")
    ]
    page = neo.audit_log(AuditFilter(member_id="loader-test"), first=10, after=None)
    assert [r.entity_ids for r in page.records] == [("t9",)]
    days = {s["id"]: s["days"] for s in _rows(neo, SUMMARIES)}
    assert days["p2"] == ["2026-10-01", "2026-10-01"]  # t1 and t9, on one day


def _wait_until_blocked(neo: Neo4jStore, timeout: float = 30.0) -> None:
    """Until a transaction of the server waits for a lock (``SHOW TRANSACTIONS``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with neo._db.driver.session(database=neo.database) as session:
            statuses = session.run("SHOW TRANSACTIONS YIELD status").value("status")
        if any(str(s).startswith("Blocked") for s in statuses):
            return
        time.sleep(0.05)
    raise AssertionError("no transaction waited for the other's lock")
