"""The account view reads the parts of the account the query selects, and no more; whatever
it reads, the answer is the same as from the whole view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph_service.api.context import Context
from graph_service.api.schema import schema
from graph_service.domain import ALL_SECTIONS, AccountSections
from graph_service.store.memory import MemoryStore
from tests.fixtures import load


class Spy(MemoryStore):
    """Records the sections each account read asks for."""

    asked: list[AccountSections]

    def account(self, company_id: str, **kwargs: Any) -> Any:
        self.asked.append(kwargs.get("sections", ALL_SECTIONS))
        return super().account(company_id, **kwargs)


@pytest.fixture
def spy(tmp_path: Path) -> Spy:
    store = Spy(tmp_path / "data")
    store.asked = []
    load(store)
    return store


def ask(store: Spy, fields: str, *, listing: bool = False) -> tuple[Any, AccountSections]:
    store.asked.clear()
    if listing:
        document = "{ accounts(first: 3) { edges { node { " + fields + " } } } }"
    else:
        document = '{ account(id: "c1") { ... on Account { ' + fields + " } } }"
    result = schema.execute_sync(document, context_value=Context.for_store(store))
    assert result.errors is None, result.errors
    (asked,) = set(store.asked)
    return result.data, asked


@pytest.mark.parametrize(
    ("fields", "sections"),
    [
        ("id name", AccountSections.only()),
        (
            "people { id fullName } recentTouches(limit: 5) { id } touchCount",
            AccountSections.only(people=True, touch_count=True, touch_limit=5),
        ),
        (
            "recentTouches { id person { fullName } }",
            AccountSections.only(people=True, touch_limit=20),
        ),
        (
            "people { roles { role } ties { toPersonId } }",
            AccountSections.only(people=True, buying_roles=True, relationships=True),
        ),
        (
            "deals { id contacts { personId } }",
            AccountSections.only(deals=True, deal_contacts=True),
        ),
        ("people { band lastTouch { id } }", AccountSections.only(people=True, touches=True)),
        (
            "accountTeam { member { id } } nextActions { id } walletEstimates { category }",
            AccountSections.only(account_team=True, next_actions=True, wallet=True),
        ),
    ],
)
def test_the_read_asks_for_what_the_query_selects(
    spy: Spy, fields: str, sections: AccountSections
) -> None:
    assert ask(spy, fields)[1] == sections


def test_a_listing_asks_for_what_its_nodes_select(spy: Spy) -> None:
    _, asked = ask(spy, "id people { id }", listing=True)
    assert asked == AccountSections.only(people=True)


class Whole(MemoryStore):
    """Reads every part, whatever it is asked for."""

    def account(self, company_id: str, **kwargs: Any) -> Any:
        return super().account(company_id, visible=kwargs.get("visible"))


@pytest.mark.parametrize(
    "fields",
    [
        "people { id fullName reportsToId }",
        "recentTouches(limit: 2) { id occurredAt member { fullName } person { fullName } } "
        "touchCount",
        "deals { id stage contacts { personId person { fullName } } owner { fullName } }",
        "people { id roles { role } ties { toPersonId } band lastTouch { id } }",
        "nextActions { id person { fullName } member { fullName } } accountTeam { role }",
    ],
)
def test_every_part_answers_as_from_the_whole_view(spy: Spy, tmp_path: Path, fields: str) -> None:
    part, asked = ask(spy, fields)
    assert asked != ALL_SECTIONS
    whole_store = Whole(tmp_path / "whole")
    load(whole_store)
    document = '{ account(id: "c1") { ... on Account { ' + fields + " } } }"
    whole = schema.execute_sync(document, context_value=Context.for_store(whole_store))
    assert whole.errors is None
    assert part == whole.data


def test_a_page_of_accounts_with_their_people_is_one_read_of_views(
    spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    batches: list[list[str]] = []
    many = spy.account_views

    def counted(ids: Any, **kwargs: Any) -> Any:
        batches.append(list(ids))
        return many(ids, **kwargs)

    monkeypatch.setattr(spy, "account_views", counted)
    data, _ = ask(spy, "id people { id }", listing=True)
    assert batches == [["c1", "c2", "c3"]]
    assert [len(e["node"]["people"]) for e in data["accounts"]["edges"]] == [3, 1, 0]
