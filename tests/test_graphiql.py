"""GraphiQL served by the service itself: the page, its assets, and who may open them.

The assets used here are built by :func:`graph_service.api.graphiql_assets.collect` from a
small ``node_modules`` tree that each test writes (the real build, ``npm ci``, is what
``.ci/run`` runs; :func:`test_the_built_assets_are_the_pinned_packages` checks its result).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graph_service.api import graphiql_assets
from graph_service.api.app import create_app
from graph_service.api.graphiql import ASSETS_PATH, CSP, STATIC_DIR
from graph_service.api.graphiql_assets import (
    ASSETS,
    ASSETS_DIR,
    BUILD_COMMAND,
    SOURCE_DIR,
    build,
    collect,
    manifest,
    missing,
    pins,
)
from graph_service.auth import Role
from graph_service.errors import ConfigError
from graph_service.settings import AuthMode
from graph_service.store.memory import MemoryStore
from tests.auth_support import Credentials
from tests.fixtures import load
from tests.viz_support import EXTERNAL_REF
from tests.viz_support import missing as missing_tool

PINS = {"graphiql": "3.8.3", "graphql": "16.15.0", "react": "18.3.1", "react-dom": "18.3.1"}
QUERY = {"query": "{ accounts(first: 1) { edges { node { id } } } }"}
HTML = {"Accept": "text/html,application/xhtml+xml"}
_SRC = re.compile(r'(?:src|href)="([^"]*)"')


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def npm_project(root: Path, versions: dict[str, str] | None = None) -> Path:
    """An npm project as ``npm ci`` leaves it: package.json, the lock, node_modules with the
    files the page loads (their content names them), a licence each and one nested package."""
    installed = versions or PINS
    write_json(root / "package.json", {"private": True, "dependencies": PINS})
    lock: dict[str, dict[str, object]] = {"": {"dependencies": PINS}}
    for name, version in installed.items():
        package = root / "node_modules" / name
        write_json(package / "package.json", {"name": name, "version": version, "license": "MIT"})
        (package / "LICENSE").write_text(f"MIT License, the {name} authors\n", encoding="utf-8")
        lock[f"node_modules/{name}"] = {"version": version, "license": "MIT"}
    for asset in ASSETS:
        file = root / "node_modules" / asset.package / asset.path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(f"/* {asset.package}/{asset.path} */\n", encoding="utf-8")
    nested = root / "node_modules" / "graphiql" / "node_modules" / "@scope" / "inner"
    write_json(nested / "package.json", {"name": "@scope/inner", "version": "0.2.0"})
    (nested / "LICENSE.md").write_text("ISC, the inner authors\n", encoding="utf-8")
    lock["node_modules/graphiql/node_modules/@scope/inner"] = {"version": "0.2.0"}
    write_json(root / "package-lock.json", {"lockfileVersion": 3, "packages": lock})
    return root


def static_dir(tmp_path: Path, *, built: bool) -> Path:
    """The page's folder: the project's own script and style, and the vendor files if built."""
    static = tmp_path / "static"
    static.mkdir()
    for own in ("abmgraph-graphiql.js", "abmgraph-graphiql.css"):
        shutil.copyfile(STATIC_DIR / own, static / own)
    if built:
        collect(npm_project(tmp_path / "web"), static / "vendor")
    return static


def app_client(
    tmp_path: Path, *, built: bool = True, keys: bool = True, **options: object
) -> tuple[TestClient, dict[str, str]]:
    store = MemoryStore(tmp_path / "data")
    load(store)
    credentials = Credentials(tmp_path / "data")
    header = credentials.header(Role.ADMIN) if keys else {}
    app = create_app(
        store,
        store_name="memory",
        authenticator=credentials.authenticator,
        graphiql_dir=static_dir(tmp_path, built=built),
        **options,  # type: ignore[arg-type]
    )
    return TestClient(app), header


# The build step


def test_collect_copies_the_files_the_licences_and_a_manifest(tmp_path: Path) -> None:
    source = npm_project(tmp_path / "web")
    target = tmp_path / "out" / "vendor"
    assert collect(source, target) == PINS
    assert missing(target) == []
    for asset in ASSETS:
        assert (target / asset.name).read_text(encoding="utf-8") == (
            f"/* {asset.package}/{asset.path} */\n"
        )
    assert manifest(target) == PINS
    licences = (target / "LICENSES.txt").read_text(encoding="utf-8")
    for name, version in PINS.items():
        assert f"{name} {version} (MIT)" in licences
        assert f"MIT License, the {name} authors" in licences
    assert "@scope/inner 0.2.0 (licence not declared)" in licences
    assert "ISC, the inner authors" in licences
    assert oct(target.stat().st_mode & 0o777) == oct(0o755)  # served by any user


def test_collect_replaces_an_earlier_build_whole(tmp_path: Path) -> None:
    source = npm_project(tmp_path / "web")
    target = tmp_path / "vendor"
    target.mkdir()
    (target / "stale.js").write_text("old", encoding="utf-8")
    collect(source, target)
    assert not (target / "stale.js").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vendor", "web"]  # no staging left


def test_a_package_at_another_version_than_its_pin_is_named(tmp_path: Path) -> None:
    source = npm_project(tmp_path / "web", {**PINS, "react": "18.2.0"})
    with pytest.raises(ConfigError, match=r"react: version '18\.2\.0' installed.*pins '18\.3\.1'"):
        collect(source, tmp_path / "vendor")
    assert not (tmp_path / "vendor").exists()


def test_a_file_missing_from_a_package_is_named(tmp_path: Path) -> None:
    source = npm_project(tmp_path / "web")
    (source / "node_modules" / "react" / "umd" / "react.production.min.js").unlink()
    with pytest.raises(ConfigError, match=r"react\.production\.min\.js: missing from the react"):
        collect(source, tmp_path / "vendor")
    assert missing(tmp_path / "vendor")[0] == "graphiql.min.css"  # nothing half-built


def test_a_version_range_is_not_a_pin(tmp_path: Path) -> None:
    write_json(tmp_path / "package.json", {"dependencies": {"graphiql": "^3.8.3"}})
    with pytest.raises(ConfigError, match=r"graphiql must be pinned to one version, not '\^3"):
        pins(tmp_path)


def test_the_build_says_what_it_needs(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"package-lock\.json not found: .*source checkout"):
        build(tmp_path, tmp_path / "vendor")
    source = npm_project(tmp_path / "web")
    with pytest.raises(ConfigError, match=r"'no-such-npm' not found: .*needs npm"):
        build(source, tmp_path / "vendor", npm="no-such-npm")


def test_the_build_command_fails_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "vendor"
    assert graphiql_assets.main(["--source", str(tmp_path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'package-lock.json'} not found")
    assert err.count("\n") == 1 and not out.exists()


def test_the_lock_file_installs_the_pinned_versions() -> None:
    pinned = pins(SOURCE_DIR)
    assert set(pinned) == {"graphiql", "graphql", "react", "react-dom"}
    lock = json.loads((SOURCE_DIR / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == pinned
    for name, version in pinned.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_the_built_assets_are_the_pinned_packages() -> None:
    if missing(ASSETS_DIR):
        missing_tool(f"GraphiQL's assets are not built: {BUILD_COMMAND} (.ci/run builds them)")
    assert manifest(ASSETS_DIR) == pins(SOURCE_DIR)
    licences = (ASSETS_DIR / "LICENSES.txt").read_text(encoding="utf-8")
    for name, version in pins(SOURCE_DIR).items():
        assert f"\n{name} {version} (MIT)\n" in licences
    assert "Copyright (c) Facebook, Inc. and its affiliates." in licences  # React's MIT licence


# The page and its assets over HTTP


def test_a_browser_gets_the_page_without_a_key_and_it_asks_for_one(tmp_path: Path) -> None:
    client, _ = app_client(tmp_path)
    with client:
        page = client.get("/graphql", headers=HTML)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["content-security-policy"] == CSP
        assert 'data-auth="key"' in page.text and 'id="abm-key-form"' in page.text
        assert EXTERNAL_REF.search(page.text) is None
        refs = [r for r in _SRC.findall(page.text) if r != "data:,"]
        assert sorted(refs) == sorted(
            [f"{ASSETS_PATH}/vendor/{a.name}" for a in ASSETS]
            + [f"{ASSETS_PATH}/abmgraph-graphiql.js", f"{ASSETS_PATH}/abmgraph-graphiql.css"]
        )
        for ref in refs:  # every asset, without a key
            served = client.get(ref)
            assert served.status_code == 200, ref
        react = client.get(f"{ASSETS_PATH}/vendor/react.production.min.js")
        assert react.text == "/* react/umd/react.production.min.js */\n"
        assert "javascript" in react.headers["content-type"]


def test_graphql_requests_still_need_a_key(tmp_path: Path) -> None:
    client, admin = app_client(tmp_path)
    with client:
        assert client.post("/graphql", json=QUERY).status_code == 401
        assert client.post("/graphql", json=QUERY, headers=HTML).status_code == 401
        as_get = client.get("/graphql", params=QUERY, headers=HTML)
        assert as_get.status_code == 401 and as_get.headers["WWW-Authenticate"] == "Bearer"
        assert client.get("/graphql", params={"query": ""}, headers=HTML).status_code == 401
        assert client.get("/graphql", headers={"Accept": "application/json"}).status_code == 401
        assert client.get("/graphql", headers={"Accept": "*/*"}).status_code == 401
        assert client.get("/graphiql-assetsx/vendor/graphiql.min.js").status_code == 401
        ok = client.post("/graphql", json=QUERY, headers=admin)
        assert ok.status_code == 200
        assert ok.json() == {"data": {"accounts": {"edges": [{"node": {"id": "c1"}}]}}}


def test_a_service_running_open_says_no_key_is_needed_until_one_exists(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "data")
    load(store)
    credentials = Credentials(tmp_path / "data")
    app = create_app(
        store,
        store_name="memory",
        authenticator=credentials.authenticator,
        auth=AuthMode.AUTO,
        graphiql_dir=static_dir(tmp_path, built=True),
    )
    with TestClient(app) as client:
        assert 'data-auth="open"' in client.get("/graphql", headers=HTML).text
        credentials.header(Role.ADMIN)  # the first key: credentials are required from now on
        page = client.get("/graphql", headers=HTML)
        assert page.status_code == 200 and 'data-auth="key"' in page.text
        assert client.post("/graphql", json=QUERY).status_code == 401


def test_without_the_assets_the_page_says_how_to_get_them(tmp_path: Path) -> None:
    client, _ = app_client(tmp_path, built=False)
    with client:
        page = client.get("/graphql", headers=HTML)
        assert page.status_code == 200
        assert BUILD_COMMAND in page.text
        assert "graphiql.min.js" in page.text and "<script" not in page.text
        assert page.headers["content-security-policy"] == CSP
        missing_file = client.get(f"{ASSETS_PATH}/vendor/graphiql.min.js")
        assert missing_file.status_code == 404


def test_graphiql_turned_off_opens_nothing_without_a_key(tmp_path: Path) -> None:
    client, admin = app_client(tmp_path, graphiql=False)
    with client:
        assert client.get("/graphql", headers=HTML).status_code == 401
        assert client.get(f"{ASSETS_PATH}/abmgraph-graphiql.js").status_code == 401
        assert client.get("/graphql", headers={**HTML, **admin}).status_code == 404
        assert client.get(f"{ASSETS_PATH}/abmgraph-graphiql.js", headers=admin).status_code == 404


def test_production_serves_no_graphiql_and_opens_nothing_without_a_key(tmp_path: Path) -> None:
    client, admin = app_client(
        tmp_path, production=True, allowed_hosts=["testserver"], session_secret_key="s" * 32
    )
    with client:
        assert client.get("/graphql", headers=HTML).status_code == 401
        assert client.get(f"{ASSETS_PATH}/vendor/graphiql.min.js").status_code == 401
        page = client.get("/graphql", headers={**HTML, **admin})
        assert page.status_code == 404 and "graphiql" not in page.text.lower()
