"""How the HTTP routes (drawings, exports) run their store work and answer its failures."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from graph_service.api.errors import STORE_UNAVAILABLE_MESSAGE
from graph_service.errors import NotFoundError, StoreUnavailableError

log = logging.getLogger("graph_service.api")
_T = TypeVar("_T")


async def answer_off_loop(work: Callable[[], _T], *, production: bool) -> _T | JSONResponse:
    """``work()`` run off the event loop; a :class:`NotFoundError` is a JSON 404 and a
    :class:`StoreUnavailableError` a JSON 503 (in ``production`` without the store's
    address). Anything else propagates."""
    try:
        return await run_in_threadpool(work)
    except NotFoundError as exc:
        return JSONResponse({"error": str(exc)}, status_code=404)
    except StoreUnavailableError as exc:
        log.warning("store unavailable: %s", exc)
        message = STORE_UNAVAILABLE_MESSAGE if production else str(exc)  # no address
        return JSONResponse({"error": message}, status_code=503)
