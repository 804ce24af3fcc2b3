"""The Store conformance suite: every test runs on the embedded store and on real Neo4j."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from graph_service.domain import (
    AccountFilter,
    BuyingRole,
    Company,
    Kind,
    Person,
    Role,
    Touch,
    TouchType,
    WalletEstimate,
    WalletSource,
)
from graph_service.store.base import Store
from tests.fixtures import ACME, ACME_STATS, JST, acme_record, load


def test_stats_count_nodes_by_label_and_relationships_by_type(store: Store) -> None:
    load(store)
    assert store.stats().as_dict() == ACME_STATS


def test_an_empty_store_has_no_counts(store: Store) -> None:
    assert store.stats().as_dict() == {"nodes": {}, "relationships": {}}


def test_writing_the_same_records_twice_changes_nothing(store: Store) -> None:
    load(store)
    load(store)
    assert store.stats().as_dict() == ACME_STATS


def test_account_view_returns_exactly_the_records_written(store: Store) -> None:
    load(store)
    view = store.account("c1")
    assert view is not None
    v = view.normalized()
    assert v.company == ACME[Kind.COMPANIES][1]
    assert [c.id for c in v.subsidiaries] == ["c2"]
    assert v.parent is None
    assert v.business_units == sorted(ACME[Kind.BUSINESS_UNITS], key=lambda b: b.id)
    assert v.people == [p for p in ACME[Kind.PEOPLE] if p.id != "p4"]
    assert v.buying_roles == sorted(ACME[Kind.BUYING_ROLES], key=lambda r: r.id)
    # Ties with an end at the account, including p4 (Acme Japan) -> p1 across companies.
    assert [r.id for r in v.relationships] == [
        "p2|influences|p1",
        "p3|knows|p2",
        "p4|worked_with|p1",
    ]
    assert [m.id for m in v.members] == ["m1", "m2"]
    assert v.deals == sorted(ACME[Kind.DEALS], key=lambda d: d.id)
    assert v.deal_contacts == ACME[Kind.DEAL_CONTACTS]
    assert [t.id for t in v.touches] == ["t1", "t2"]
    assert v.next_actions == ACME[Kind.NEXT_ACTIONS]
    assert v.wallet == sorted(ACME[Kind.WALLET], key=lambda w: w.id)


def test_subsidiary_view_names_its_parent(store: Store) -> None:
    load(store)
    view = store.account("c2")
    assert view is not None
    assert view.parent is not None and view.parent.id == "c1"
    assert view.company.parent_company_id == "c1"
    assert [p.full_name for p in view.people] == ["佐藤 大輔"]


def test_timestamps_keep_their_instant_and_offset(store: Store) -> None:
    load(store)
    view = store.account("c1")
    assert view is not None
    t1 = next(t for t in view.touches if t.id == "t1")
    assert t1.occurred_at == datetime(2026, 10, 1, 1, 0, tzinfo=UTC)
    assert t1.occurred_at.utcoffset() == JST.utcoffset(None)


def test_unknown_account_is_none(store: Store) -> None:
    load(store)
    assert store.account("nope") is None


def test_moving_a_person_replaces_the_old_links(store: Store) -> None:
    load(store)
    bob = acme_record(Person, "p2")
    store.upsert(Kind.PEOPLE, [dataclasses.replace(bob, bu_id="bu-emea", reports_to=None)])
    view = store.account("c1")
    assert view is not None
    moved = next(p for p in view.people if p.id == "p2")
    assert (moved.bu_id, moved.reports_to) == ("bu-emea", None)
    rels = store.stats().relationships
    assert rels["REPORTS_TO"] == ACME_STATS["relationships"]["REPORTS_TO"] - 1
    assert rels["IN_UNIT"] == ACME_STATS["relationships"]["IN_UNIT"]


def test_a_record_may_refer_forward_to_one_written_later_in_the_batch(store: Store) -> None:
    store.upsert(
        Kind.COMPANIES,
        [Company(id="kid", name="Kid", parent_company_id="mom"), Company(id="mom", name="Mom")],
    )
    view = store.account("kid")
    assert view is not None and view.parent == Company(id="mom", name="Mom")


def test_company_wide_and_unit_roles_are_distinct(store: Store) -> None:
    load(store)
    store.upsert(Kind.BUYING_ROLES, [BuyingRole(person_id="p2", role=Role.CHAMPION)])
    view = store.account("c1")
    assert view is not None
    bob_roles = sorted(
        (r.role.value, r.bu_id or "") for r in view.buying_roles if r.person_id == "p2"
    )
    assert bob_roles == [("champion", ""), ("champion", "bu-sales"), ("influencer", "")]


def test_existing_ids_reports_only_ids_that_exist(store: Store) -> None:
    load(store)
    assert store.existing_ids(Kind.PEOPLE, ["p1", "p9", "p4"]) == {"p1", "p4"}
    assert store.existing_ids(Kind.TEAM, []) == set()


def test_accounts_page_in_id_order_with_next_page(store: Store) -> None:
    load(store)
    first = store.accounts(first=2, after=None, where=AccountFilter())
    assert [c.id for c in first.companies] == ["c1", "c2"]
    assert (first.has_next, first.total) == (True, 3)
    rest = store.accounts(first=2, after="c2", where=AccountFilter())
    assert [c.id for c in rest.companies] == ["c3"]
    assert rest.has_next is False
    assert rest.companies[0] == ACME[Kind.COMPANIES][2]


def test_accounts_filters_combine(store: Store) -> None:
    load(store)

    def ids(**kw: str) -> list[str]:
        page = store.accounts(first=10, after=None, where=AccountFilter(**kw))
        return [c.id for c in page.companies]

    assert ids(country="JP") == ["c2"]
    assert ids(industry="manufacturing") == ["c1"]
    assert ids(name_contains="ACME") == ["c1", "c2"]
    assert ids(name_contains="acme", country="US") == ["c1"]
    assert ids(owner_id="m2") == ["c1"]
    assert ids(owner_id="m1") == []
    assert ids(name_contains="株式会社") == ["c2"]


def test_later_touch_with_same_id_replaces_the_earlier(store: Store) -> None:
    load(store)
    changed = Touch(
        id="t2",
        member_id="m1",
        person_id="p3",
        type=TouchType.VISIT,
        occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    store.upsert(Kind.TOUCHES, [changed])
    view = store.account("c1")
    assert view is not None
    assert next(t for t in view.touches if t.id == "t2") == changed
    assert store.stats().nodes["Touch"] == 3


def test_clearing_an_optional_field_removes_it(store: Store) -> None:
    load(store)
    store.upsert(Kind.PEOPLE, [Person(id="p1", company_id="c1", full_name="Ann Lee")])
    view = store.account("c1")
    assert view is not None
    ann = next(p for p in view.people if p.id == "p1")
    assert (ann.email, ann.title, ann.seniority) == (None, None, None)


def test_optional_fields_added_for_analytics_round_trip(store: Store) -> None:
    load(store)
    store.upsert(
        Kind.COMPANIES,
        [Company(id="c3", name="Beta Ltd", corporate_number="1234567890123")],
    )
    store.upsert(
        Kind.PEOPLE,
        [Person(id="p9", company_id="c3", full_name="Gone", left_at=date(2025, 12, 31))],
    )
    store.upsert(
        Kind.WALLET,
        [
            WalletEstimate(
                company_id="c3",
                category="x",
                amount=10.0,
                as_of=date(2026, 1, 1),
                source=WalletSource.SURVEY,
                vendor_rank=2,
                vendor_count=4,
            )
        ],
    )
    view = store.account("c3")
    assert view is not None
    assert view.company.corporate_number == "1234567890123"
    assert view.people[0].left_at == date(2025, 12, 31)
    assert (view.wallet[0].vendor_rank, view.wallet[0].vendor_count) == (2, 4)


def test_a_bare_node_from_a_forward_reference_is_not_an_existing_record(store: Store) -> None:
    store.upsert(Kind.COMPANIES, [Company(id="kid", name="Kid", parent_company_id="mom")])
    assert store.existing_ids(Kind.COMPANIES, ["kid", "mom"]) == {"kid"}
    assert store.stats().nodes["Company"] == 2  # the bare node is in the graph
