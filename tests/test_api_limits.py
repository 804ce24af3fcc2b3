"""Queries that would freeze the service are refused before they run, while a normal query
is answered alongside (issue 14; docs/limits.md).

"Before they run" is checked, not timed: the store sees not one call while a refused query is
answered (the bombs made thousands, for tens of seconds, before). How fast a refusal is belongs
in the benchmarks, not here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query, parse
from starlette.applications import Starlette

from graph_service.api.app import create_app
from graph_service.api.cost import operation_cost
from graph_service.api.schema import build_schema
from graph_service.settings import Limits
from graph_service.store.base import Store
from tests.fixtures import load

NORMAL = {"query": "{ accounts(first: 3) { edges { node { id name people { id } } } } }"}
LIMITS = Limits()  # the defaults, whatever the environment says


class CountingStore:
    """``store`` with a count of the calls made to it."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._store, name)
        if not callable(found):
            return found

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return found(*args, **kwargs)

        return counted


def app_over(store: Store, limits: Limits = LIMITS) -> Starlette:
    load(store)
    counting = CountingStore(store)
    app = create_app(counting, store_name="test", limits=limits)
    app.state.counting = counting
    return app


def refused_alongside(app: Starlette, **request: Any) -> httpx.Response:
    """Send ``request`` at once with a normal query: the normal one is answered, and the
    store sees exactly the calls the normal query makes alone (the refused one made none).
    Returns the answer to ``request``."""
    counting: CountingStore = app.state.counting

    async def send() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            await client.post("/graphql", json=NORMAL)  # warm: the first request imports
            start = counting.calls
            await client.post("/graphql", json=NORMAL)
            normal_alone = counting.calls - start
            start = counting.calls
            refused, normal = await asyncio.gather(
                client.post("/graphql", **request),
                client.post("/graphql", json=NORMAL),
            )
            assert counting.calls - start == normal_alone, "the refused query reached the store"
            return refused, normal

    refused, normal = asyncio.run(send())
    assert normal.status_code == 200, normal.text
    assert [e["node"]["id"] for e in normal.json()["data"]["accounts"]["edges"]] == [
        "c1",
        "c2",
        "c3",
    ]
    return refused


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert body.get("data") is None, body
    (error,) = body["errors"]
    found: dict[str, Any] = error
    return found


def fragment_fan_out(levels: int = 16) -> str:
    """Fragments that double ``levels`` times: 2^16 spreads of two fields per account."""
    fragments = ["fragment F0 on Account { id name parent { id } }"]
    fragments += [
        f"fragment F{i} on Account {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)
    ]
    body = "\n".join(fragments)
    return f"{{ accounts(first: 500) {{ edges {{ node {{ ...F{levels} }} }} }} }}\n{body}"


def on_c1(selection: str) -> str:
    return f'{{ account(id: "c1") {{ ... on Account {{ {selection} }} }} }}'


def typename_aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"


def test_a_fragment_fan_out_is_refused_by_its_cost(store: Store) -> None:
    query = fragment_fan_out()
    assert len(query) < 2_000
    error = error_of(refused_alongside(app_over(store), json={"query": query}))
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["budget"] == LIMITS.query_cost_budget
    assert error["extensions"]["cost"] > 2**16
    assert (
        f"query cost {error['extensions']['cost']:,} is over the budget of 25,000"
        in (error["message"])
    )


def test_fifty_aliases_of_the_target_list_are_refused(store: Store) -> None:
    query = "{ " + " ".join(f"t{i}: targetList {{ totalCount }}" for i in range(50)) + " }"
    error = error_of(refused_alongside(app_over(store), json={"query": query}))
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] >= 50 * 5_000


def test_a_900_kb_alias_query_is_refused_by_the_token_limit(store: Store) -> None:
    query = typename_aliases(48_000)
    assert 850_000 < len(query) < LIMITS.max_body_bytes
    error = error_of(refused_alongside(app_over(store), json={"query": query}))
    assert "more than 2000 tokens" in error["message"]
    assert error["extensions"] == {"code": "TOO_MANY_TOKENS"}


def test_many_aliases_within_the_token_limit_are_refused_by_the_alias_limit(
    store: Store,
) -> None:
    error = error_of(refused_alongside(app_over(store), json={"query": typename_aliases(500)}))
    assert error["message"] == "500 aliases found. Allowed: 30"
    assert error["extensions"] == {"code": "TOO_MANY_ALIASES"}


def test_a_depth_bomb_through_parent_and_subsidiaries_is_refused(store: Store) -> None:
    nested = "parent { subsidiaries { " * 20 + "id" + " } }" * 20
    query = on_c1(nested)
    error = error_of(refused_alongside(app_over(store), json={"query": query}))
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"  # the subsidiaries multiply


def test_a_deep_chain_of_parents_is_refused_by_the_depth_limit(store: Store) -> None:
    nested = "parent { " * 40 + "id" + " }" * 40
    query = on_c1(nested)
    error = error_of(refused_alongside(app_over(store), json={"query": query}))
    assert error["message"] == "'anonymous' exceeds maximum operation depth of 10"
    assert error["extensions"] == {"code": "QUERY_TOO_DEEP"}


def influence(k: int, max_hops: int) -> str:
    return f"""influencePaths(accountId: "c1", targetPersonId: "p1", k: {k}, maxHops: {max_hops})
      {{ ... on InfluencePaths {{ paths {{ strength }} }} }}"""


def test_influence_paths_cost_k_times_max_hops(store: Store) -> None:
    query = f"{{ a: {influence(20, 10)} b: {influence(20, 10)} }}"
    error = error_of(refused_alongside(app_over(store), json={"query": query}))
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] >= 2 * 100 * 20 * 10


