"""The definitions behind engaged, cooling, coverage and single-threading, on tiny accounts.

Each account here is built by hand as an :class:`AccountView`, as of 2026-11-01 (engagement
window: Aug 4 - Nov 1), so that the right answer can be read off the fixture.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from graph_service.analytics.coverage import coverage
from graph_service.analytics.engagement import (
    Band,
    Engagement,
    person_engagement,
    standing,
    touch_strength,
)
from graph_service.analytics.paths import Gap, next_best_touches, path_graph
from graph_service.as_of import EXCHANGE_TYPES
from graph_service.domain import (
    AccountView,
    BusinessUnit,
    BuyingRole,
    Company,
    Deal,
    DealContact,
    Direction,
    PathPerson,
    PathSubgraph,
    Person,
    Role,
    Seniority,
    Stage,
    Touch,
    TouchType,
)
from graph_service.store.neo4j.writes import ENGAGED_DAYS_OF_P

AS_OF = date(2026, 11, 1)
ANN = Person(id="p1", company_id="c1", full_name="Ann")


def touch(
    n: int,
    type_: TouchType,
    direction: Direction | None = None,
    *,
    person: str = "p1",
    member: str = "m1",
    day: date = date(2026, 10, 1),
    deal: str | None = None,
) -> Touch:
    return Touch(
        id=f"t{n}",
        member_id=member,
        person_id=person,
        type=type_,
        occurred_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        direction=direction,
        deal_id=deal,
    )


def test_outbound_emails_are_attempts_not_engagement() -> None:
    emails = [touch(i, TouchType.EMAIL, Direction.OUTBOUND) for i in range(3)]
    assert person_engagement(ANN, emails, AS_OF) is Engagement.COLD
    assert touch_strength(emails, AS_OF) > 0  # they still count in touch strength


def test_webinar_and_event_invitations_are_attempts() -> None:
    invites = [
        touch(1, TouchType.WEBINAR, Direction.OUTBOUND),
        touch(2, TouchType.EVENT, Direction.OUTBOUND),
    ]
    assert person_engagement(ANN, invites, AS_OF) is Engagement.COLD


def test_an_inbound_message_of_any_type_engages() -> None:
    assert person_engagement(ANN, [touch(1, TouchType.EMAIL, Direction.INBOUND)], AS_OF) is (
        Engagement.ENGAGED
    )
    assert person_engagement(ANN, [touch(1, TouchType.CHAT, Direction.INBOUND)], AS_OF) is (
        Engagement.ENGAGED
    )


def test_meetings_visits_and_calls_engage_in_any_direction() -> None:
    for type_ in (TouchType.MEETING, TouchType.VISIT, TouchType.CALL):
        for direction in (Direction.OUTBOUND, Direction.INBOUND, None):
            assert person_engagement(ANN, [touch(1, type_, direction)], AS_OF) is (
                Engagement.ENGAGED
            )


def test_a_person_never_touched_has_band_none_and_no_strength() -> None:
    never = standing(ANN, [], AS_OF)
    assert (never.status, never.strength, never.band) == (Engagement.COLD, None, Band.NONE)
    # A person touched long ago went cold: a (weak) strength, not none.
    old = standing(ANN, [touch(1, TouchType.MEETING, day=date(2025, 1, 10))], AS_OF)
    assert old.status is Engagement.COLD
    assert old.strength is not None and old.strength > 0
    assert old.band is Band.WEAK
    assert old.last_exchange == date(2025, 1, 10)


def view(**kw: object) -> AccountView:
    return AccountView(company=Company(id="c1", name="Acme"), **kw)  # type: ignore[arg-type]


#: Ops (bu-ops) has a sub-unit Plant (bu-plant); IT (bu-it) is a sibling.
UNITS = [
    BusinessUnit(id="bu-ops", company_id="c1", name="Ops"),
    BusinessUnit(id="bu-plant", company_id="c1", name="Plant", parent_bu_id="bu-ops"),
    BusinessUnit(id="bu-it", company_id="c1", name="IT"),
]


def test_a_role_held_in_a_unit_covers_its_sub_units_not_its_siblings() -> None:
    v = view(
        business_units=UNITS,
        people=[ANN],
        buying_roles=[BuyingRole(person_id="p1", role=Role.BUYER, bu_id="bu-ops")],
        touches=[touch(1, TouchType.MEETING)],
    )
    buyers = {
        u.bu_id: next(c.status for c in u.cells if c.role is Role.BUYER)
        for u in coverage(v, AS_OF).units
    }
    assert buyers == {
        "bu-ops": Engagement.ENGAGED,
        "bu-plant": Engagement.ENGAGED,
        "bu-it": Engagement.MISSING,
    }


def test_an_account_with_nobody_engaged_is_flagged_single_threaded() -> None:
    v = view(people=[ANN], touches=[touch(1, TouchType.EMAIL, Direction.OUTBOUND)])
    report = coverage(v, AS_OF)
    assert report.engaged_people == []
    assert report.no_engaged_people is True
    assert report.structurally_single_threaded is True
    engaged = coverage(view(people=[ANN], touches=[touch(1, TouchType.CALL)]), AS_OF)
    assert engaged.no_engaged_people is False


def test_one_member_holding_most_recent_touches_single_threads_our_side() -> None:
    # m1 has 4 of the last 90 days' 5 touches (80 %); m2's older touch is outside the window.
    touches = [touch(i, TouchType.EMAIL, Direction.OUTBOUND) for i in range(4)]
    touches += [
        touch(4, TouchType.CALL, member="m2"),
        touch(5, TouchType.CALL, member="m2", day=date(2026, 3, 1)),
    ]
    report = coverage(view(people=[ANN], touches=touches), AS_OF)
    assert report.our_thread is not None
    assert (report.our_thread.member_id, report.our_thread.member_touches) == ("m1", 4)
    assert (report.our_thread.touches, report.our_thread.share) == (5, 0.8)


def test_our_side_needs_five_touches_to_be_single_threaded() -> None:
    touches = [touch(i, TouchType.CALL) for i in range(4)]  # all m1, but only 4
    assert coverage(view(people=[ANN], touches=touches), AS_OF).our_thread is None


def test_two_members_sharing_the_touches_are_not_single_threaded() -> None:
    touches = [touch(i, TouchType.CALL, member="m1" if i < 3 else "m2") for i in range(6)]
    assert coverage(view(people=[ANN], touches=touches), AS_OF).our_thread is None


def test_an_open_deal_worked_by_one_member_is_single_threaded_on_our_side() -> None:
    bob = Person(id="p2", company_id="c1", full_name="Bob")
    deals = [
        Deal(id="d1", company_id="c1", stage=Stage.PROPOSAL),
        Deal(id="d2", company_id="c1", stage=Stage.PROPOSAL),
    ]
    # d1: five touches by m1 with its contact Bob (or about it). d2: m2 and m3 share it.
    touches = [touch(i, TouchType.CALL, person="p2") for i in range(3)]
    touches += [touch(3, TouchType.EMAIL, Direction.OUTBOUND, deal="d1")]
    touches += [touch(4, TouchType.MEETING, deal="d1")]
    touches += [touch(10 + i, TouchType.CALL, member=f"m{2 + i % 2}", deal="d2") for i in range(6)]
    v = view(
        people=[ANN, bob],
        deals=deals,
        deal_contacts=[DealContact(deal_id="d1", person_id="p2")],
        touches=touches,
    )
    threads = coverage(v, AS_OF).our_threaded_deals
    assert [(t.deal_id, t.member_id, t.member_touches, t.touches) for t in threads] == [
        ("d1", "m1", 5, 5)
    ]


def test_a_missing_role_is_suggested_on_title_evidence_not_seniority() -> None:
    manager = Person(
        id="p1",
        company_id="c1",
        full_name="Ann",
        title="Engineering Manager",
        seniority=Seniority.MANAGER,
    )
    v = view(people=[manager])
    sub = PathSubgraph(company_id="c1", people=[PathPerson(id="p1")])
    g = path_graph(sub, AS_OF)
    buyer = next(t for t in next_best_touches(v, g, AS_OF) if t.role is Role.BUYER)
    assert (buyer.gap, buyer.person_id) == (Gap.ROLE, None)  # a manager is no buyer
    procurement = Person(
        id="p2",
        company_id="c1",
        full_name="Bob",
        title="調達部 購買課長",
        seniority=Seniority.MANAGER,
    )
    v = view(people=[manager, procurement])
    sub = PathSubgraph(company_id="c1", people=[PathPerson(id="p1"), PathPerson(id="p2")])
    found = next_best_touches(v, path_graph(sub, AS_OF), AS_OF)
    buyer = next(t for t in found if t.role is Role.BUYER)
    assert buyer.person_id == "p2"
    assert buyer.why == 'title "調達部 購買課長" is evidence of buyer ("購買")'


def test_neo4j_keeps_the_same_exchange_rule_as_the_analytics() -> None:
    """``engaged_days`` (Cypher) names the exchange types and direction ``is_exchange`` uses."""
    match = re.search(
        r"WHERE t\.type IN \[(.*)\] OR t\.direction = '(\w+)'", ENGAGED_DAYS_OF_P, re.DOTALL
    )
    assert match, ENGAGED_DAYS_OF_P
    types = {t.strip().strip("'") for t in match.group(1).split(",")}
    assert types == {t.value for t in EXCHANGE_TYPES}
    assert match.group(2) == Direction.INBOUND.value
