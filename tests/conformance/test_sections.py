"""An account view read in parts (:class:`~graph_service.domain.AccountSections`) is, on both
stores, the whole view cut down by :func:`graph_service.store.sections.within`: the parts asked
for, the latest touches when limited, the touch count, and the members the parts name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from graph_service.domain import AccountSections, Kind, Touch, TouchType
from graph_service.store.base import Store
from graph_service.store.sections import within
from tests.fixtures import ACME, load

#: Acme with five more touches at Acme, an hour apart, the last by Max (m1).
TOUCHES = [
    Touch(
        f"t-s{i}",
        "m1" if i == 4 else "m2",
        "p2",
        TouchType.CALL,
        datetime(2026, 11, 1, 9, tzinfo=UTC) + timedelta(hours=i),
    )
    for i in range(5)
]


@pytest.fixture
def acme(store: Store) -> Store:
    load(store, {**ACME, Kind.TOUCHES: [*ACME[Kind.TOUCHES], *TOUCHES]})
    return store


@pytest.mark.parametrize(
    "sections",
    [
        AccountSections(),
        AccountSections.only(),
        AccountSections.only(people=True, touch_count=True, touch_limit=2),
        AccountSections.only(deals=True, deal_contacts=True),
        AccountSections.only(account_team=True, business_units=True, wallet=True),
        AccountSections.only(people=True, buying_roles=True, relationships=True, touches=True),
        AccountSections.only(next_actions=True, touch_limit=0),
    ],
    ids=[
        "all",
        "none",
        "people+latest-2",
        "deals",
        "team+units+wallet",
        "people+all-touches",
        "actions",
    ],
)
def test_a_view_in_parts_is_the_whole_view_cut_down(acme: Store, sections: AccountSections) -> None:
    whole = acme.account("c1")
    part = acme.account("c1", sections=sections)
    assert whole is not None and part is not None
    assert part.normalized() == within(whole, sections).normalized()


def test_the_latest_touches_are_the_newest_and_the_count_is_all(acme: Store) -> None:
    part = acme.account("c1", sections=AccountSections.only(touch_count=True, touch_limit=2))
    whole = acme.account("c1")
    assert part is not None and whole is not None
    assert sorted(t.id for t in part.touches) == ["t-s3", "t-s4"]
    assert part.touch_count == len(whole.touches) == 2 + 5  # ACME's two at Acme, and five
    assert sorted(m.id for m in part.members) == ["m1", "m2"]  # t-s4 is Max's, t-s3 Eve's
    assert part.people == [] and part.deals == []


def test_views_of_many_accounts_are_each_accounts_view(acme: Store) -> None:
    sections = AccountSections.only(people=True, touch_count=True, touch_limit=1)
    views = acme.account_views(["c2", "zz", "c1", "c2"], sections=sections)
    assert [v.company.id for v in views] == ["c2", "c1"]
    for view in views:
        one = acme.account(view.company.id, sections=sections)
        assert one is not None and view.normalized() == one.normalized()
    assert acme.account_views(["c1", "c2"], visible=frozenset({"c2"})) == [
        acme.account("c2", visible=frozenset({"c2"}))
    ]


def test_a_touchs_moment_comes_back_to_the_microsecond_at_its_offset(store: Store) -> None:
    from datetime import timezone

    tokyo = timezone(timedelta(hours=9))
    at = datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=tokyo)
    load(store, {**ACME, Kind.TOUCHES: [Touch("t-us", "m2", "p2", TouchType.CALL, at)]})
    view = store.account("c1", sections=AccountSections.only(touch_limit=1))
    assert view is not None
    (touch,) = view.touches
    assert touch.occurred_at == at
    assert touch.occurred_at.isoformat() == "2026-11-20T10:00:00.123456+09:00"
