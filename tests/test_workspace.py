"""The account workspace over HTTP: sign-in and its session, CSRF refusals, scope, languages.

Over the demo accounts (graph_service/demo_bundle) as of the demo's date, 2026-11-20.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from graph_service.api.app import create_app
from graph_service.api.workspace import i18n
from graph_service.auth import Role
from graph_service.errors import ConfigError, StoreUnavailableError
from graph_service.store.memory import MemoryStore
from tests.auth_support import Credentials
from tests.viz_support import AS_OF, demo_store
from tests.workspace_support import (
    OTHERS_ACCOUNT,
    OWN_ACCOUNT,
    REP,
    SECRET,
    csrf_of,
    member_key,
    sign_in,
)

DAY = AS_OF.isoformat()
_ROW = re.compile(r'<tr data-account="([^"]+)">')


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryStore]:
    found = demo_store(tmp_path_factory.mktemp("demo"))
    yield found
    found.close()


@pytest.fixture
def credentials(tmp_path: Path) -> Credentials:
    return Credentials(tmp_path / "keys")


@pytest.fixture
def client(store: MemoryStore, credentials: Credentials) -> Iterator[TestClient]:
    """A service with keys: credentials required."""
    credentials.header(Role.ADMIN)  # a key exists: the service asks for credentials
    app = create_app(
        store,
        store_name="memory",
        authenticator=credentials.authenticator,
        session_secret_key=SECRET,
    )
    with TestClient(app) as c:
        yield c


def rows(page: str) -> list[str]:
    return _ROW.findall(page)


def rep_key(credentials: Credentials, store: MemoryStore, member_id: str = REP) -> str:
    return member_key(credentials.keys, Role.REP, member_id, store)


# -- signing in ----------------------------------------------------------------------------


def test_a_page_without_credentials_leads_to_the_sign_in_form(client: TestClient) -> None:
    r = client.get(f"/accounts/{OWN_ACCOUNT}", params={"asOf": DAY}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/signin?next=/accounts/{OWN_ACCOUNT}%3FasOf%3D{DAY}"
    form = client.get(r.headers["location"])
    assert form.status_code == 200 and 'name="credential"' in form.text
    assert f'name="next" value="/accounts/{OWN_ACCOUNT}?asOf={DAY}"' in form.text
    # an API client still gets its 401
    assert client.post("/graphql", json={"query": "{ accounts { totalCount } }"}).status_code == 401


def test_signing_in_with_a_key_sets_a_signed_http_only_lax_cookie(
    client: TestClient, credentials: Credentials, store: MemoryStore
) -> None:
    key = rep_key(credentials, store)
    r = sign_in(client, key)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("abmgraph_session=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain http
    assert key not in cookie and key.split("_")[2] not in cookie  # the key is never in it
    page = client.get("/", params={"asOf": DAY})
    assert page.status_code == 200
    assert REP in page.text and 'id="ws-signout"' in page.text


def test_over_https_the_cookie_is_secure(store: MemoryStore, credentials: Credentials) -> None:
    key = rep_key(credentials, store)
    authenticator = credentials.authenticator
    app = create_app(
        store, store_name="memory", authenticator=authenticator, session_secret_key=SECRET
    )
    with TestClient(app, base_url="https://testserver") as c:
        r = sign_in(c, key)
        assert r.status_code == 303
        assert "; secure" in r.headers["set-cookie"].lower()


def test_a_wrong_key_is_refused_on_the_form_with_the_reason(client: TestClient) -> None:
    r = sign_in(client, "abm_000000000000_nope")
    assert r.status_code == 401
    assert "invalid API key" in r.text and "Traceback" not in r.text
    assert "set-cookie" not in r.headers or "principal" not in r.headers["set-cookie"]
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_revoked_key_ends_its_session(
    client: TestClient, credentials: Credentials, store: MemoryStore
) -> None:
    key = rep_key(credentials, store)
    sign_in(client, key)
    assert client.get("/", follow_redirects=False).status_code == 200
    credentials.keys.revoke(key.split("_")[1])
    assert client.get("/", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session(
    client: TestClient, credentials: Credentials, store: MemoryStore
) -> None:
    sign_in(client, rep_key(credentials, store))
    page = client.get("/")
    r = client.post("/signout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/signin"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_production_needs_a_session_secret(
    store: MemoryStore, credentials: Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ABMGRAPH_SESSION_SECRET", raising=False)
    credentials.header(Role.ADMIN)
    with pytest.raises(ConfigError, match="ABMGRAPH_SESSION_SECRET"):
        create_app(
            store, store_name="memory", production=True, authenticator=credentials.authenticator
        )
    with pytest.raises(ConfigError, match="at least 32"):
        create_app(store, store_name="memory", authenticator=None, session_secret_key="short")


# -- CSRF ----------------------------------------------------------------------------------


def test_posts_without_the_csrf_token_are_403(
    client: TestClient, credentials: Credentials, store: MemoryStore
) -> None:
    key = rep_key(credentials, store)
    assert client.post("/signin", data={"credential": key}).status_code == 403
    sign_in(client, key)
    assert client.post("/signout", data={}).status_code == 403
    assert client.post("/lang", data={"lang": "ja"}).status_code == 403
    query = {"query": "{ accounts { totalCount } }"}
    r = client.post("/graphql", json=query)
    assert r.status_code == 403 and "CSRF" in r.json()["error"]
    r = client.post("/graphql", json=query, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    # the still-signed-in page's token works
    token = csrf_of(client.get("/").text)
    r = client.post("/graphql", json=query, headers={"X-CSRF-Token": token})
    assert r.status_code == 200
    assert r.json()["data"]["accounts"]["totalCount"] == 4  # c-01 to c-04: tm-2's and c-01's sub


def test_api_clients_keep_their_bearer_credentials(
    client: TestClient, credentials: Credentials
) -> None:
    r = client.post(
        "/graphql",
        json={"query": "{ accounts { totalCount } }"},
        headers=credentials.header(Role.STRATEGIST),
    )
    assert r.status_code == 200 and r.json()["data"]["accounts"]["totalCount"] == 6


def test_a_session_never_stands_in_for_other_posts(
    client: TestClient, credentials: Credentials, store: MemoryStore
) -> None:
    sign_in(client, rep_key(credentials, store))
    token = csrf_of(client.get("/").text)
    r = client.get("/metrics", headers={"X-CSRF-Token": token})
    assert r.status_code == 401  # the session opens the pages, their exports and /graphql only


# -- scope -----------------------------------------------------------------------------------


def test_a_rep_sees_their_accounts_and_gets_404_for_anothers(
    client: TestClient, credentials: Credentials, store: MemoryStore
) -> None:
    sign_in(client, rep_key(credentials, store))
    portfolio = client.get("/", params={"asOf": DAY})
    assert sorted(rows(portfolio.text)) == ["c-01", "c-02", "c-03", "c-04"]
    assert client.get(f"/accounts/{OWN_ACCOUNT}", params={"asOf": DAY}).status_code == 200
    other = client.get(f"/accounts/{OTHERS_ACCOUNT}", params={"asOf": DAY})
    unknown = client.get("/accounts/c-404", params={"asOf": DAY})
    assert other.status_code == unknown.status_code == 404
    assert other.text.replace(OTHERS_ACCOUNT, "ID") == unknown.text.replace("c-404", "ID")
    assert "Granite Peak" not in other.text


def test_export_buttons_follow_the_role_and_carry_the_filter(
    client: TestClient, credentials: Credentials, store: MemoryStore
) -> None:
    sign_in(client, rep_key(credentials, store))
    assert 'id="ws-exports"' not in client.get("/").text
    strategist = credentials.keys.create(Role.STRATEGIST, service="planning").key
    sign_in(client, strategist)
    page = client.get("/", params={"asOf": DAY, "tier": "ONE_TO_FEW", "industry": "Manufacturing"})
    link = re.search(r'id="ws-export-csv" href="([^"]+)"', page.text)
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    assert href == "/export/targets.csv?asOf=2026-11-20&industry=Manufacturing&tier=1%3Afew"
    assert rows(page.text) == ["c-01"]
    download = client.get(href)  # the session opens the download too
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")


# -- the portfolio -----------------------------------------------------------------------------


@pytest.fixture
def open_client(store: MemoryStore) -> Iterator[TestClient]:
    """The demo's way: no credentials configured, nobody asked."""
    with TestClient(create_app(store, store_name="memory", session_secret_key=SECRET)) as c:
        yield c


