"""Audited writes, identical on both stores: an upsert or a create writes its audit record with
it, a create of an existing identity writes nothing, single records and their companies read
back, and an acknowledged write survives closing and reopening the store."""

from __future__ import annotations

import dataclasses
import os
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from graph_service.audit import AuditFilter, AuditRecord
from graph_service.domain import (
    BuyingRole,
    Company,
    Kind,
    Person,
    Record,
    Role,
    Touch,
    TouchType,
    WalletEstimate,
    record_id,
)
from graph_service.store.base import Store
from graph_service.store.memory import MemoryStore
from graph_service.store.neo4j import Neo4jStore
from tests.fixtures import ACME, ACME_STATS, load

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
TOUCH = Touch(id="t-key-1", member_id="m2", person_id="p1", type=TouchType.CALL, occurred_at=AT)


def audit(audit_id: str, operation: str = "logTouch", **fields: object) -> AuditRecord:
    """A hand-made audit record of member m2 touching account c1."""
    values: dict[str, object] = {
        "id": audit_id,
        "at": AT,
        "actor": "m2",
        "actor_kind": "member",
        "operation": operation,
        "kind": Kind.TOUCHES,
        "entity_ids": ("t-key-1",),
        "account_ids": ("c1",),
        "changes": '{"t-key-1": {"notes": [null, "hello"]}}',
    }
    values.update(fields)
    return AuditRecord(**values)  # type: ignore[arg-type]


def trail(store: Store) -> list[AuditRecord]:
    return store.audit_log(AuditFilter(), first=100, after=None).records


def test_an_upsert_with_an_audit_record_writes_both(store: Store) -> None:
    load(store)
    store.upsert(Kind.TOUCHES, [TOUCH], audit=audit("a1"))
    assert store.record(Kind.TOUCHES, "t-key-1") == TOUCH
    assert trail(store) == [audit("a1")]


def test_an_empty_batch_writes_no_audit_record(store: Store) -> None:
    load(store)
    store.upsert(Kind.TOUCHES, [], audit=audit("a1"))
    assert trail(store) == []


def test_a_create_writes_the_record_and_its_audit_record(store: Store) -> None:
    load(store)
    assert store.create(Kind.TOUCHES, TOUCH, audit=audit("a1")) is True
    assert store.record(Kind.TOUCHES, "t-key-1") == TOUCH
    assert trail(store) == [audit("a1")]


def test_a_second_create_of_one_id_writes_nothing_and_says_so(store: Store) -> None:
    load(store)
    store.create(Kind.TOUCHES, TOUCH, audit=audit("a1"))
    other = dataclasses.replace(TOUCH, member_id="m1", person_id="p4", type=TouchType.EMAIL)
    assert store.create(Kind.TOUCHES, other, audit=audit("a2")) is False
    assert store.record(Kind.TOUCHES, "t-key-1") == TOUCH
    assert [a.id for a in trail(store)] == ["a1"]


