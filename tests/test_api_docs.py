"""docs/api.md's operations run as written: each ``graphql`` block marked ``<!-- example:
as=<role>[:<member>] expect=<type> -->``, with the ``json`` variables block after it, is sent
over HTTP with a real API key of that role to a service holding the demo data; the answer has
no error and its first field is of the expected type. An example marked ``repeat=created`` is
sent twice: created, then answered again with the same record and ``created: false``."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from graph_service.api.app import create_app
from graph_service.auth import Role
from graph_service.store.memory import MemoryStore
from tests.auth_support import Credentials
from tests.conftest import REPO
from tests.viz_support import load_demo

DOC = REPO / "docs" / "api.md"
_EXAMPLE = re.compile(
    r"<!-- example: (?P<attrs>[^>]*) -->\s*```graphql\n(?P<doc>.*?)```\s*```json\n(?P<vars>.*?)```",
    re.DOTALL,
)


@dataclass(frozen=True)
class Example:
    name: str
    role: Role
    member: str | None
    expect: str
    repeat: str | None
    document: str
    variables: dict[str, Any]


def examples() -> list[Example]:
    found = []
    for m in _EXAMPLE.finditer(DOC.read_text(encoding="utf-8")):
        attrs = dict(a.split("=", 1) for a in m["attrs"].split())
        role, _, member = attrs["as"].partition(":")
        name = re.search(r"^(?:query|mutation) (\w+)", m["doc"], re.MULTILINE)
        found.append(
            Example(
                name=name[1] if name else "?",
                role=Role(role),
                member=member or None,
                expect=attrs["expect"],
                repeat=attrs.get("repeat"),
                document=m["doc"],
                variables=json.loads(m["vars"]),
            )
        )
    return found


def test_the_doc_has_its_worked_operations() -> None:
    assert [e.name for e in examples()] == ["AccountView", "LogMeeting", "Targets", "Trail"]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Credentials, Any]]:
    path = tmp_path_factory.mktemp("api-docs")
    store = MemoryStore(path / "data")
    load_demo(store)
    credentials = Credentials(path / "keys")
    app = create_app(store, store_name="memory", authenticator=credentials.authenticator)
    try:
        yield app, credentials, store
    finally:
        store.close()


def send(service: tuple[Any, Credentials, Any], example: Example) -> dict[str, Any]:
    app, credentials, store = service
    header = credentials.header(example.role, member_id=example.member, members=store)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            body = {"query": example.document, "variables": example.variables}
            return await client.post("/graphql", json=body, headers=header)

    r = asyncio.run(go())
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_each_operation_runs_as_written(
    service: tuple[Any, Credentials, Any], example: Example
) -> None:
    data = send(service, example)
    first = next(iter(data.values()))
    assert first["__typename"] == example.expect, first
    if example.expect.endswith("Connection"):
        assert first["totalCount"] > 0
    if example.repeat == "created":
        again = next(iter(send(service, example).values()))
        assert (first["created"], again["created"]) == (True, False)
        assert again["touch"]["id"] == first["touch"]["id"]
