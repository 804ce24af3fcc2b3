"""The drawings over HTTP: status codes, content types, access control, embeddability."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.auth import Role
from tests.auth_support import Credentials
from tests.viz_support import AS_OF, DEMO_ACCOUNT, demo_store, embedded

ORG_MAP = f"/viz/accounts/{DEMO_ACCOUNT}/org-map"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = demo_store(tmp_path_factory.mktemp("demo"))
    with TestClient(create_app(store, store_name="memory")) as c:
        yield c


def test_the_org_map_is_an_html_page_that_may_be_framed(client: TestClient) -> None:
    r = client.get(ORG_MAP, params={"asOf": AS_OF.isoformat(), "target": "p-02"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "x-frame-options" not in r.headers
    assert "frame-ancestors" not in r.headers.get("content-security-policy", "")
    data = embedded(r.text)
    assert any(n.get("target") for n in data["nodes"])


def test_the_org_map_takes_unit_and_subsidiary_parameters(client: TestClient) -> None:
    def people(**params: str) -> int:
        r = client.get(ORG_MAP, params={"asOf": AS_OF.isoformat(), **params})
        assert r.status_code == 200, r.text
        return sum(1 for n in embedded(r.text)["nodes"] if n["kind"] == "person")

    everyone = people()
    assert people(businessUnit="bu-03") < everyone < people(withSubsidiaries="true")


def test_an_unknown_account_is_404_with_a_message(client: TestClient) -> None:
    r = client.get("/viz/accounts/c-404/org-map")
    assert r.status_code == 404
    assert r.json() == {"error": "account 'c-404' not found"}


def test_an_unknown_target_is_404(client: TestClient) -> None:
    r = client.get(ORG_MAP, params={"target": "p-404"})
    assert r.status_code == 404 and "p-404" in r.json()["error"]


def test_a_bad_date_or_format_is_400(client: TestClient) -> None:
    assert client.get(ORG_MAP, params={"asOf": "2026-13-01"}).status_code == 400
    assert client.get(ORG_MAP, params={"withSubsidiaries": "maybe"}).status_code == 400
    r = client.get("/viz/portfolio/sow", params={"format": "gif"})
    assert r.status_code == 400 and "png or html" in r.json()["error"]


def test_the_portfolio_charts_come_as_png_or_html(client: TestClient) -> None:
    png = client.get("/viz/portfolio/sow", params={"format": "png", "asOf": AS_OF.isoformat()})
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content[:4] == b"\x89PNG" and len(png.content) > 20_000
    page = client.get("/viz/portfolio/sow", params={"asOf": AS_OF.isoformat()})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'id="ltv-share"' in page.text


def test_with_keys_the_drawings_need_one(tmp_path: Path) -> None:
    store = demo_store(tmp_path)
    credentials = Credentials(tmp_path / "keys")
    admin = credentials.header(Role.ADMIN)
    app = create_app(store, store_name="memory", authenticator=credentials.authenticator)
    with TestClient(app) as c:
        assert c.get(ORG_MAP).status_code == 401
        assert c.get("/viz/portfolio/sow").status_code == 401
        wrong = c.get(ORG_MAP, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        ok = c.get(ORG_MAP, headers=admin)
        assert ok.status_code == 200 and "株式会社さくら製作所" in ok.text


def test_the_portfolio_charts_answer_in_the_currency_asked(client: TestClient) -> None:
    r = client.get("/viz/portfolio/sow", params={"asOf": AS_OF.isoformat(), "currency": "usd"})
    assert r.status_code == 200 and embedded(r.text)["currency"] == "USD"
    assert "<th>whitespace (USD)</th>" in r.text


def test_a_currency_that_is_not_iso_4217_is_400(client: TestClient) -> None:
    bad = client.get("/viz/portfolio/sow", params={"currency": "YEN"})
    assert bad.status_code == 400 and "ISO 4217" in bad.json()["error"]


def test_a_currency_no_rate_converts_is_400(client: TestClient) -> None:
    unrated = client.get("/viz/portfolio/sow", params={"currency": "EUR"})
    assert unrated.status_code == 400 and "no exchange rate" in unrated.json()["error"]
