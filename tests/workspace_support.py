"""Helpers for the workspace's tests: a service on a real port (for the browser), the demo
accounts, keys for a rep of each side of the demo, and a signed-in test client."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.testclient import TestClient

from graph_service.auth import Role
from graph_service.auth.keys import MemberDirectory

#: The demo's reps: 田中　美咲 (tm-2) is on c-01's, c-02's and c-03's teams, Emily Chen (tm-4)
#: on c-01's, c-05's and c-06's; c-04 is c-01's subsidiary (team.csv, account_team.csv).
REP = "tm-2"
OTHER_REP = "tm-4"
OWN_ACCOUNT = "c-02"
OTHERS_ACCOUNT = "c-05"
SECRET = "s" * 40
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: str) -> str:
    """The CSRF token a page's forms send back."""
    found = _CSRF.search(page)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, credential: str) -> Any:
    """Sign ``client`` in through the form, as a browser would (the response of the POST)."""
    form = client.get("/signin")
    assert form.status_code == 200, form.text
    return client.post(
        "/signin",
        data={"csrf_token": csrf_of(form.text), "credential": credential, "next": "/"},
        follow_redirects=False,
    )


def member_key(keys: Any, role: Role, member_id: str, members: MemberDirectory) -> str:
    """A new API key of team member ``member_id``."""
    created = keys.create(role, member_id=member_id, members=members)
    key: str = created.key
    return key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str


@contextmanager
def serving(app: Starlette) -> Iterator[LiveServer]:
    """``app`` on uvicorn at a free port of 127.0.0.1, in a thread, until the block ends."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=30)
