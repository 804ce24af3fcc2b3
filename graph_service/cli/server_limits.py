"""uvicorn's side of the limits (docs/limits.md): header size, concurrency, idle keep-alive
connections, and a header timeout uvicorn does not have.

uvicorn closes a keep-alive connection that stays idle (``timeout_keep_alive``) but waits for
a request's headers for ever: a client sending one header byte a second holds its connection
open. :class:`HeaderTimeoutProtocol` closes a connection whose request headers are not in
within ``header_timeout`` seconds of its opening, or of the previous response. The body's own
timeout is :class:`graph_service.api.body_limit.BodyLimitMiddleware`'s.

Imported only by ``abmgraph serve`` (it imports uvicorn).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from graph_service.settings import Limits


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request headers come too slowly."""

    header_timeout: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request's headers are in
            self._stop_header_timer()

    def on_response_complete(self) -> None:
        self._await_headers()  # the next request's; a pipelined one stops it at once
        super().on_response_complete()

    def _await_headers(self) -> None:
        self._stop_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.logger.info("closing a connection whose request headers did not arrive in time")
            self.transport.close()


def uvicorn_options(limits: Limits) -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run`` that apply ``limits``."""
    protocol = type(
        "HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": limits.header_timeout}
    )
    return {
        "http": protocol,
        "timeout_keep_alive": limits.keep_alive_timeout,
        "h11_max_incomplete_event_size": limits.max_header_bytes,
        "limit_concurrency": limits.max_concurrency,
    }
