"""Request ids, and what the service learns about a request while answering it.

:class:`RequestIdMiddleware` gives every HTTP request an id: the client's ``X-Request-ID`` when
it is a sane token (letters, digits, ``-``, ``_``, ``.``, ``:``; at most 128), else a new one.
The response carries it in ``X-Request-ID``, masked GraphQL errors in
``extensions.requestId``, and the request's log line as ``request_id``. The id and the
request's :class:`RequestInfo` live in a context variable for the duration of the request, so
resolvers, the error policy and the store wrapper (also in worker threads, which copy the
context) all see the same one.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@dataclass
class RequestInfo:
    """One request: its id and what answering it involved (filled in as it goes)."""

    id: str
    #: The GraphQL operation's name (``anonymous`` for an unnamed one); None for other routes.
    operation: str | None = None
    #: Calls made to the store and the seconds they took.
    store_calls: int = 0
    store_seconds: float = 0.0
    #: The ``extensions.code`` of every error in the GraphQL answer.
    error_codes: list[str] = field(default_factory=list)


_CURRENT: ContextVar[RequestInfo | None] = ContextVar("abmgraph_request", default=None)


def current() -> RequestInfo | None:
    """The request being answered in this context, if any."""
    return _CURRENT.get()


def current_id() -> str | None:
    """The id of the request being answered, if any."""
    info = _CURRENT.get()
    return info.id if info else None


def accepted_id(given: str | None) -> str:
    """``given`` when it is a usable request id, else a fresh one.

    >>> accepted_id("abc-123")
    'abc-123'
    >>> len(accepted_id("no spaces, please")) == len(accepted_id(None)) == 32
    True
    """
    if given is not None and _VALID.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets the request's :class:`RequestInfo` and adds ``X-Request-ID`` to the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = None
        for name, value in scope.get("headers") or []:
            if name == b"x-request-id":
                given = value.decode("latin-1")
                break
        info = RequestInfo(accepted_id(given))
        scope.setdefault("state", {})["request_info"] = info
        token = _CURRENT.set(info)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = info.id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _CURRENT.reset(token)
