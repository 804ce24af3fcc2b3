"""Request bodies are bounded in size and in time, before the application reads them.

:class:`BodyLimitMiddleware` answers 413 to a request whose ``Content-Length`` is over the
limit without reading a byte of its body, and counts the bytes of a streamed (chunked) body as
they arrive, refusing it with 413 at the first chunk over the limit: no body over the limit is
ever held in memory whole. A body that has not arrived in full within the body timeout is
answered 408 (a slow client holds no worker for long).
"""

from __future__ import annotations

import anyio
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class _BodyTooLarge(Exception):
    pass


class _BodyTooSlow(Exception):
    pass


class BodyLimitMiddleware:
    """413 for a body over ``max_bytes``, 408 for one not in within ``timeout`` seconds."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is None and _has_header(scope, b"content-length"):
            await _refuse(scope, receive, send, 400, "invalid Content-Length")
            return
        if declared is not None and declared > self.max_bytes:
            await self._too_large(scope, receive, send)
            return

        received = 0
        complete = False
        started = False
        deadline = anyio.current_time() + self.timeout

        async def bounded_receive() -> Message:
            nonlocal received, complete
            if complete:  # the body is in: what follows is the disconnect, whenever it comes
                return await receive()
            try:
                with anyio.fail_after(max(deadline - anyio.current_time(), 0)):
                    message = await receive()
            except TimeoutError:
                raise _BodyTooSlow from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
                complete = not message.get("more_body", False)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await self._too_large(scope, receive, send)
        except _BodyTooSlow:
            if started:
                raise
            await _refuse(
                scope,
                receive,
                send,
                408,
                f"the request body did not arrive within {self.timeout:g} s",
            )

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is over {self.max_bytes:,} bytes (ABMGRAPH_MAX_BODY_BYTES)"
        await _refuse(scope, receive, send, 413, message)


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
    # Connection: close, as the rest of the body is never read.
    response = JSONResponse({"error": message}, status_code=status, headers={"Connection": "close"})
    await response(scope, receive, send)


def _has_header(scope: Scope, name: bytes) -> bool:
    return any(key.lower() == name for key, _ in scope.get("headers") or [])


def _content_length(scope: Scope) -> int | None:
    """The declared body length, None when absent or not a plain number."""
    for key, value in scope.get("headers") or []:
        if key.lower() == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None
