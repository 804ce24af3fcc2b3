"""A query text that passed once is not parsed or validated again; its cost still is checked
every time, and a text that failed fails every time (issue 16;
graph_service/api/valid_documents.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import strawberry.schema.schema as strawberry_schema

from graph_service.api.app import create_app
from graph_service.api.limits import TOO_COSTLY
from graph_service.settings import Limits
from graph_service.store.base import Store
from tests.fixtures import load

PAGE = {
    "query": "query ($n: Int!) { accounts(first: $n) { edges { node { id name } } } }",
}
#: 10 + n x 7 for PAGE: a page of 3 costs 31, a page of 100 costs 710.
BUDGET = 100


def validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time strawberry validates a document."""
    seen: list[int] = []
    validate = strawberry_schema.validate_document

    def counted(*args: Any) -> Any:
        seen.append(1)
        return validate(*args)

    monkeypatch.setattr(strawberry_schema, "validate_document", counted)
    return seen


def post_all(store: Store, *bodies: dict[str, Any]) -> list[dict[str, Any]]:
    load(store)
    app = create_app(store, store_name="test", limits=Limits(query_cost_budget=BUDGET))

    async def send() -> list[dict[str, Any]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return [(await client.post("/graphql", json=body)).json() for body in bodies]

    return asyncio.run(send())


def page(n: int) -> dict[str, Any]:
    return {**PAGE, "variables": {"n": n}}


def test_a_text_that_passed_is_validated_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = validations(monkeypatch)
    first, second = post_all(store, page(3), page(2))
    assert len(seen) == 1
    assert [e["node"]["id"] for e in first["data"]["accounts"]["edges"]] == ["c1", "c2", "c3"]
    assert [e["node"]["id"] for e in second["data"]["accounts"]["edges"]] == ["c1", "c2"]


def test_a_known_text_over_the_budget_with_its_variables_is_refused(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = validations(monkeypatch)
    answered, refused = post_all(store, page(3), page(100))
    assert "errors" not in answered
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == TOO_COSTLY
    assert len(seen) == 1


def test_a_text_that_failed_fails_again_with_the_same_error(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = validations(monkeypatch)
    wrong = {"query": "{ accounts(first: 2) { edges { node { nope } } } }"}
    first, second = post_all(store, wrong, wrong)
    assert first == second
    assert first["errors"][0]["message"].startswith("Cannot query field 'nope'")
    assert len(seen) == 2


def test_a_text_too_deep_is_refused_every_time(store: Store) -> None:
    deep = {
        "query": '{ account(id: "c1") { ... on Account { '
        + "parent { " * 12
        + "id"
        + " }" * 12
        + " } } }"
    }
    first, second = post_all(store, deep, deep)
    assert first == second
    assert first["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"
