"""HTTP routes serving the drawings: the org map of an account and the portfolio charts.

They sit behind the same authentication as GraphQL (:mod:`graph_service.api.auth_middleware`)
and send no ``X-Frame-Options``, so a client may show them in an iframe. Errors are JSON
(``{"error": ...}``): 400 for a bad parameter (a ``currency`` no rate converts too), 404 for
an unknown account, person or unit, 503 when the store is unreachable.

Both answer within the caller's scope (:func:`~graph_service.api.caller.caller`): the org map
of an account the caller does not see is the same 404 as that of an account that does not
exist, and the charts are drawn over the visible accounts only.
"""

from __future__ import annotations

from typing import TypeVar

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from graph_service.analytics.queries import visible_ids
from graph_service.api import http_params
from graph_service.api.caller import caller
from graph_service.api.route_answers import answer_off_loop
from graph_service.errors import InvalidArgumentError
from graph_service.store.base import Store

_T = TypeVar("_T")
_HEADERS = {"Cache-Control": "no-store"}


def viz_routes(store: Store, *, production: bool = False) -> list[Route]:
    """The routes ``/viz/accounts/{id}/org-map`` and ``/viz/portfolio/sow`` over ``store``
    (in ``production``, a 503 does not name the store's address)."""

    async def org_map(request: Request) -> Response:
        account_id = request.path_params["account_id"]
        scope = caller(request).scope
        q = request.query_params
        try:
            day = http_params.as_of(q.get("asOf"))
            with_subsidiaries = http_params.flag("withSubsidiaries", q.get("withSubsidiaries"))
        except http_params.BadParameter as exc:
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

        page = await answer_off_loop(draw, production=production)
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
            day = http_params.as_of(q.get("asOf"))
            currency = http_params.currency(q.get("currency"))
        except http_params.BadParameter as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

        def draw() -> bytes | str:
            from graph_service.analytics.params import AnalyticsParams
            from viz.charts import sow_data, sow_html, sow_png

            data = sow_data(
                store, day, AnalyticsParams(currency=currency), visible=visible_ids(store, scope)
            )
            return sow_png(data) if fmt == "png" else sow_html(data)

        try:
            body = await answer_off_loop(draw, production=production)
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
