"""A GraphQL request has a deadline and stops when its client goes away; meanwhile the
service answers others (issue 14; docs/limits.md).

The store is slowed down by hand (each account read sleeps), so the timings here are bounds on
when the service gives up, not benchmarks. They are taken with the garbage collector paused
(:func:`uncollected`): a full collection of what the rest of the test session left behind is
no part of the service's time.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import Message

from graph_service.api.app import create_app
from graph_service.domain import AccountView
from graph_service.settings import Limits
from graph_service.store.base import Store
from tests.fixtures import load

T = TypeVar("T")


def uncollected(work: Callable[[], T]) -> T:
    """``work()`` with the garbage collector paused (after one collection)."""
    gc.collect()
    gc.disable()
    try:
        return work()
    finally:
        gc.enable()


#: Three accounts asked for one by one: three store reads, one after another.
PEOPLE = {
    "query": "{ "
    + " ".join(
        f'a{i}: account(id: "c{i}") {{ ... on Account {{ people {{ id }} }} }}' for i in (1, 2, 3)
    )
    + " }"
}
SLOW = 0.2


def slow_app(
    store: Store, monkeypatch: pytest.MonkeyPatch, **limits: Any
) -> tuple[Starlette, list[str]]:
    """An app over ``store`` that takes :data:`SLOW` seconds more per account read; the list
    fills with the reads started."""
    load(store)
    started: list[str] = []
    read = store.account

    def slow_read(company_id: str, **options: Any) -> AccountView | None:
        started.append(company_id)
        time.sleep(SLOW)
        return read(company_id, **options)

    monkeypatch.setattr(store, "account", slow_read)
    return create_app(store, store_name="test", limits=Limits(**limits)), started


def test_a_request_over_its_timeout_is_stopped_with_its_store_reads(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, started = slow_app(store, monkeypatch, request_timeout=0.3)

    async def run() -> tuple[httpx.Response, float, httpx.Response, float]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

            async def query() -> tuple[httpx.Response, float]:
                t = time.perf_counter()
                return await client.post("/graphql", json=PEOPLE), time.perf_counter() - t

            async def other() -> tuple[httpx.Response, float]:
                await asyncio.sleep(0.05)  # while the query works
                t = time.perf_counter()
                answer = await client.post("/graphql", json={"query": "{ __typename }"})
                return answer, time.perf_counter() - t

            (stopped, took), (answered, answer_took) = await asyncio.gather(query(), other())
            await asyncio.sleep(3 * SLOW)  # time for any read left over to start
        return stopped, took, answered, answer_took

    stopped, took, answered, answer_took = uncollected(lambda: asyncio.run(run()))
    assert stopped.status_code == 200
    body = stopped.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == (
        "the request was stopped: it ran over 0.3 s (ABMGRAPH_REQUEST_TIMEOUT)"
    )
    assert body["errors"][0]["extensions"] == {"code": "REQUEST_TIMEOUT"}
    assert 0.3 <= took < 0.3 + SLOW
    # Meanwhile the loop was free: another request (no store call) was answered at once.
    assert answered.json() == {"data": {"__typename": "Query"}} and answer_took < 0.1
    # The third read was never started. (How many started depends on how long the page read
    # took: on a busy Neo4j the deadline may pass before the first account read.)
    assert len(started) < 3


def test_a_request_whose_client_disconnects_stops(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, started = slow_app(store, monkeypatch)
    body = json.dumps(PEOPLE).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"test"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }
    inbox: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Message] = []
    gone: list[float] = []

    async def receive() -> Message:
        if inbox:
            return inbox.pop(0)
        while not started:  # the client goes away during the first read (after the page read)
            await asyncio.sleep(0.01)
        gone.append(time.perf_counter())
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    async def run() -> float:
        await app(scope, receive, send)
        took = time.perf_counter() - gone[0]
        await asyncio.sleep(3 * SLOW)
        return took

    took = uncollected(lambda: asyncio.run(run()))
    assert took < 0.1 + SLOW  # stopped once the read under way when the client left returned
    assert len(started) == 1  # the reads after the disconnect were never started


def test_a_request_within_its_timeout_is_answered(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, started = slow_app(store, monkeypatch, request_timeout=5)

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/graphql", json=PEOPLE)

    response = asyncio.run(run())
    data = response.json()["data"]
    assert [len(data[f"a{i}"]["people"]) for i in (1, 2, 3)] == [3, 1, 0]
    assert sorted(started) == ["c1", "c2", "c3"]
