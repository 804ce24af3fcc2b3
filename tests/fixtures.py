"""Small hand-made graphs whose right answers can be read off by eye."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import TypeVar

from graph_service.domain import (
    AccountTeamMember,
    BusinessUnit,
    BuyingRole,
    Company,
    Deal,
    DealContact,
    Direction,
    FxRate,
    Kind,
    NextAction,
    OrgType,
    Person,
    Record,
    Relationship,
    RelationshipType,
    Role,
    Seniority,
    Stage,
    TeamMember,
    TeamRole,
    Touch,
    TouchType,
    WalletEstimate,
    WalletSource,
)
from graph_service.store.base import Store

JST = timezone(timedelta(hours=9))

R = TypeVar("R", bound=Record)

#: Acme (c1) owns Acme Japan (c2). Acme has a sales division with a nested EMEA unit.
#: Ann (CEO, decider) <- Bob (VP, champion of sales) <- Cid (staff); Dan works at Acme Japan.
ACME: dict[Kind, list[Record]] = {
    Kind.COMPANIES: [
        Company(
            id="c2",
            name="Acme Japan 株式会社",
            domain="acme.co.jp",
            country="JP",
            parent_company_id="c1",
            employees=120,
            annual_revenue=3.5e7,
        ),
        Company(
            id="c1",
            name="Acme Corp",
            domain="acme.com",
            industry="manufacturing",
            employees=5000,
            annual_revenue=1.2e9,
            country="US",
        ),
        Company(id="c3", name="Beta Ltd", industry="retail", country="GB"),
    ],
    Kind.BUSINESS_UNITS: [
        BusinessUnit(
            id="bu-emea",
            company_id="c1",
            name="EMEA Sales",
            parent_bu_id="bu-sales",
            org_type=OrgType.DIVISIONAL,
        ),
        BusinessUnit(id="bu-sales", company_id="c1", name="Sales", org_type=OrgType.FUNCTIONAL),
    ],
    Kind.PEOPLE: [
        Person(
            id="p1",
            company_id="c1",
            full_name="Ann Lee",
            title="CEO",
            seniority=Seniority.C_LEVEL,
            email="ann@acme.com",
        ),
        Person(
            id="p2",
            company_id="c1",
            full_name="Bob Roy",
            bu_id="bu-sales",
            title="VP Sales",
            seniority=Seniority.VP,
            reports_to="p1",
        ),
        Person(id="p3", company_id="c1", full_name="Cid Moe", bu_id="bu-emea", reports_to="p2"),
        Person(id="p4", company_id="c2", full_name="佐藤 大輔", email="sato@acme.co.jp"),
    ],
    Kind.BUYING_ROLES: [
        BuyingRole(person_id="p1", role=Role.DECIDER, since=date(2024, 1, 15)),
        BuyingRole(person_id="p2", role=Role.CHAMPION, bu_id="bu-sales"),
        BuyingRole(person_id="p2", role=Role.INFLUENCER),
    ],
    Kind.RELATIONSHIPS: [
        Relationship(
            from_person_id="p2", to_person_id="p1", type=RelationshipType.INFLUENCES, strength=0.8
        ),
        Relationship(from_person_id="p3", to_person_id="p2", type=RelationshipType.KNOWS),
        Relationship(
            from_person_id="p4", to_person_id="p1", type=RelationshipType.WORKED_WITH, strength=0.4
        ),
    ],
    Kind.TEAM: [
        TeamMember(
            id="m2", full_name="Eve AE", team_role=TeamRole.AE, manager_id="m1", region="NA"
        ),
        TeamMember(id="m1", full_name="Max Manager", team_role=TeamRole.MANAGER),
    ],
    Kind.ACCOUNT_TEAM: [AccountTeamMember(company_id="c1", member_id="m2", role="owner")],
    Kind.DEALS: [
        Deal(
            id="d1",
            company_id="c1",
            stage=Stage.PROPOSAL,
            bu_id="bu-sales",
            amount=50000.0,
            currency="USD",
            product="Analytics",
            category="analytics",
            owner_id="m2",
            created_date=date(2026, 9, 1),
            channel="direct",
        ),
        Deal(
            id="d2",
            company_id="c1",
            stage=Stage.WON,
            amount=12000.0,
            currency="USD",
            close_date=date(2026, 3, 31),
            owner_id="m1",
        ),
    ],
    Kind.DEAL_CONTACTS: [DealContact(deal_id="d1", person_id="p2", role="sponsor")],
    Kind.TOUCHES: [
        Touch(
            id="t1",
            member_id="m2",
            person_id="p2",
            type=TouchType.MEETING,
            occurred_at=datetime(2026, 10, 1, 10, 0, tzinfo=JST),
            direction=Direction.OUTBOUND,
            deal_id="d1",
            notes="demo 打ち合わせ",
        ),
        Touch(
            id="t2",
            member_id="m2",
            person_id="p1",
            type=TouchType.EMAIL,
            occurred_at=datetime(2026, 2, 1, 9, 0, tzinfo=UTC),
            direction=Direction.INBOUND,
        ),
        Touch(
            id="t3",
            member_id="m1",
            person_id="p4",
            type=TouchType.CALL,
            occurred_at=datetime(2026, 5, 5, 9, 0, tzinfo=JST),
        ),
    ],
    Kind.NEXT_ACTIONS: [
        NextAction(
            id="a1",
            company_id="c1",
            member_id="m2",
            due_date=date(2026, 12, 1),
            description="Meet the CFO",
            person_id="p1",
        ),
    ],
    Kind.WALLET: [
        WalletEstimate(
            company_id="c1",
            category="analytics",
            amount=200000.0,
            as_of=date(2026, 1, 1),
            source=WalletSource.SURVEY,
        ),
        WalletEstimate(
            company_id="c1",
            category="analytics",
            amount=150000.0,
            as_of=date(2026, 7, 1),
            bu_id="bu-sales",
        ),
    ],
    Kind.FX_RATES: [FxRate(currency="JPY", rate=150.0)],  # 150 yen to a dollar: USD reporting
}

#: What ACME must count as in any store.
ACME_STATS = {
    "nodes": {
        "BusinessUnit": 2,
        "Company": 3,
        "Deal": 2,
        "FxRate": 1,
        "NextAction": 1,
        "Person": 4,
        "TeamMember": 2,
        "Touch": 3,
        "WalletEstimate": 2,
    },
    "relationships": {
        "ABOUT": 1,
        "ASSIGNED_TO": 1,
        "BY": 3,
        "CHILD_OF": 1,
        "CONTACT_ON": 1,
        "FOR": 3,
        "HAS_ROLE": 3,
        "INFLUENCES": 1,
        "IN_UNIT": 4,
        "KNOWS": 1,
        "OF": 2,
        "ON_ACCOUNT_TEAM": 1,
        "OWNED_BY": 2,
        "PART_OF": 2,
        "REPORTS_TO": 3,
        "SUBSIDIARY_OF": 1,
        "WITH": 4,
        "WORKED_WITH": 1,
        "WORKS_AT": 4,
    },
}


def acme_record(record_type: type[R], id_: str) -> R:
    """The ``record_type`` record of ACME whose id is ``id_``, typed as that record."""
    return next(
        r
        for records in ACME.values()
        for r in records
        if isinstance(r, record_type) and r.id == id_
    )


def load(store: Store, graph: dict[Kind, list[Record]] = ACME) -> None:
    """Write ``graph`` kind by kind, in load order."""
    store.ensure_schema()
    for kind in Kind:
        if graph.get(kind):
            store.upsert(kind, graph[kind])


def a_touch(
    touch_id: str,
    person_id: str,
    occurred_at: datetime,
    type_: TouchType = TouchType.MEETING,
    member_id: str = "m2",
) -> Touch:
    """One more touch for a test to write after loading a fixture."""
    return Touch(
        id=touch_id, member_id=member_id, person_id=person_id, type=type_, occurred_at=occurred_at
    )