def test_an_over_long_avoid_list_is_refused_literal_or_variable(store: Store) -> None:
    app = app_over(store)
    ids = [f"p{i}" for i in range(500)]
    literal = '{ influencePaths(accountId: "c1", targetPersonId: "p1", avoidPersonIds: [%s]) {'
    literal += " __typename } }"
    error = error_of(
        refused_alongside(app, json={"query": literal % ",".join(f'"{i}"' for i in ids)})
    )
    assert error["message"] == (
        "influencePaths.avoidPersonIds has 500 items; at most 100 are allowed "
        "(ABMGRAPH_MAX_ID_LIST)"
    )
    assert error["extensions"]["code"] == "LIST_TOO_LONG"
    by_variable = """query ($from: [ID!]) { influencePaths(accountId: "c1", targetPersonId: "p1",
      fromMemberIds: $from) { __typename } }"""
    many = {"from": [f"m{i}" for i in range(5_000)]}
    error = error_of(refused_alongside(app, json={"query": by_variable, "variables": many}))
    assert error["message"].startswith("$from has 5,000 items; at most 100")


def test_queries_within_the_limits_are_answered(store: Store) -> None:
    app = app_over(store)
    query = f"{{ a: {influence(3, 6)} b: {influence(20, 10)} }}"

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/graphql", json={"query": query})

    response = asyncio.run(run())
    assert response.status_code == 200
    assert "errors" not in response.json(), response.json()


def test_the_introspection_query_of_graphiql_is_within_the_limits() -> None:
    schema = build_schema(LIMITS)
    result = schema.execute_sync(get_introspection_query(descriptions=True))
    assert result.errors is None


def test_limits_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ABMGRAPH_QUERY_COST_BUDGET", "10")
    monkeypatch.setenv("ABMGRAPH_MAX_QUERY_DEPTH", "2")
    limits = Limits()
    assert (limits.query_cost_budget, limits.max_query_depth) == (10, 2)
    result = build_schema(limits).execute_sync("{ accounts(first: 3) { totalCount } }")
    assert result.errors is not None
    assert result.errors[0].message.startswith("query cost 13 is over the budget of 10")


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        ("{ accounts(first: 3) { totalCount } }", 10 + 3),
        ("{ accounts { edges { node { id } } } }", 10 + 50 * (1 + 5 + 1)),
        ("{ targetList(first: 2) { edges { cursor } } }", 5_000 + 2 * 2),
        ('{ influencePaths(accountId: "a", targetPersonId: "p") { __typename } }', 100 * 3 * 6 + 1),
        ('{ account(id: "a") { ... on Account { subsidiaries { id } } } }', 10 + 5 + 5 * 1),
    ],
)
def test_what_a_query_costs(query: str, cost: int) -> None:
    assert operation_cost(build_schema()._schema, parse(query)) == cost


def test_a_page_size_in_a_variable_counts() -> None:
    query = parse("query ($n: Int!) { accounts(first: $n) { edges { node { id } } } }")
    assert operation_cost(build_schema()._schema, query, {"n": 200}) == 10 + 200 * 7


def test_a_fragment_costs_at_every_spread() -> None:
    query = parse(
        """{ accounts(first: 2) { edges { node { ...A } } } a: account(id: "x") { ...A } }
        fragment A on Account { id people { id } }"""
    )
    # accounts 10 + 2 x (edges 1 + node 5 + A), account 10 + A; A = id 1 + people (1 + 5 x 1)
    assert operation_cost(build_schema()._schema, query) == 10 + 2 * (1 + 5 + 7) + 10 + 7


async def _spaces(total: int, sent: list[int], chunk: int = 65_536) -> AsyncIterator[bytes]:
    """``total`` bytes of spaces, ``chunk`` at a time, recording what was taken."""
    block = b" " * chunk
    for _ in range(total // chunk):
        sent.append(chunk)
        yield block


HUNDRED_MB = 100 * 1024 * 1024


def test_a_7_5_mb_alias_query_is_refused_with_413(store: Store) -> None:
    body = {"query": typename_aliases(400_000)}
    response = refused_alongside(app_over(store), json=body)
    assert response.status_code == 413
    assert response.json() == {
        "error": "the request body is over 1,000,000 bytes (ABMGRAPH_MAX_BODY_BYTES)"
    }


def test_a_100_mb_body_with_its_length_is_refused_unread(store: Store) -> None:
    sent: list[int] = []
    response = refused_alongside(
        app_over(store),
        content=_spaces(HUNDRED_MB, sent),
        headers={"Content-Length": str(HUNDRED_MB), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert sum(sent) <= 65_536  # at most the first chunk the client had ready


def test_a_streamed_100_mb_body_is_refused_at_the_limit(store: Store) -> None:
    sent: list[int] = []
    response = refused_alongside(
        app_over(store),
        content=_spaces(HUNDRED_MB, sent),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert sum(sent) <= LIMITS.max_body_bytes + 2 * 65_536


def test_a_body_that_does_not_arrive_in_time_is_408(store: Store) -> None:
    app = app_over(store, Limits(body_timeout=0.02))

    async def slow() -> AsyncIterator[bytes]:
        yield b'{"query": '
        await asyncio.sleep(1)
        yield b'"{ __typename }"}'

    response = refused_alongside(app, content=slow(), headers={"Content-Type": "application/json"})
    assert response.status_code == 408
    assert response.json() == {"error": "the request body did not arrive within 0.02 s"}


def test_an_invalid_content_length_is_400(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from graph_service.store.memory import MemoryStore

    with TestClient(app_over(MemoryStore(tmp_path))) as client:
        response = client.post("/graphql", content=b"{}", headers={"Content-Length": "2, 2"})
    assert response.status_code == 400
