"""The GraphQL layer within a caller's scope: what each role sees, what ids resolve to, the
entry points for people, deals and members, and a person's last touch and band.

The graph is ACME (tests/fixtures.py) plus Beta's side: Zed (m3) is on Beta's (c3) account
team; Beta has one person, Pia (p5), and one deal (d3). So the rep Eve (m2, Acme's team) sees
Acme and Acme Japan (c1, c2) and not Beta; the rep Zed sees Beta only; Kim (m4), on Acme
Japan's team alone, sees Acme Japan but not its parent.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graph_service.auth import OPEN, AuthMethod, Principal, PrincipalKind, Role
from graph_service.domain import DealContact, Kind
from graph_service.store.base import Store
from tests.fixtures import load
from tests.scope_support import BETA, EVE, KIM, STRATEGIST, ZED, run


@pytest.fixture
def beta(store: Store) -> Store:
    load(store, BETA)
    return store


ACCOUNT = """
query ($id: ID!) {
  account(id: $id) {
    __typename
    ... on Account { id parentId parent { id } subsidiaries { id } }
    ... on NotFound { id message }
  }
}
"""


def test_a_rep_sees_their_account_and_its_subsidiary(beta: Store) -> None:
    acct = run(beta, EVE, ACCOUNT, id="c1")["account"]
    assert acct == {
        "__typename": "Account",
        "id": "c1",
        "parentId": None,
        "parent": None,
        "subsidiaries": [{"id": "c2"}],
    }


def test_another_reps_account_answers_as_one_that_does_not_exist(beta: Store) -> None:
    hidden = run(beta, EVE, ACCOUNT, id="c3")["account"]
    unknown = run(beta, EVE, ACCOUNT, id="zz")["account"]
    assert hidden == {"__typename": "NotFound", "id": "c3", "message": "no account with id 'c3'"}
    assert unknown == {"__typename": "NotFound", "id": "zz", "message": "no account with id 'zz'"}


def test_a_hidden_parent_does_not_show_on_a_visible_subsidiary(beta: Store) -> None:
    acct = run(beta, KIM, ACCOUNT, id="c2")["account"]
    assert acct["parentId"] is None and acct["parent"] is None


ACCOUNTS = "{ accounts { totalCount edges { node { id } } pageInfo { hasNextPage } } }"


@pytest.mark.parametrize(
    ("principal", "ids"),
    [(EVE, ["c1", "c2"]), (ZED, ["c3"]), (KIM, ["c2"]), (STRATEGIST, ["c1", "c2", "c3"])],
)
def test_accounts_lists_and_counts_the_visible_ones(
    beta: Store, principal: Principal, ids: list[str]
) -> None:
    page = run(beta, principal, ACCOUNTS)["accounts"]
    assert [e["node"]["id"] for e in page["edges"]] == ids
    assert page["totalCount"] == len(ids) and page["pageInfo"]["hasNextPage"] is False


ACCOUNT_FIELDS = {
    "coverageGaps": 'coverageGaps(accountId: "{id}") { __typename ... on NotFound { message } }',
    "nextBestTouches": (
        'nextBestTouches(accountId: "{id}") { __typename ... on NotFound { message } }'
    ),
    "shareOfWallet": (
        'shareOfWallet(accountId: "{id}") { __typename ... on NotFound { message } }'
    ),
    "influencePaths": (
        'influencePaths(accountId: "{id}", targetPersonId: "p5") '
        "{ __typename ... on NotFound { message } }"
    ),
}


@pytest.mark.parametrize("field", ACCOUNT_FIELDS)
def test_every_account_field_answers_a_hidden_account_as_an_unknown_one(
    beta: Store, field: str
) -> None:
    def ask(principal: Principal, account_id: str) -> Any:
        document = "{ " + ACCOUNT_FIELDS[field].replace("{id}", account_id) + " }"
        return run(beta, principal, document)[field]

    assert ask(EVE, "c3") == {"__typename": "NotFound", "message": "account 'c3' not found"}
    assert ask(EVE, "zz") == {"__typename": "NotFound", "message": "account 'zz' not found"}
    assert ask(ZED, "c3")["__typename"] != "NotFound"  # Beta's own rep gets an answer


PORTFOLIO = """
{
  targetList { totalCount edges { node { accountId } } }
  portfolioCoverage { totalCount edges { node { accountId } } }
  rfmSegments { accountId }
  ltvShareAnalysis { points { accountId } }
}
"""


@pytest.mark.parametrize(
    ("principal", "ids"), [(EVE, {"c1", "c2"}), (ZED, {"c3"}), (STRATEGIST, {"c1", "c2", "c3"})]
)
def test_portfolio_answers_are_over_the_visible_accounts_only(
    beta: Store, principal: Principal, ids: set[str]
) -> None:
    data = run(beta, principal, PORTFOLIO)
    for name in ("targetList", "portfolioCoverage"):
        assert {e["node"]["accountId"] for e in data[name]["edges"]} == ids
        assert data[name]["totalCount"] == len(ids)
    assert {r["accountId"] for r in data["rfmSegments"]} == ids
    assert {p["accountId"] for p in data["ltvShareAnalysis"]["points"]} <= ids


def test_the_visible_ids_are_resolved_once_per_request(
    beta: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    resolve = beta.visible_company_ids

    def counted(scope: Any) -> frozenset[str] | None:
        calls.append(scope)
        return resolve(scope)

    monkeypatch.setattr(beta, "visible_company_ids", counted)
    run(beta, EVE, PORTFOLIO)
    assert len(calls) == 1


RESOLVED = """
{
  account(id: "c1") {
    ... on Account {
      recentTouches(limit: 1) { id personId person { fullName } memberId member { fullName } }
      nextActions { personId person { fullName } memberId member { fullName } }
      deals(openOnly: true) {
        ownerId owner { fullName } contacts { personId role person { fullName } }
        contactPeople { id }
      }
      accountTeam { member { id fullName } }
    }
  }
}
"""


def test_ids_on_an_account_resolve_to_their_objects(beta: Store) -> None:
    acct = run(beta, EVE, RESOLVED)["account"]
    assert acct["recentTouches"] == [
        {
            "id": "t1",
            "personId": "p2",
            "person": {"fullName": "Bob Roy"},
            "memberId": "m2",
            "member": {"fullName": "Eve AE"},
        }
    ]
    assert acct["nextActions"] == [
        {
            "personId": "p1",
            "person": {"fullName": "Ann Lee"},
            "memberId": "m2",
            "member": {"fullName": "Eve AE"},
        }
    ]
    assert acct["deals"] == [
        {
            "ownerId": "m2",
            "owner": {"fullName": "Eve AE"},
            "contacts": [{"personId": "p2", "role": "sponsor", "person": {"fullName": "Bob Roy"}}],
            "contactPeople": [{"id": "p2"}],
        }
    ]
    assert acct["accountTeam"] == [{"member": {"id": "m2", "fullName": "Eve AE"}}]


PATHS = """
{
  influencePaths(accountId: "c1", targetPersonId: "p1", asOf: "2026-10-02") {
    ... on InfluencePaths {
      paths {
        memberId member { fullName }
        hops { fromKind fromId member { id } fromPerson { id } toPersonId person { fullName } }
      }
    }
  }
  nextBestTouches(accountId: "c1", asOf: "2026-10-02") {
    ... on NextBestTouches { touches { personId person { id } } }
  }
}
"""


def test_a_path_hop_resolves_its_person_and_member(beta: Store) -> None:
    data = run(beta, EVE, PATHS)
    paths = data["influencePaths"]["paths"]
    assert paths, "Eve reaches Ann through Bob"
    for path in paths:
        assert path["member"] == {"fullName": "Eve AE"}
        first, *rest = path["hops"]
        assert first["fromKind"] == "member" and first["member"] == {"id": first["fromId"]}
        assert first["fromPerson"] is None
        for hop in rest:
            assert hop["member"] is None and hop["fromPerson"] == {"id": hop["fromId"]}
        assert path["hops"][-1]["person"] == {"fullName": "Ann Lee"}
    for touch in data["nextBestTouches"]["touches"]:
        person = touch["person"]
        assert (person and person["id"]) == touch["personId"]


PERSON = """
query ($id: ID!) {
  person(id: $id) {
    __typename
    ... on Person { id accountId fullName roles { role } }
    ... on NotFound { id message }
  }
}
"""


def test_person_answers_a_visible_person(beta: Store) -> None:
    assert run(beta, EVE, PERSON, id="p1")["person"] == {
        "__typename": "Person",
        "id": "p1",
        "accountId": "c1",
        "fullName": "Ann Lee",
        "roles": [{"role": "DECIDER"}],
    }


def test_a_person_at_a_hidden_account_answers_as_an_unknown_one(beta: Store) -> None:
    assert run(beta, EVE, PERSON, id="p5")["person"] == {
        "__typename": "NotFound",
        "id": "p5",
        "message": "no person with id 'p5'",
    }
    assert run(beta, EVE, PERSON, id="zz")["person"]["message"] == "no person with id 'zz'"
    assert run(beta, ZED, PERSON, id="p5")["person"]["fullName"] == "Pia Beta"


DEAL = """
query ($id: ID!) {
  deal(id: $id) {
    __typename
    ... on Deal { id accountId stage owner { id } contacts { person { id } } }
    ... on NotFound { id message }
  }
}
"""


def test_deal_answers_a_visible_deal_with_its_owner_and_contacts(beta: Store) -> None:
    assert run(beta, EVE, DEAL, id="d1")["deal"] == {
        "__typename": "Deal",
        "id": "d1",
        "accountId": "c1",
        "stage": "PROPOSAL",
        "owner": {"id": "m2"},
        "contacts": [{"person": {"id": "p2"}}],
    }


def test_a_deal_at_a_hidden_account_answers_as_an_unknown_one(beta: Store) -> None:
    hidden = run(beta, EVE, DEAL, id="d3")["deal"]
    assert hidden == {"__typename": "NotFound", "id": "d3", "message": "no deal with id 'd3'"}
    assert run(beta, EVE, DEAL, id="zz")["deal"]["message"] == "no deal with id 'zz'"
    assert run(beta, ZED, DEAL, id="d3")["deal"]["owner"] == {"id": "m3"}


MEMBER = """
query ($id: ID!) {
  member(id: $id) {
    __typename
    ... on TeamMember { id fullName accounts { id } }
    ... on NotFound { message }
  }
}
"""


def test_a_rep_sees_themself_with_their_accounts(beta: Store) -> None:
    assert run(beta, EVE, MEMBER, id="m2")["member"] == {
        "__typename": "TeamMember",
        "id": "m2",
        "fullName": "Eve AE",
        "accounts": [{"id": "c1"}],
    }


def test_a_member_on_no_visible_account_answers_as_an_unknown_one(beta: Store) -> None:
    assert run(beta, EVE, MEMBER, id="m3")["member"] == {
        "__typename": "NotFound",
        "message": "no team member with id 'm3'",
    }
    assert run(beta, EVE, MEMBER, id="zz")["member"]["message"] == "no team member with id 'zz'"


def test_a_member_on_a_visible_accounts_team_shows_only_the_visible_accounts(
    beta: Store,
) -> None:
    # Kim sees Acme Japan, whose team has Kim alone; Eve (Acme's team) is hidden from Kim.
    assert run(beta, KIM, MEMBER, id="m2")["member"]["__typename"] == "NotFound"
    # Eve sees Acme Japan (Acme's subsidiary), so Kim, on its team, with Acme Japan only.
    assert run(beta, EVE, MEMBER, id="m4")["member"]["accounts"] == [{"id": "c2"}]


def test_a_strategist_sees_any_member(beta: Store) -> None:
    assert run(beta, STRATEGIST, MEMBER, id="m3")["member"]["accounts"] == [{"id": "c3"}]


BAND = """
query ($asOf: Date) {
  person(id: "p2") {
    ... on Person { lastTouch(asOf: $asOf) { id type occurredAt member { id } } band(asOf: $asOf) }
  }
}
"""


@pytest.mark.parametrize(
    ("as_of", "last", "band"),
    [
        # Bob's one touch is Eve's meeting on 2026-10-01 (JST).
        (date(2026, 9, 30), None, "NONE"),  # not yet: nobody on our side touched him
        (date(2026, 10, 1), "t1", "STRONG"),  # that day: 1 - e^-1 = 0.63 >= 0.6
        (date(2027, 1, 1), "t1", "MODERATE"),  # 92 days on: 1 - e^-(0.5^(92/90)) = 0.39
    ],
)
def test_a_persons_last_touch_and_band_as_of_a_day(
    beta: Store, as_of: date, last: str | None, band: str
) -> None:
    person = run(beta, EVE, BAND, asOf=as_of.isoformat())["person"]
    assert person["band"] == band
    if last is None:
        assert person["lastTouch"] is None
    else:
        assert person["lastTouch"] == {
            "id": last,
            "type": "MEETING",
            "occurredAt": "2026-10-01T10:00:00+09:00",
            "member": {"id": "m2"},
        }


def test_the_open_principal_sees_everything(beta: Store) -> None:
    assert run(beta, OPEN, ACCOUNTS)["accounts"]["totalCount"] == 3


def test_a_contact_at_a_hidden_account_is_left_out(store: Store) -> None:
    # Pia (Beta, hidden from Eve) is also a contact on Acme's deal d1.
    extra = DealContact(deal_id="d1", person_id="p5", role="advisor")
    load(store, {**BETA, Kind.DEAL_CONTACTS: [*BETA[Kind.DEAL_CONTACTS], extra]})
    deal = run(store, EVE, DEAL, id="d1")["deal"]
    assert deal["contacts"] == [{"person": {"id": "p2"}}]  # not even a null: no trace of Pia


def test_a_member_on_no_account_team_finds_themself(beta: Store) -> None:
    max_manager = Principal(PrincipalKind.MEMBER, "m1", Role.MANAGER, AuthMethod.API_KEY)
    assert run(beta, max_manager, MEMBER, id="m1")["member"]["fullName"] == "Max Manager"
    assert run(beta, STRATEGIST, MEMBER, id="m1")["member"]["fullName"] == "Max Manager"
