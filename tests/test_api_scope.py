"""The caller a request authenticates as decides what GraphQL and the drawings answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from graph_service.api.app import create_app
from graph_service.auth import OPEN, Principal
from graph_service.store.memory import MemoryStore
from tests.auth_support import Credentials
from tests.fixtures import load
from tests.scope_support import BETA, EVE, ZED

Ask = Callable[..., httpx.Response]


@pytest.fixture
def ask(tmp_path: Path) -> Iterator[Ask]:
    """``ask(principal, url, **params)``: a GET of ``url`` (a POST of ``query`` to
    ``/graphql``) sent by ``principal``, over BETA."""
    store = MemoryStore(tmp_path / "data")
    load(store, BETA)
    credentials = Credentials(tmp_path / "keys")
    app = create_app(store, store_name="memory", authenticator=credentials.authenticator)
    headers: dict[Principal, dict[str, str]] = {}

    def call(principal: Principal, url: str, **params: str) -> httpx.Response:
        if principal not in headers:
            headers[principal] = credentials.header(
                principal.role, member_id=principal.member_id, members=store
            )

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://test", headers=headers[principal]
            ) as client:
                if url == "/graphql":
                    return await client.post(url, json={"query": params["query"]})
                return await client.get(url, params=params)

        return asyncio.run(send())

    try:
        yield call
    finally:
        store.close()


def test_graphql_answers_within_the_callers_scope(ask: Ask) -> None:
    query = "{ accounts { totalCount edges { node { id } } } }"
    r = ask(EVE, "/graphql", query=query)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["accounts"]["totalCount"] == 2


def test_the_org_map_of_a_hidden_account_is_the_404_of_an_unknown_one(ask: Ask) -> None:
    hidden = ask(EVE, "/viz/accounts/c3/org-map")
    unknown = ask(EVE, "/viz/accounts/zz/org-map")
    assert (hidden.status_code, unknown.status_code) == (404, 404)
    assert hidden.json() == {"error": "account 'c3' not found"}
    assert unknown.json() == {"error": "account 'zz' not found"}
    assert ask(ZED, "/viz/accounts/c3/org-map").status_code == 200


# Acme (c1) is the one account with wallet and spend to draw; Zed sees Beta only.
@pytest.mark.parametrize(("principal", "shown"), [(EVE, True), (ZED, False), (OPEN, True)])
def test_the_charts_are_drawn_over_the_visible_accounts(
    ask: Ask, principal: Principal, shown: bool
) -> None:
    r = ask(principal, "/viz/portfolio/sow", format="html")
    assert r.status_code == 200, r.text
    assert ("Acme Corp" in r.text) is shown
