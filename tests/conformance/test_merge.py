"""Store support for entity resolution, identical on both stores: ``resolution_records`` and
``merge_into`` (relationships of a merged node move to the survivor, the node goes)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from graph_service.domain import (
    AccountTeamMember,
    BusinessUnit,
    BuyingRole,
    Company,
    Deal,
    DealContact,
    Kind,
    NextAction,
    Person,
    Record,
    Relationship,
    RelationshipType,
    Role,
    Stage,
    Touch,
    TouchType,
    WalletEstimate,
)
from graph_service.store.base import Store
from tests.fixtures import ACME, ACME_STATS, load

WHEN = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

#: p5 is Bob Roy (p2) again, with a life of its own: a report, roles, ties, contacts, a touch
#: and a next action. Where Bob already has the same relationship, Bob's must survive.
BOB_AGAIN: dict[Kind, list[Record]] = {
    Kind.PEOPLE: [
        Person(id="p5", company_id="c1", full_name="Bob Roy", reports_to="p1"),
        Person(id="p6", company_id="c1", full_name="Dee Fox", reports_to="p5"),
    ],
    Kind.BUYING_ROLES: [
        BuyingRole(person_id="p5", role=Role.DECIDER, since=date(2025, 5, 1)),
        BuyingRole(person_id="p5", role=Role.CHAMPION, bu_id="bu-sales", since=date(2020, 1, 1)),
        BuyingRole(person_id="p5", role=Role.INFLUENCER, since=date(2020, 1, 1)),
        BuyingRole(person_id="p5", role=Role.USER, bu_id="bu-emea"),
    ],
    Kind.RELATIONSHIPS: [
        Relationship("p5", "p1", RelationshipType.INFLUENCES, strength=0.3),
        Relationship("p5", "p2", RelationshipType.KNOWS),
        Relationship("p3", "p5", RelationshipType.WORKED_WITH, strength=0.5),
    ],
    Kind.DEAL_CONTACTS: [
        DealContact(deal_id="d1", person_id="p5", role="user"),
        DealContact(deal_id="d2", person_id="p5", role="buyer"),
    ],
    Kind.TOUCHES: [
        Touch(id="t5", member_id="m2", person_id="p5", type=TouchType.CALL, occurred_at=WHEN),
    ],
    Kind.NEXT_ACTIONS: [
        NextAction(
            id="a5",
            company_id="c1",
            member_id="m2",
            due_date=date(2026, 12, 24),
            description="Call Bob",
            person_id="p5",
        )
    ],
}

#: c4 is Acme (c1) again, with its own unit, person, role, deal, account team, wallet,
#: next action and subsidiary; its parent (c3) is its own reference and goes with it.
ACME_AGAIN: dict[Kind, list[Record]] = {
    Kind.COMPANIES: [
        Company(id="c4", name="ACME Corporation", parent_company_id="c3"),
        Company(id="c5", name="Acme Brasil", parent_company_id="c4"),
    ],
    Kind.BUSINESS_UNITS: [BusinessUnit(id="bu-x", company_id="c4", name="Research")],
    Kind.PEOPLE: [Person(id="p7", company_id="c4", full_name="Gus Park")],
    Kind.BUYING_ROLES: [BuyingRole(person_id="p7", role=Role.DECIDER)],
    Kind.ACCOUNT_TEAM: [
        AccountTeamMember(company_id="c4", member_id="m2", role="backup"),
        AccountTeamMember(company_id="c4", member_id="m1", role="exec sponsor"),
    ],
    Kind.DEALS: [Deal(id="d3", company_id="c4", stage=Stage.QUALIFYING, owner_id="m1")],
    Kind.NEXT_ACTIONS: [
        NextAction(
            id="a4", company_id="c4", member_id="m1", due_date=date(2026, 11, 1), description="x"
        )
    ],
    Kind.WALLET: [
        WalletEstimate(company_id="c4", category="analytics", amount=1.0, as_of=date(2026, 1, 1)),
        WalletEstimate(company_id="c4", category="security", amount=9.0, as_of=date(2026, 1, 1)),
    ],
}


def test_resolution_records_are_complete_companies_and_people_in_id_order(store: Store) -> None:
    load(store)
    store.upsert(Kind.PEOPLE, [Person(id="p0", company_id="c1", full_name="Zed", reports_to="px")])
    companies = store.resolution_records(Kind.COMPANIES)
    assert companies.records == sorted(ACME[Kind.COMPANIES], key=lambda c: c.id)
    assert companies.aliases == {}
    people = store.resolution_records(Kind.PEOPLE).records
    # px exists only as the bare target of a forward reference: not a record.
    assert [p.id for p in people] == ["p0", "p1", "p2", "p3", "p4"]
    assert people[2] == ACME[Kind.PEOPLE][1]


def test_resolution_records_refuse_other_kinds(store: Store) -> None:
    with pytest.raises(ValueError, match="only companies and people"):
        store.resolution_records(Kind.DEALS)


def test_merging_a_person_moves_everything_onto_the_survivor(store: Store) -> None:
    load(store)
    load(store, BOB_AGAIN)
    store.merge_into(Kind.PEOPLE, "p2", ["p5"])

    assert store.existing_ids(Kind.PEOPLE, ["p2", "p5"]) == {"p2"}
    view = store.account("c1")
    assert view is not None
    people = {p.id: p for p in view.people}
    assert sorted(people) == ["p1", "p2", "p3", "p6"]
    assert people["p6"].reports_to == "p2"
    assert people["p2"] == ACME[Kind.PEOPLE][1]  # the survivor's own record is untouched
    roles = sorted(
        (r.role.value, r.bu_id or "", r.since) for r in view.buying_roles if r.person_id == "p2"
    )
    assert roles == [
        ("champion", "bu-sales", None),  # Bob's own, not the duplicate's of 2020
        ("decider", "", date(2025, 5, 1)),
        ("influencer", "", None),
        ("user", "bu-emea", None),
    ]
    ties = {
        (r.from_person_id, r.type.value, r.to_person_id): r.strength for r in view.relationships
    }
    assert ties[("p2", "influences", "p1")] == 0.8  # Bob's own strength wins
    assert ties[("p3", "worked_with", "p2")] == 0.5
    assert ("p2", "knows", "p2") not in ties  # a tie with himself is dropped
    contacts = sorted((c.deal_id, c.person_id, c.role) for c in view.deal_contacts)
    assert contacts == [("d1", "p2", "sponsor"), ("d2", "p2", "buyer")]
    assert next(t for t in view.touches if t.id == "t5").person_id == "p2"
    assert next(a for a in view.next_actions if a.id == "a5").person_id == "p2"
    assert store.resolution_records(Kind.PEOPLE).aliases == {"p5": "p2"}
    stats = store.stats().as_dict()
    assert stats["nodes"]["Person"] == ACME_STATS["nodes"]["Person"] + 1  # p6
    assert stats["relationships"]["HAS_ROLE"] == ACME_STATS["relationships"]["HAS_ROLE"] + 2
    assert stats["relationships"]["KNOWS"] == ACME_STATS["relationships"]["KNOWS"]


def test_merging_a_company_moves_everything_onto_the_survivor(store: Store) -> None:
    load(store)
    load(store, ACME_AGAIN)
    store.merge_into(Kind.COMPANIES, "c1", ["c4"])

    assert store.account("c4") is None
    view = store.account("c1")
    assert view is not None
    assert view.company == ACME[Kind.COMPANIES][1]  # parent c3 was c4's own: not taken over
    assert sorted(c.id for c in view.subsidiaries) == ["c2", "c5"]
    assert "bu-x" in {b.id for b in view.business_units}
    assert next(p for p in view.people if p.id == "p7").company_id == "c1"
    assert ("p7", "decider", None) in {
        (r.person_id, r.role.value, r.bu_id) for r in view.buying_roles
    }
    assert next(d for d in view.deals if d.id == "d3").company_id == "c1"
    team = sorted((t.member_id, t.role) for t in view.account_team)
    assert team == [("m1", "exec sponsor"), ("m2", "owner")]
    wallet = sorted((w.category, w.as_of, w.bu_id, w.amount) for w in view.wallet)
    assert wallet == [
        ("analytics", date(2026, 1, 1), None, 200000.0),  # c1's own estimate wins
        ("analytics", date(2026, 7, 1), "bu-sales", 150000.0),
        ("security", date(2026, 1, 1), None, 9.0),
    ]
    assert all(w.company_id == "c1" for w in view.wallet)
    assert "a4" in {a.id for a in view.next_actions}
    c3 = store.account("c3")
    assert c3 is not None and c3.subsidiaries == []
    assert store.resolution_records(Kind.COMPANIES).aliases == {"c4": "c1"}
    nodes = store.stats().nodes
    assert nodes["Company"] == 4 and nodes["WalletEstimate"] == 3


def test_a_survivor_loses_its_own_reference_to_the_merged_record(store: Store) -> None:
    load(store)
    store.merge_into(Kind.COMPANIES, "c2", ["c1"])  # c2 was c1's subsidiary
    view = store.account("c2")
    assert view is not None
    assert view.parent is None and view.company.parent_company_id is None
    assert sorted(p.id for p in view.people) == ["p1", "p2", "p3", "p4"]
    assert "SUBSIDIARY_OF" not in store.stats().relationships


def test_merging_into_a_missing_survivor_is_refused_and_changes_nothing(store: Store) -> None:
    load(store)
    with pytest.raises(ValueError, match="no Person 'nobody'"):
        store.merge_into(Kind.PEOPLE, "nobody", ["p2"])
    assert store.stats().as_dict() == ACME_STATS


def test_merged_ids_that_do_not_exist_are_remembered_and_aliases_follow_merges(
    store: Store,
) -> None:
    load(store)
    load(store, ACME_AGAIN)
    store.merge_into(Kind.COMPANIES, "c1", ["gone", "c4"])
    assert store.stats().nodes["Company"] == 4
    store.merge_into(Kind.COMPANIES, "c3", ["c1"])
    assert store.resolution_records(Kind.COMPANIES).aliases == {
        "gone": "c3",
        "c4": "c3",
        "c1": "c3",
    }
