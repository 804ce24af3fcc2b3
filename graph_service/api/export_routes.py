"""HTTP exports of the target list: ``GET /export/targets.{csv,xlsx,parquet}``.

What ``abmgraph export targets`` writes, served to strategists and admins (the ``export``
action of :mod:`graph_service.auth.policy`; another role gets ``403``), over the accounts the
caller's scope sees. Query parameters, all optional: ``asOf``, ``currency``, ``industry``,
``region``, ``owner`` (an account-team member's id), ``segment``, ``tier`` (``1:1``,
``1:few``, ``1:many``), ``minWhitespace`` and, for CSV, ``bom`` (default true: a UTF-8
byte-order mark, for Excel; ``bom=false`` for pipelines). Errors are JSON
(``{"error": ...}``): 400 for a bad parameter, 403 for a role that may not export, 503 when
the store is unreachable.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from graph_service.analytics.labels import Segment, Tier
from graph_service.analytics.params import AnalyticsParams
from graph_service.analytics.queries import PortfolioFilter
from graph_service.api import http_params
from graph_service.api.caller import caller
from graph_service.api.route_answers import answer_off_loop
from graph_service.auth import Action, require
from graph_service.errors import ForbiddenError, InvalidArgumentError
from graph_service.export import ExportFormat, export_target_list
from graph_service.store.base import Store

MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.PARQUET: "application/vnd.apache.parquet",
}


def _filter(request: Request) -> PortfolioFilter:
    q = request.query_params
    try:
        segment = Segment(q["segment"]) if q.get("segment") else None
    except ValueError:
        choices = ", ".join(s.value for s in Segment)
        raise http_params.BadParameter(f"segment: one of {choices}") from None
    try:
        tier = Tier(q["tier"]) if q.get("tier") else None
    except ValueError:
        raise http_params.BadParameter(f"tier: one of {', '.join(t.value for t in Tier)}") from None
    return PortfolioFilter(
        industry=q.get("industry") or None,
        region=q.get("region") or None,
        owner_id=q.get("owner") or None,
        segment=segment,
        tier=tier,
        min_whitespace=http_params.number("minWhitespace", q.get("minWhitespace")),
    )


def export_routes(
    store: Store, params: AnalyticsParams, *, production: bool = False
) -> list[Route]:
    """The route ``/export/targets.{format}`` over ``store``, answering with ``params``."""

    async def targets(request: Request) -> Response:
        principal = caller(request)
        try:
            require(principal, Action.EXPORT)
        except ForbiddenError as exc:
            return JSONResponse({"error": str(exc)}, status_code=403)
        try:
            fmt = ExportFormat(request.path_params["format"])
        except ValueError:
            choices = ", ".join(f.value for f in ExportFormat)
            return JSONResponse({"error": f"format: one of {choices}"}, status_code=404)
        q = request.query_params
        try:
            day = http_params.as_of(q.get("asOf"))
            currency = http_params.currency(q.get("currency"))
            where = _filter(request)
            bom = q.get("bom") is None or http_params.flag("bom", q.get("bom"))
        except http_params.BadParameter as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        asked = dataclasses.replace(params, currency=currency) if currency else params

        def write() -> bytes:
            with tempfile.TemporaryDirectory(prefix="abmgraph-export-") as folder:
                out = Path(folder) / f"targets.{fmt.value}"
                export_target_list(
                    store, day, out, fmt, where, asked, scope=principal.scope, bom=bom
                )
                return out.read_bytes()

        try:
            body = await answer_off_loop(write, production=production)
        except InvalidArgumentError as exc:  # no rate converts the currency asked for
            return JSONResponse({"error": f"currency: {exc}"}, status_code=400)
        if isinstance(body, Response):
            return body
        name = f"targets-{day.isoformat()}.{fmt.value}"
        headers = {
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        }
        return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)

    return [Route("/export/targets.{format}", targets, methods=["GET"])]
