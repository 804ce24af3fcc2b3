"""JSON logs (structlog), one line per request, and the middleware that writes it.

:func:`configure_logging` (called by ``abmgraph serve``) renders every log record, the
service's own and uvicorn's, as one JSON object per line with ``timestamp``, ``level``,
``logger``, ``event`` and, during a request, ``request_id``; a traceback is in ``exception``.

:class:`ObserveMiddleware` writes one line per HTTP request (event ``request``):
``request_id``, ``method``, ``route``, ``operation`` (the GraphQL operation name), ``status``,
``duration_ms``, ``store_calls`` (round trips to the store) and ``store_ms``, ``outcome``
(``ok``, ``client_error``, ``store_unavailable`` or ``server_error``) and ``error_codes``, and
records the request's metrics (:mod:`graph_service.api.metrics`).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import MutableMapping
from typing import IO, Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_service.api import metrics, request_id
from graph_service.api.caller import STATE_KEY
from graph_service.api.errors import CLIENT_CODES, Code
from graph_service.auth import Principal

REQUEST_LOGGER = "graph_service.api.request"


def _add_request_id(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    rid = request_id.current_id()
    if rid is not None:
        event_dict.setdefault("request_id", rid)
    return event_dict


def _drop_color_message(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    event_dict.pop("color_message", None)  # uvicorn's terminal copy of the message
    return event_dict


def configure_logging(level: int | str = logging.INFO, stream: IO[str] | None = None) -> None:
    """JSON lines on ``stream`` (default: stderr) for structlog and standard logging alike."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        _add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),  # the fields of the request line (logging's extra=)
        _drop_color_message,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True


def outcome(status: int, codes: list[str]) -> str:
    """What became of a request, from its status and its GraphQL error codes.

    >>> outcome(200, []), outcome(200, ["BAD_USER_INPUT"]), outcome(503, [])
    ('ok', 'client_error', 'store_unavailable')
    """
    if (status >= 500 and status != 503) or Code.INTERNAL_SERVER_ERROR in codes:
        return "server_error"
    if status == 503 or Code.STORE_UNAVAILABLE in codes:
        return "store_unavailable"
    if status >= 400 or any(code in CLIENT_CODES for code in codes):
        return "client_error"
    return "ok"


class ObserveMiddleware:
    """The request's log line and metrics (inside :class:`RequestIdMiddleware`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._log = logging.getLogger(REQUEST_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        start = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with metrics.IN_FLIGHT.track_inprogress():
            try:
                await self.app(scope, receive, send_status)
            finally:
                self._record(scope, status, time.perf_counter() - start)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        info = request_id.current()
        route = scope.get("route")
        template = getattr(route, "path", None) or "(unrouted)"
        method = scope.get("method", "")
        operation = info.operation if info and info.operation else f"{method} {template}"
        codes = list(info.error_codes) if info else []
        metrics.observe_request(operation, seconds, codes)
        who = scope.get("state", {}).get(STATE_KEY)  # none when authentication refused it
        fields = {
            "caller": who.id if isinstance(who, Principal) else None,
            "role": who.role.value if isinstance(who, Principal) else None,
            "method": method,
            "route": template,
            "operation": info.operation if info else None,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "store_calls": info.store_calls if info else 0,
            "store_ms": round(info.store_seconds * 1000, 1) if info else 0.0,
            "outcome": outcome(status, codes),
            "error_codes": codes,
        }
        self._log.info("request", extra=fields)