def test_an_open_service_needs_no_sign_in(open_client: TestClient) -> None:
    page = open_client.get("/", params={"asOf": DAY})
    assert page.status_code == 200 and 'id="ws-signout"' not in page.text
    assert open_client.get("/signin", follow_redirects=False).headers["location"] == "/"


def test_the_portfolio_sorts_and_searches(open_client: TestClient) -> None:
    # whitespace (JPY, largest first), from the target list's answer as of 2026-11-20:
    # c-05 1,296.6m, c-02 595m, c-01 490.4m, c-06 345m, c-04 180m, c-03 130m
    page = open_client.get("/", params={"asOf": DAY, "sort": "whitespace"})
    assert rows(page.text) == ["c-05", "c-02", "c-01", "c-06", "c-04", "c-03"]
    assert "1,296,600,000" in page.text and "JPY" in page.text
    page = open_client.get("/", params={"asOf": DAY, "q": "ｓａｋｕｒａ"})  # full-width
    assert rows(page.text) == ["c-04"]
    page = open_client.get("/", params={"asOf": DAY, "owner": "tm-4", "sort": "name"})
    assert rows(page.text) == ["c-06", "c-05", "c-01"]  # Bluefin, Granite, 株式会社...


def test_a_bad_filter_is_a_400_page_naming_it(open_client: TestClient) -> None:
    r = open_client.get("/", params={"tier": "gold"})
    assert r.status_code == 400 and "tier: one of ONE_TO_ONE" in r.text
    r = open_client.get(f"/accounts/{OWN_ACCOUNT}", params={"asOf": "2026-13-01"})
    assert r.status_code == 400 and "asOf" in r.text


