"""uvicorn run as ``abmgraph serve`` runs it: slow headers and idle connections are closed,
big headers refused (docs/limits.md)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from graph_service.cli.server_limits import uvicorn_options
from graph_service.settings import Limits

LIMITS = Limits(header_timeout=0.3, keep_alive_timeout=1, max_header_bytes=4096)


def _ok(_: object) -> PlainTextResponse:
    return PlainTextResponse("ok")


@pytest.fixture
def port() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free: int = probe.getsockname()[1]
    app = Starlette(routes=[Route("/", _ok)])
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free, log_level="warning", **uvicorn_options(LIMITS)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    yield free
    server.should_exit = True
    thread.join(5)


def closed_after(conn: socket.socket, limit: float) -> float:
    """Seconds until the server closes ``conn`` (reading what it sends), at most ``limit``."""
    started = time.monotonic()
    conn.settimeout(limit)
    while conn.recv(65536):
        pass
    return time.monotonic() - started


def test_a_connection_whose_headers_come_too_slowly_is_closed(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the rest
        assert closed_after(conn, 3) < 1


def test_an_idle_keep_alive_connection_is_closed(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.1)
        assert conn.recv(65536).startswith(b"HTTP/1.1 200")
        assert closed_after(conn, 3) < 1.5


def test_headers_growing_over_the_limit_are_refused(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        # The limit bounds what uvicorn buffers while the headers are incomplete.
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 8192)
        conn.settimeout(3)
        assert conn.recv(65536).startswith(b"HTTP/1.1 4")