def test_concurrent_creates_of_one_id_leave_one_record_and_one_audit_record(store: Store) -> None:
    load(store)
    results: list[bool] = []
    start = threading.Barrier(4)

    def create(n: int) -> None:
        start.wait()
        results.append(store.create(Kind.TOUCHES, TOUCH, audit=audit(f"a{n}")))

    threads = [threading.Thread(target=create, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert len(trail(store)) == 1
    assert store.stats().nodes["Touch"] == ACME_STATS["nodes"]["Touch"] + 1


def test_a_create_completes_a_bare_node_a_forward_reference_left(store: Store) -> None:
    store.upsert(Kind.COMPANIES, [Company(id="c1", name="Acme")])
    store.upsert(Kind.PEOPLE, [Person(id="p2", company_id="c1", full_name="B", reports_to="p1")])
    ann = Person(id="p1", company_id="c1", full_name="Ann")
    assert store.record(Kind.PEOPLE, "p1") is None
    assert store.create(Kind.PEOPLE, ann, audit=audit("a1", kind=Kind.PEOPLE)) is True
    assert store.record(Kind.PEOPLE, "p1") == ann


def test_a_relationship_kind_cannot_be_created(store: Store) -> None:
    load(store)
    role = BuyingRole(person_id="p3", role=Role.USER)
    with pytest.raises(ValueError, match="relationships"):
        store.create(Kind.BUYING_ROLES, role, audit=audit("a1", kind=Kind.BUYING_ROLES))
    assert trail(store) == []


@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.value)
def test_record_reads_back_every_record_of_each_kind(store: Store, kind: Kind) -> None:
    load(store)
    for expected in ACME[kind]:
        assert store.record(kind, record_id(expected)) == expected


@pytest.mark.parametrize(
    ("kind", "rid"),
    [
        (Kind.COMPANIES, "c9"),
        (Kind.PEOPLE, "nobody"),
        (Kind.BUYING_ROLES, "p1|buyer|"),
        (Kind.BUYING_ROLES, "p1|decider|bu-sales"),
        (Kind.RELATIONSHIPS, "p1|knows|p2"),
        (Kind.ACCOUNT_TEAM, "c2|m2"),
        (Kind.DEAL_CONTACTS, "d2|p2"),
        (Kind.TOUCHES, "t9"),
        (Kind.WALLET, "c1||analytics|2020-01-01"),
        (Kind.BUYING_ROLES, "no pipes here"),
    ],
)
def test_record_of_an_identity_nothing_has_is_none(store: Store, kind: Kind, rid: str) -> None:
    load(store)
    assert store.record(kind, rid) is None


def test_record_of_a_buying_role_whose_person_did_not_exist_is_none(store: Store) -> None:
    load(store)
    store.upsert(Kind.BUYING_ROLES, [BuyingRole(person_id="p9", role=Role.USER)])
    assert store.record(Kind.BUYING_ROLES, "p9|user|") is None
    assert store.company_of(Kind.BUYING_ROLES, "p9|user|") is None


def test_record_of_a_bare_node_is_none(store: Store) -> None:
    store.upsert(Kind.COMPANIES, [Company(id="c2", name="Sub", parent_company_id="c1")])
    assert store.record(Kind.COMPANIES, "c1") is None


def test_ids_holding_the_separator_still_read_back(store: Store) -> None:
    records: dict[Kind, list[Record]] = {
        Kind.COMPANIES: [Company(id="c|1", name="Pipe Co")],
        Kind.PEOPLE: [Person(id="p|1", company_id="c|1", full_name="Pat")],
        Kind.BUYING_ROLES: [BuyingRole(person_id="p|1", role=Role.BUYER)],
    }
    load(store, records)
    role = records[Kind.BUYING_ROLES][0]
    assert store.record(Kind.BUYING_ROLES, record_id(role)) == role
    assert store.company_of(Kind.BUYING_ROLES, record_id(role)) == "c|1"


WALLET_ID = record_id(
    WalletEstimate(company_id="c1", category="analytics", amount=0, as_of=date(2026, 1, 1))
)


@pytest.mark.parametrize(
    ("kind", "rid", "company"),
    [
        (Kind.COMPANIES, "c2", "c2"),
        (Kind.BUSINESS_UNITS, "bu-emea", "c1"),
        (Kind.PEOPLE, "p4", "c2"),
        (Kind.DEALS, "d1", "c1"),
        (Kind.TOUCHES, "t3", "c2"),
        (Kind.NEXT_ACTIONS, "a1", "c1"),
        (Kind.WALLET, WALLET_ID, "c1"),
        (Kind.BUYING_ROLES, "p2|champion|bu-sales", "c1"),
        (Kind.ACCOUNT_TEAM, "c1|m2", "c1"),
        (Kind.DEAL_CONTACTS, "d1|p2", "c1"),
        (Kind.TEAM, "m2", None),
        (Kind.RELATIONSHIPS, "p2|influences|p1", None),
        (Kind.FX_RATES, "JPY|static", None),
        (Kind.PEOPLE, "nobody", None),
        (Kind.COMPANIES, "c9", None),
    ],
)
def test_company_of_each_kind(store: Store, kind: Kind, rid: str, company: str | None) -> None:
    load(store)
    assert store.company_of(kind, rid) == company


def test_an_audited_upsert_and_a_create_move_the_data_version(store: Store) -> None:
    load(store)
    before = store.data_version()
    store.upsert(Kind.TOUCHES, [TOUCH], audit=audit("a1"))
    after_upsert = store.data_version()
    second = dataclasses.replace(TOUCH, id="t-key-2")
    store.create(Kind.TOUCHES, second, audit=audit("a2"))
    assert len({before, after_upsert, store.data_version()}) == 3


def test_a_create_that_writes_nothing_leaves_the_data_version(store: Store) -> None:
    load(store)
    store.create(Kind.TOUCHES, TOUCH, audit=audit("a1"))
    version = store.data_version()
    store.create(Kind.TOUCHES, TOUCH, audit=audit("a2"))
    assert store.data_version() == version


def test_audit_records_are_not_counted_in_the_graph_stats(store: Store) -> None:
    load(store)
    store.upsert(Kind.COMPANIES, ACME[Kind.COMPANIES], audit=audit("a1"))
    assert store.stats().as_dict() == ACME_STATS


def reopened(store: Store) -> Store:
    """The same data opened anew: the data directory again, or a new driver to the server."""
    if isinstance(store, MemoryStore):
        store.close()
        return MemoryStore(store.data_dir)
    assert isinstance(store, Neo4jStore)
    user = os.environ.get("NEO4J_USER") if os.environ.get("NEO4J_URI") else None
    auth = (user, os.environ.get("NEO4J_PASSWORD", "")) if user else None
    store.close()
    return Neo4jStore(store.uri, auth=auth, database=store.database)


def test_acknowledged_writes_survive_closing_and_reopening_the_store(store: Store) -> None:
    load(store)
    store.upsert(Kind.TOUCHES, [TOUCH], audit=audit("a1"))
    second = dataclasses.replace(TOUCH, id="t-key-2")
    store.create(Kind.TOUCHES, second, audit=audit("a2", entity_ids=("t-key-2",)))
    again = reopened(store)
    try:
        assert again.record(Kind.TOUCHES, "t-key-1") == TOUCH
        assert again.record(Kind.TOUCHES, "t-key-2") == second
        assert sorted(a.id for a in trail(again)) == ["a1", "a2"]
        assert again.create(Kind.TOUCHES, second, audit=audit("a3")) is False
    finally:
        again.close()


def test_a_reader_sees_acknowledged_writes_before_the_writer_compacts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    writer = MemoryStore(data)
    try:
        load(writer)
        writer.create(Kind.TOUCHES, TOUCH, audit=audit("a1"))
        reader = MemoryStore(data, read_only=True)  # reads the journal the writer appended to
        assert reader.record(Kind.TOUCHES, "t-key-1") == TOUCH
        assert trail(reader) == [audit("a1")]
    finally:
        writer.close()
