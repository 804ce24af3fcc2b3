"""Analytics on the hand-made Acme graph, on both stores: answers that can be checked by eye.

As of 2026-11-01 (engagement window: Aug 4 - Nov 1): Bob (p2) was met on Oct 1, so he is
engaged; Ann (p1, decider) was last emailed on Feb 1, so she is cold; Cid (p3) was never
touched. Acme Japan's Dan (p4) was called on May 5.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from graph_service.analytics import queries
from graph_service.analytics.engagement import Engagement
from graph_service.analytics.paths import Gap
from graph_service.domain import Role
from graph_service.errors import NotFoundError
from graph_service.store.base import Store
from tests.fixtures import load

AS_OF = date(2026, 11, 1)


def cells(unit: object) -> dict[str, str]:
    return {c.role.value: c.status.value for c in unit.cells}  # type: ignore[attr-defined]


def test_account_coverage_by_role(store: Store) -> None:
    load(store)
    report = queries.coverage_gaps(store, "c1", AS_OF)
    assert cells(report.account) == {
        "decider": "cold",
        "buyer": "missing",
        "influencer": "engaged",
        "user": "missing",
    }
    assert report.score == pytest.approx((0.5 + 0 + 1 + 0) / 4)
    assert report.account.champion.status is Engagement.ENGAGED


def test_unit_scoped_champion_covers_its_unit_and_sub_units(store: Store) -> None:
    load(store)
    units = {u.bu_id: u for u in queries.coverage_gaps(store, "c1", AS_OF).units}
    assert units["bu-sales"].champion.engaged == ["p2"]
    # Recomputed by hand for unit trees: EMEA Sales (bu-emea) sits under Sales (bu-sales), so
    # Bob's champion role there covers it too (it was "missing" when roles covered one unit).
    assert units["bu-emea"].champion.engaged == ["p2"]
    # Company-wide roles cover every unit.
    assert cells(units["bu-emea"])["decider"] == "cold"


def test_single_threaded_deal_lists_its_contacts(store: Store) -> None:
    load(store)
    report = queries.coverage_gaps(store, "c1", AS_OF)
    assert [(d.deal_id, d.engaged_contacts) for d in report.single_threaded_deals] == [
        ("d1", ["p2"])
    ]
    assert report.structurally_single_threaded is True


def test_champion_within_reach_of_the_decider_is_no_risk(store: Store) -> None:
    load(store)
    assert queries.coverage_gaps(store, "c1", AS_OF).champion_risks == []


def test_champion_cools_after_60_days_and_goes_cold_after_90(store: Store) -> None:
    load(store)
    # Bob's meeting on Oct 1 is his last exchange. Recomputed by hand for "cooling": 75 days
    # later he is still engaged (90-day window) but cooling (over 60 days), in the matrix too.
    cooling = queries.coverage_gaps(store, "c1", date(2026, 12, 15))
    assert [(r.person_id, r.reasons) for r in cooling.champion_risks] == [
        ("p2", ["cooling: last exchange 75 days ago (2026-10-01)"])
    ]
    assert cooling.account.champion.status is Engagement.COOLING
    assert cooling.account.champion.cooling == ["p2"]
    # 106 days later he is out of the engagement window: cold, in both places (it was
    # "cold: last touched 106 days ago" under the 60-day rule, while the matrix said engaged).
    later = queries.coverage_gaps(store, "c1", date(2027, 1, 15))
    assert [(r.person_id, r.reasons) for r in later.champion_risks] == [
        ("p2", ["cold: no exchange in the last 90 days (last exchange 106 days ago, 2026-10-01)"])
    ]
    assert later.account.champion.status is Engagement.COLD


def test_influence_paths_strongest_first_with_reasons(store: Store) -> None:
    load(store)
    answer = queries.influence(store, "c1", "p1", AS_OF, any_member=True)
    routes = [(p.member_id, p.person_ids) for p in answer.paths]
    assert routes == [("m2", ["p2", "p1"]), ("m1", ["p4", "p1"]), ("m2", ["p1"])]
    best = answer.paths[0]
    assert [h.reason for h in best.hops][1] == "influences"
    assert best.hops[0].reason.startswith("1 touch in the last 90 days (1 meeting)")
    for p in answer.paths:
        assert math.isclose(p.strength, math.prod(h.strength for h in p.hops))
    assert [i.member_id for i in answer.introducers] == ["m2", "m1"]


def test_default_sources_are_the_account_team(store: Store) -> None:
    load(store)
    answer = queries.influence(store, "c1", "p1", AS_OF)
    assert {p.member_id for p in answer.paths} == {"m2"}


def test_avoiding_a_person_routes_around_them(store: Store) -> None:
    load(store)
    answer = queries.influence(store, "c1", "p1", AS_OF, any_member=True, avoid_person_ids=["p2"])
    assert [p.person_ids for p in answer.paths] == [["p4", "p1"], ["p1"]]


def test_influence_to_an_unknown_person_is_not_found(store: Store) -> None:
    load(store)
    with pytest.raises(NotFoundError):
        queries.influence(store, "c1", "nobody", AS_OF)


def test_next_best_touch_for_each_gap(store: Store) -> None:
    load(store)
    found = queries.next_best(store, "c1", AS_OF)
    # The account's own required-role gaps; unit, deal and second-thread gaps follow them.
    touches = {t.role: t for t in found if t.gap is Gap.ROLE and t.bu_id is None}
    assert set(touches) == {Role.DECIDER, Role.BUYER, Role.USER}  # influencer is engaged
    decider = touches[Role.DECIDER]
    assert (decider.status, decider.person_id) == (Engagement.COLD, "p1")
    assert decider.path is not None and decider.path.person_ids == ["p2", "p1"]
    assert touches[Role.BUYER].status is Engagement.MISSING
    # Nobody's title is evidence of a buyer (seniority alone does not make one).
    assert touches[Role.BUYER].person_id is None
    # d1's only contact is Bob, who is engaged: its second thread is Ann, through Bob.
    second = [(t.deal_id, t.person_id) for t in found if t.gap is Gap.SECOND_THREAD]
    assert second == [("d1", "p1")]


def test_share_of_wallet_alone_and_with_subsidiaries(store: Store) -> None:
    load(store)
    sow = queries.wallet_share(store, "c1", AS_OF)
    # Won in window: d2 12,000 (no category). Wallet: company-wide analytics 200,000.
    assert (sow.total.spend, sow.total.wallet) == (12000.0, 200000.0)
    assert sow.total.share == pytest.approx(0.06)
    assert sow.total.whitespace == 188000.0
    assert {u.bu_id: u.share.wallet for u in sow.by_unit} == {"bu-sales": 150000.0}
    family = queries.wallet_share(store, "c1", AS_OF, include_subsidiaries=True)
    assert family.company_ids == ["c1", "c2"]


def test_unknown_account_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        queries.coverage_gaps(store, "zz", AS_OF)