def test_the_account_page_shows_the_board_with_empty_seats(open_client: TestClient) -> None:
    page = open_client.get("/accounts/c-01", params={"asOf": DAY})
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    # 生産本部 (bu-01): 渡辺浩二 (p-02) decides; nobody holds the user role there.
    row = re.search(r'<tr data-unit="bu-01">(.*?)</tr>', page.text, re.DOTALL)
    assert row is not None
    assert 'data-person="p-02" data-role="DECIDER" data-status="ENGAGED"' in row.group(1)
    assert 'class="ws-seat ws-seat-empty" data-role="USER"' in row.group(1)
    embedded = re.search(r'<script id="ws-data" type="application/json">(.*?)</script>', page.text)
    assert embedded is not None
    data = json.loads(embedded.group(1))
    assert data["accountId"] == "c-01" and data["asOf"] == DAY and data["big"] is False
    assert {n["id"] for n in data["map"]["nodes"] if n["kind"] == "person"} >= {"p:p-02"}
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page.text)  # nothing remote


# -- languages -----------------------------------------------------------------------------------


def test_accept_language_and_the_switch_choose_the_language(open_client: TestClient) -> None:
    ja = open_client.get("/", headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"})
    assert '<html lang="ja">' in ja.text and "ポートフォリオ" in ja.text
    en = open_client.get("/", headers={"Accept-Language": "en-US"})
    assert '<html lang="en">' in en.text and "Portfolio" in en.text
    r = open_client.post(
        "/lang",
        data={"csrf_token": csrf_of(en.text), "lang": "ja", "next": "/?sort=name"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/?sort=name"
    picked = open_client.get("/", headers={"Accept-Language": "en-US"})
    assert '<html lang="ja">' in picked.text


def test_both_catalogues_have_the_same_keys_and_placeholders() -> None:
    en, ja = i18n.catalogue("en").strings, i18n.catalogue("ja").strings
    assert en.keys() == ja.keys()

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    assert {k: fields(v) for k, v in en.items()} == {k: fields(v) for k, v in ja.items()}


def test_every_string_the_templates_ask_for_is_in_the_catalogues() -> None:
    folder = Path(i18n.__file__).parent / "templates"
    asked = {
        key
        for page in folder.glob("*.html")
        for key in re.findall(r"""\bt\(\s*["']([a-z_.]+)["']""", page.read_text(encoding="utf-8"))
    }
    assert asked and asked <= i18n.catalogue("en").strings.keys()
    script = (folder.parent / "static" / "workspace.js").read_text(encoding="utf-8")
    assert set(re.findall(r"""\btr\("([a-z_]+)""", script)) <= i18n.catalogue("en").js().keys()


# -- JWTs and roles ------------------------------------------------------------------------------


def test_a_jwt_session_ends_with_the_token(
    store: MemoryStore, credentials: Credentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import jwt

    from graph_service.auth import Authenticator, JwtVerifier

    secret = "j" * 32
    authenticator = Authenticator(credentials.keys, JwtVerifier(secret=secret))
    app = create_app(
        store, store_name="memory", authenticator=authenticator, session_secret_key=SECRET
    )
    exp = int(time.time()) + 600
    token = jwt.encode({"sub": REP, "role": "rep", "exp": exp}, secret, algorithm="HS256")
    with TestClient(app) as c:
        assert sign_in(c, token).status_code == 303
        assert sorted(rows(c.get("/", params={"asOf": DAY}).text)) == [
            "c-01",
            "c-02",
            "c-03",
            "c-04",
        ]
        later = exp + 1.0
        monkeypatch.setattr(time, "time", lambda: later)  # past the token's exp
        assert c.get("/", follow_redirects=False).status_code == 303


def test_the_log_forms_are_for_roles_that_write(
    client: TestClient, credentials: Credentials, store: MemoryStore
) -> None:
    sign_in(client, rep_key(credentials, store))
    rep_page = client.get(f"/accounts/{OWN_ACCOUNT}", params={"asOf": DAY})
    assert 'id="ws-log-touch"' in rep_page.text and 'id="ws-set-role"' in rep_page.text
    assert '"canWrite": true' in rep_page.text and f'"memberId": "{REP}"' in rep_page.text
    sign_in(client, credentials.keys.create(Role.STRATEGIST, service="reader").key)
    reader = client.get(f"/accounts/{OWN_ACCOUNT}", params={"asOf": DAY})
    assert reader.status_code == 200
    assert 'id="ws-log-touch"' not in reader.text and "ws-complete" not in reader.text


def test_every_enum_value_the_pages_show_has_a_word_in_both_languages() -> None:
    from graph_service.analytics.labels import Segment, Tier
    from graph_service.api.workspace.routes import _legend

    shown = {
        "role": ["DECIDER", "BUYER", "INFLUENCER", "USER", "GATEKEEPER", "INITIATOR", "CHAMPION"],
        "engagement": ["ENGAGED", "COOLING", "COLD", "LEFT", "MISSING"],
        "gap": ["ROLE", "DEAL_ROLE", "CHAMPION", "SECOND_THREAD"],
        "touch": ["MEETING", "CALL", "EMAIL", "EVENT", "WEBINAR", "CHAT", "VISIT"],
        "tier": [t.name for t in Tier],
        "segment": [s.name for s in Segment],
        "heat": [band for band, _ in _legend()["heat"]],
        "accessrole": [r.value for r in Role],
    }
    for language in i18n.LANGUAGES:
        words = i18n.catalogue(language)
        missing = [
            f"{kind}.{v}"
            for kind, values in shown.items()
            for v in values
            if f"{kind}.{v}" not in words.strings
        ]
        assert missing == [], (language, missing)


class _Away(MemoryStore):
    """A store that has gone away (as a Neo4j server does)."""

    away = False

    def account(self, *args: Any, **kwargs: Any) -> Any:
        if self.away:
            raise StoreUnavailableError("the store went away")
        return super().account(*args, **kwargs)

    def accounts(self, *args: Any, **kwargs: Any) -> Any:
        if self.away:
            raise StoreUnavailableError("the store went away")
        return super().accounts(*args, **kwargs)

    def data_version(self) -> str:
        if self.away:
            raise StoreUnavailableError("the store went away")
        return super().data_version()


def test_a_store_outage_is_a_503_page_not_a_traceback(tmp_path: Path) -> None:
    from tests.viz_support import load_demo

    store = _Away(tmp_path / "data")
    load_demo(store)
    with TestClient(create_app(store, store_name="memory", session_secret_key=SECRET)) as c:
        assert c.get(f"/accounts/{OWN_ACCOUNT}", params={"asOf": DAY}).status_code == 200
        store.away = True
        page = c.get(f"/accounts/{OWN_ACCOUNT}", params={"asOf": DAY})
        assert page.status_code == 503
        assert 'data-status="503"' in page.text and "Traceback" not in page.text
