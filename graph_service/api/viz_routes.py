"""HTTP routes serving the drawings: the org map of an account and the portfolio charts.

They sit behind the same :class:`~graph_service.api.app.BearerTokenMiddleware` as GraphQL and
send no ``X-Frame-Options``, so a client may show them in an iframe. Errors are JSON
(``{"error": ...}``): 400 for a bad parameter (a ``currency`` no rate converts too), 404 for
an unknown account, person or unit, 503 when the store is unreachable.

Both answer within the caller's scope (:func:`~graph_service.api.caller.caller`): the org map
of an account the caller does not see is the same 404 as that of an account that does not
exist, and the charts are drawn over the visible accounts only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from graph_service.analytics.queries import visible_ids
from graph_service.api.caller import caller
from graph_service.api.errors import STORE_UNAVAILABLE_MESSAGE
from graph_service.as_of import supported_day
from graph_service.errors import InvalidArgumentError, NotFoundError, StoreUnavailableError
from graph_service.money import parse_currency
from graph_service.store.base import Store

log = logging.getLogger("graph_service.api")
_T = TypeVar("_T")
_HEADERS = {"Cache-Control": "no-store"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class _BadParameter(ValueError):
    pass


def _as_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise _BadParameter(f"asOf: not a date: {text!r} (use YYYY-MM-DD)") from None
    try:
        return supported_day(day)
    except InvalidArgumentError as exc:
        raise _BadParameter(str(exc)) from None


def _flag(name: str, text: str | None) -> bool:
    value = (text or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _BadParameter(f"{name}: true or false, not {text!r}")


def _currency(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return parse_currency(text)
    except ValueError as exc:
        raise _BadParameter(f"currency: {exc}") from None


async def _answer(work: Callable[[], _T], *, production: bool) -> _T | JSONResponse:
    try:
        return await run_in_threadpool(work)
    except NotFoundError as exc:
        return JSONResponse({"error": str(exc)}, status_code=404)
    except StoreUnavailableError as exc:
        log.warning("store unavailable: %s", exc)
        message = STORE_UNAVAILABLE_MESSAGE if production else str(exc)  # no address
        return JSONResponse({"error": message}, status_code=503)


def viz_routes(store: Store, *, production: bool = False) -> list[Route]:
    """The routes ``/viz/accounts/{id}/org-map`` and ``/viz/portfolio/sow`` over ``store``
    (in ``production``, a 503 does not name the store's address)."""

    async def org_map(request: Request) -> Response:
        account_id = request.path_params["account_id"]
        scope = caller(request).scope
        q = request.query_params
        try:
            day = _as_of(q.get("asOf"))
            with_subsidiaries = _flag("withSubsidiaries", q.get("withSubsidiaries"))
        except _BadParameter as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

        def draw() -> str:
            from graph_service.store.family import family_views
            from viz.org_map import org_map_html

            visible = visible_ids(store, scope)
            return org_map_html(
                family_views(store, account_id, day, visible=visible),
                day,
                target_person_id=q.get("target") or None,
                business_unit=q.get("businessUnit") or None,
                include_subsidiaries=with_subsidiaries,
            )

        page = await _answer(draw, production=production)
        if isinstance(page, Response):
            return page
        return HTMLResponse(page, headers=_HEADERS)

    async def sow(request: Request) -> Response:
        q = request.query_params
        scope = caller(request).scope
        fmt = (q.get("format") or "html").lower()
        if fmt not in ("png", "html"):
            return JSONResponse({"error": f"format: png or html, not {fmt!r}"}, status_code=400)
        try:
            day = _as_of(q.get("asOf"))
            currency = _currency(q.get("currency"))
        except _BadParameter as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

        def draw() -> bytes | str:
            from graph_service.analytics.params import AnalyticsParams
            from viz.charts import sow_data, sow_html, sow_png

            data = sow_data(
                store, day, AnalyticsParams(currency=currency), visible=visible_ids(store, scope)
            )
            return sow_png(data) if fmt == "png" else sow_html(data)

        try:
            body = await _answer(draw, production=production)
        except InvalidArgumentError as exc:  # no rate converts the currency asked for
            return JSONResponse({"error": f"currency: {exc}"}, status_code=400)
        if isinstance(body, Response):
            return body
        if isinstance(body, bytes):
            return Response(body, media_type="image/png", headers=_HEADERS)
        return HTMLResponse(body, headers=_HEADERS)

    return [
        Route("/viz/accounts/{account_id}/org-map", org_map, methods=["GET"]),
        Route("/viz/portfolio/sow", sow, methods=["GET"]),
    ]
