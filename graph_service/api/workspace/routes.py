"""The workspace's routes: sign-in and sign-out, the language switch, the portfolio at ``/``,
an account at ``/accounts/{id}``, and the assets under ``/workspace/static`` (the page's own
script and style sheet, and the vis-network that pyvis ships: nothing comes from a CDN).

Every page's data comes from the app's GraphQL schema executed as the caller
(:mod:`.data`), and the org map is viz.org_map's drawing of the views the caller sees. An
account the caller may not see answers the same 404 page as an unknown id. Every POST from a
page carries the session's CSRF token (:mod:`.csrf`); one without it is 403. Pages are sent
with a Content-Security-Policy that allows this origin only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import anyio.to_thread
import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from graph_service.analytics.labels import Segment, Tier
from graph_service.api import http_params
from graph_service.api.caller import caller
from graph_service.api.workspace import board, csrf, data, i18n, paths, session
from graph_service.auth import Action, Authenticator, Principal, allows
from graph_service.errors import AuthError, NotFoundError, StoreUnavailableError

_HERE = Path(__file__).resolve().parent
_STATIC = _HERE / "static"
#: The policy of every page: this origin only (vis-network sets inline styles).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
#: An account with more people than this opens with its people grouped by business unit.
BIG_ACCOUNT = 40


def vis_dir() -> Path:
    """The newest vis-network that pyvis ships (the org map's own drawing library)."""
    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib"
    found = sorted(d for d in lib.glob("vis-*") if (d / "vis-network.min.js").is_file())
    if not found:
        raise RuntimeError(f"pyvis ships no vis-network under {lib}")
    return found[-1]


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site, never another site.

    >>> safe_next("/accounts/c-01"), safe_next("//evil.example"), safe_next("https://x.y")
    ('/accounts/c-01', '/', '/')
    >>> safe_next(None), safe_next("/\\\\evil.example")
    ('/', '/')
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@dataclass(frozen=True)
class Workspace:
    """What the routes need from the app."""

    executor: data.Executor
    authenticator: Authenticator | None
    #: Whether the service asks nobody for credentials right now.
    runs_open: Callable[[], bool]


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(_HERE / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["pct"] = lambda v: "—" if v is None else f"{v * 100:.0f}%"
    env.filters["amount"] = lambda v: "—" if v is None else f"{v:,.0f}"
    return env


class _Pages:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace
        self.env = _environment()

    # -- common ------------------------------------------------------------------------------

    def language(self, request: Request) -> i18n.Catalogue:
        chosen = request.session.get(i18n.SESSION_KEY)
        return i18n.catalogue(i18n.negotiate(request.headers.get("accept-language"), chosen))

    def render(self, request: Request, name: str, code: int = 200, **values: Any) -> HTMLResponse:
        text = self.language(request)
        principal: Principal | None = values.pop("principal", None)
        page = self.env.get_template(name).render(
            t=text.t,
            label=text.label,
            lang=text.language,
            csrf=csrf.token(request.session),
            csrf_field=csrf.FIELD,
            here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            signed_in=principal is not None and not self.ws.runs_open(),
            principal=principal,
            **values,
        )
        return HTMLResponse(page, status_code=code, headers=_HEADERS)

    def problem(self, request: Request, status: int, message: str) -> HTMLResponse:
        principal = caller(request) if paths.is_page(request.url.path) else None
        return self.render(
            request, "error.html", status, principal=principal, status=status, message=message
        )

    async def form(self, request: Request) -> dict[str, str] | None:
        """The form's fields (the pages post ``application/x-www-form-urlencoded``), or None
        when its CSRF token is missing or wrong."""
        body = (await request.body()).decode("utf-8", errors="replace")
        fields = dict(parse_qsl(body, keep_blank_values=True))
        return fields if csrf.matches(request.session, fields.get(csrf.FIELD)) else None

    # -- signing in and out, the language ------------------------------------------------

    async def sign_in_form(self, request: Request) -> Response:
        target = safe_next(request.query_params.get("next"))
        if self.ws.runs_open():
            return RedirectResponse(target, 303)
        return self.render(request, "signin.html", next=target, error=None)

    async def sign_in(self, request: Request) -> Response:
        fields = await self.form(request)
        if fields is None:
            return self.problem(request, 403, csrf.REFUSED)
        target = safe_next(fields.get("next"))
        if self.ws.runs_open() or self.ws.authenticator is None:
            return RedirectResponse(target, 303)
        credential = fields.get("credential", "").strip()
        text = self.language(request)
        if not credential:
            error = text.t("signin.empty")
            return self.render(request, "signin.html", 401, next=target, error=error)
        try:
            principal = await anyio.to_thread.run_sync(
                self.ws.authenticator.authenticate, f"Bearer {credential}"
            )
        except AuthError as exc:
            error = text.t("signin.refused", reason=str(exc))
            return self.render(request, "signin.html", 401, next=target, error=error)
        language = request.session.get(i18n.SESSION_KEY)
        session.sign_in(request.session, principal, until=_token_end(credential))
        if language:
            request.session[i18n.SESSION_KEY] = language
        return RedirectResponse(target, 303)

    async def sign_out(self, request: Request) -> Response:
        if await self.form(request) is None:
            return self.problem(request, 403, csrf.REFUSED)
        session.sign_out(request.session)
        return RedirectResponse(paths.SIGN_IN, 303)

    async def switch_language(self, request: Request) -> Response:
        fields = await self.form(request)
        if fields is None:
            return self.problem(request, 403, csrf.REFUSED)
        if fields.get("lang") in i18n.LANGUAGES:
            request.session[i18n.SESSION_KEY] = fields["lang"]
        return RedirectResponse(safe_next(fields.get("next")), 303)

    # -- the portfolio -------------------------------------------------------------------

    async def portfolio(self, request: Request) -> Response:
        principal = caller(request)
        q = request.query_params
        try:
            day = http_params.as_of(q.get("asOf")) if q.get("asOf") else None
            tier = _choice("tier", q.get("tier"), [t.name for t in Tier])
            segment = _choice("segment", q.get("segment"), [s.name for s in Segment])
            sort = _choice("sort", q.get("sort"), list(board.SORTS)) or "rank"
        except http_params.BadParameter as exc:
            return self.problem(request, 400, str(exc))
        where = {
            "industry": q.get("industry") or None,
            "region": q.get("region") or None,
            "ownerId": q.get("owner") or None,
            "tier": tier,
            "segment": segment,
        }
        ex = self.ws.executor
        context = ex.context(request)
        as_of = day.isoformat() if day else None
        try:
            targets = await ex.pages(
                context,
                data.PORTFOLIO,
                "targetList",
                {"filter": {k: v for k, v in where.items() if v}, "asOf": as_of},
            )
            accounts = await ex.pages(context, data.ACCOUNTS, "accounts", {})
        except data.PageQueryError as exc:
            return self.problem(request, exc.status, str(exc))
        rows = board.portfolio_rows(targets, accounts, search=q.get("q"), sort=sort)
        owners = sorted(
            {
                (seat["member"]["id"], seat["member"]["fullName"])
                for a in accounts
                for seat in a["accountTeam"]
            },
            key=lambda m: m[1],
        )
        export_query = {
            k: v
            for k, v in {
                "asOf": as_of,
                "industry": where["industry"],
                "region": where["region"],
                "owner": where["ownerId"],
                "tier": Tier[tier].value if tier else None,
                "segment": Segment[segment].value if segment else None,
            }.items()
            if v
        }
        return self.render(
            request,
            "portfolio.html",
            principal=principal,
            rows=rows,
            total=len(rows),
            query=q,
            as_of=as_of,
            sorts=board.SORTS,
            tiers=[t.name for t in Tier],
            segments=[s.name for s in Segment],
            industries=sorted({a["industry"] for a in accounts if a.get("industry")}),
            regions=sorted({a["country"] for a in accounts if a.get("country")}),
            owners=owners,
            can_export=allows(principal.role, Action.EXPORT),
            export_query=urlencode(export_query),
            account_query=urlencode({"asOf": as_of} if as_of else {}),
        )

    # -- an account ----------------------------------------------------------------------

    async def account(self, request: Request) -> Response:
        principal = caller(request)
        account_id = request.path_params["account_id"]
        text = self.language(request)
        try:
            day = http_params.as_of(request.query_params.get("asOf"))
        except http_params.BadParameter as exc:
            return self.problem(request, 400, str(exc))
        asked = request.query_params.get("asOf")
        ex = self.ws.executor
        context = ex.context(request)
        try:
            found = await ex.run(context, data.ACCOUNT, {"id": account_id})
            account = found["account"]
            if account["__typename"] != "Account":
                return self.problem(request, 404, text.t("account.not_found", id=account_id))
            variables = {"id": account_id, "asOf": day.isoformat()}
            answers = await ex.run(context, data.ANSWERS, variables)
        except data.PageQueryError as exc:
            return self.problem(request, exc.status, str(exc))
        try:
            org = await _org_map(context, account_id, day)
        except NotFoundError:
            return self.problem(request, 404, text.t("account.not_found", id=account_id))
        except StoreUnavailableError:
            return self.problem(request, 503, text.t("error.store"))
        gaps = answers["coverageGaps"]
        people = account["people"]
        units = {u["id"]: u["name"] for u in account["businessUnits"]}
        members = {s["member"]["id"]: s["member"]["fullName"] for s in account["accountTeam"]}
        names = {p["id"]: p["fullName"] for p in people}
        committee = board.committee_board(gaps, people)
        page_data = {
            "accountId": account_id,
            "asOf": day.isoformat(),
            "map": org,
            "big": len(people) > BIG_ACCOUNT,
            "people": {
                p["id"]: {
                    "name": p["fullName"],
                    "bu": p["businessUnitId"],
                    "roles": [r["role"] for r in p["roles"]],
                }
                for p in people
            },
            "units": units,
            "members": members,
            "canWrite": allows(principal.role, Action.WRITE),
            "memberId": principal.member_id,
            "i18n": text.js(),
        }
        return self.render(
            request,
            "account.html",
            principal=principal,
            account=account,
            gaps=gaps,
            board=committee,
            touches_next=answers["nextBestTouches"].get("touches", []),
            wallet=answers["shareOfWallet"],
            units=units,
            members=members,
            names=names,
            people_by_unit=_people_by_unit(people, units),
            as_of=day.isoformat(),
            asked_as_of=asked,
            roles=["DECIDER", "BUYER", "INFLUENCER", "USER", "GATEKEEPER", "INITIATOR", "CHAMPION"],
            touch_types=["MEETING", "CALL", "EMAIL", "EVENT", "WEBINAR", "CHAT", "VISIT"],
            can_write=allows(principal.role, Action.WRITE),
            page_data=page_data,
            big=len(people) > BIG_ACCOUNT,
            today=date.today().isoformat(),
            legend=_legend(),
        )

    async def vendor(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ("vis-network.min.js", "vis-network.css"):
            return Response("not found", status_code=404)
        return FileResponse(vis_dir() / name, headers={"Cache-Control": "max-age=86400"})


def _legend() -> dict[str, list[tuple[str, str]]]:
    """The org map's colours (viz.org_map's): buying roles and engagement heat."""
    from viz.org_map import HEAT_BANDS, NEVER_TOUCHED, NO_ROLE_COLOR, ROLE_COLORS

    heat = [(str(b.max_days) if b.max_days else "older", b.color) for b in HEAT_BANDS]
    return {
        "roles": [(r.name, c) for r, c in ROLE_COLORS.items()] + [("NONE", NO_ROLE_COLOR)],
        "heat": [*heat, ("never", NEVER_TOUCHED.color)],
    }


def _choice(name: str, value: str | None, choices: list[str]) -> str | None:
    if not value:
        return None
    if value not in choices:
        raise http_params.BadParameter(f"{name}: one of {', '.join(choices)}, not {value!r}")
    return value


def _token_end(credential: str) -> float | None:
    """A JWT's ``exp`` (already verified), so that its session ends with it."""
    if credential.startswith("abm_"):
        return None
    import jwt

    try:
        exp = jwt.decode(credential, options={"verify_signature": False}).get("exp")
    except jwt.InvalidTokenError:
        return None
    return float(exp) if isinstance(exp, int | float) else time.time()


def _people_by_unit(
    people: list[dict[str, Any]], units: dict[str, str]
) -> list[tuple[str | None, str | None, list[dict[str, Any]]]]:
    """People grouped by business unit, in the units' order, company-wide first."""
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for p in sorted(people, key=lambda p: p["fullName"]):
        unit = p["businessUnitId"] if p["businessUnitId"] in units else None
        groups.setdefault(unit, []).append(p)
    order = [None, *units]
    return [(u, units.get(u) if u else None, groups[u]) for u in order if u in groups]


async def _org_map(context: Any, account_id: str, day: date) -> dict[str, Any]:
    """viz.org_map's drawing of the account's views that the caller sees."""

    def draw() -> dict[str, Any]:
        from graph_service.store.family import family_views
        from viz.org_map import build_org_map

        views = family_views(context.store, account_id, day, visible=context.visible())
        org = build_org_map(views, day, params=context.params)
        return {
            "nodes": org.nodes,
            "edges": org.edges,
            "options": org.options,
            "lanes": [
                {
                    "label": f"{lane.label} ({lane.people})",
                    "bu": lane.bu_id,
                    "x0": lane.x0,
                    "x1": lane.x1,
                    "y0": lane.y0,
                    "y1": lane.y1,
                    "color": lane.color,
                }
                for lane in org.lanes
            ],
        }

    result: dict[str, Any] = await context.store_calls.call(draw)
    return result


def workspace_routes(workspace: Workspace) -> list[BaseRoute]:
    """The workspace's routes (see the module)."""
    pages = _Pages(workspace)
    return [
        Route("/", pages.portfolio, methods=["GET"]),
        Route("/accounts/{account_id}", pages.account, methods=["GET"]),
        Route(paths.SIGN_IN, pages.sign_in_form, methods=["GET"]),
        Route(paths.SIGN_IN, pages.sign_in, methods=["POST"]),
        Route(paths.SIGN_OUT, pages.sign_out, methods=["POST"]),
        Route(paths.LANGUAGE, pages.switch_language, methods=["POST"]),
        Route(paths.STATIC + "/vendor/{name}", pages.vendor, methods=["GET"]),
        Mount(paths.STATIC, app=StaticFiles(directory=_STATIC), name="workspace-static"),
    ]
