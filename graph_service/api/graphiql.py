"""GraphiQL served by the service itself: no CDN, and a browser page that asks for a key.

The page is strawberry's GraphQL IDE hook (``render_graphql_ide``): ``GET /graphql`` from a
browser. It loads its scripts and styles from :data:`ASSETS_PATH` on the same origin —
GraphiQL, React and ReactDOM, built by :mod:`graph_service.api.graphiql_assets` into
``graphiql_static/vendor/``, beside this project's own ``graphiql_static/abmgraph-graphiql.js``
— and its Content Security Policy (:data:`CSP`) lets it load nothing from another origin.
Where the assets are not built, the page says so and gives the command that builds them.

A browser cannot send ``Authorization`` when it opens a page, so the page itself is served
without credentials (:func:`opens_without_key`: a ``GET`` that asks for HTML and carries no
``query``, the only request strawberry answers with the IDE rather than by executing
anything), as are the assets; the page asks for an API key, keeps it in the tab's
``sessionStorage`` and sends it as ``Authorization: Bearer`` with every GraphQL request, which
stays authenticated as any other (:mod:`graph_service.api.auth_middleware`). See
docs/graphiql.md.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from graph_service.api.graphiql_assets import ASSETS, ASSETS_DIR, BUILD_COMMAND, missing

log = logging.getLogger("graph_service.api")

#: Where the page's scripts and styles are served.
ASSETS_PATH = "/graphiql-assets"
#: The folder served there: this project's script and style, and the built ``vendor/``.
STATIC_DIR = Path(__file__).with_name("graphiql_static")
#: The GraphQL endpoint, where the page is.
GRAPHQL_PATH = "/graphql"
#: Everything from this origin only. GraphiQL's fonts are ``data:`` URLs in its stylesheet, and
#: its dialogs add ``<style>`` elements (hence inline styles, never inline scripts).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def opens_without_key(scope: Scope) -> bool:
    """Whether the request is a browser opening the GraphiQL page or loading its assets.

    The page: ``GET /graphql`` with ``Accept: text/html`` and no ``query`` parameter (with
    one it is a GraphQL request, which needs credentials).

    >>> def scope(method, path, accept="text/html", qs=b""):
    ...     return {"type": "http", "method": method, "path": path, "query_string": qs,
    ...             "headers": [(b"accept", accept.encode())]}
    >>> opens_without_key(scope("GET", "/graphql"))
    True
    >>> opens_without_key(scope("GET", "/graphql", qs=b"query=%7Bx%7D"))
    False
    >>> opens_without_key(scope("GET", "/graphql", qs=b"query="))
    False
    >>> opens_without_key(scope("POST", "/graphql"))
    False
    >>> opens_without_key(scope("GET", "/graphql", accept="application/json"))
    False
    >>> opens_without_key(scope("GET", "/graphiql-assets/vendor/react.production.min.js"))
    True
    """
    if scope.get("type") != "http":
        return False
    method, path = scope.get("method"), scope.get("path", "")
    if path.startswith(ASSETS_PATH + "/"):
        return method in ("GET", "HEAD")
    if path != GRAPHQL_PATH or method != "GET":
        return False
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1")
    return "query" not in query and "text/html" in accept


def asset_routes(static_dir: Path = STATIC_DIR) -> list[Mount]:
    """The page's scripts and styles under :data:`ASSETS_PATH`."""
    return [Mount(ASSETS_PATH, app=StaticFiles(directory=static_dir), name="graphiql-assets")]


class GraphiQLPage:
    """The page, rendered for each request: GraphiQL where its assets are built, else what to
    run. ``needs_key`` says whether the service asks for credentials right now."""

    def __init__(self, needs_key: Callable[[], bool], static_dir: Path = STATIC_DIR) -> None:
        self._needs_key = needs_key
        self._vendor = static_dir / ASSETS_DIR.name
        if self.missing():
            log.warning(
                "GraphiQL's assets are not built (%s): /graphql shows how; run %s",
                self._vendor,
                BUILD_COMMAND,
            )

    def missing(self) -> list[str]:
        """The asset files not built."""
        return missing(self._vendor)

    def response(self) -> HTMLResponse:
        """The page, with its Content Security Policy."""
        body = self.html() if not self.missing() else self.missing_html()
        return HTMLResponse(body, headers=_HEADERS)

    def html(self) -> str:
        """GraphiQL, and the key prompt when the service needs credentials."""
        styles = [f"vendor/{a.name}" for a in ASSETS if a.name.endswith(".css")]
        scripts = [f"vendor/{a.name}" for a in ASSETS if a.name.endswith(".js")]
        head = [f'<link rel="stylesheet" href="{ASSETS_PATH}/{s}">' for s in styles]
        head.append(f'<link rel="stylesheet" href="{ASSETS_PATH}/abmgraph-graphiql.css">')
        head += [f'<script defer src="{ASSETS_PATH}/{s}"></script>' for s in scripts]
        head.append(f'<script defer src="{ASSETS_PATH}/abmgraph-graphiql.js"></script>')
        auth = "key" if self._needs_key() else "open"
        return _PAGE.format(
            head="\n".join(head), endpoint=html.escape(GRAPHQL_PATH, quote=True), auth=auth
        )

    def missing_html(self) -> str:
        """What to run to get the assets."""
        files = ", ".join(self.missing())
        return _MISSING.format(
            command=html.escape(BUILD_COMMAND),
            folder=html.escape(str(self._vendor)),
            files=html.escape(files),
        )


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>abmgraph · GraphiQL</title>
<link rel="icon" href="data:,">
{head}
</head>
<body data-endpoint="{endpoint}" data-auth="{auth}">
<header class="abm-bar">
<strong>abmgraph GraphiQL</strong>
<form id="abm-key-form" hidden>
<label for="abm-key">API key</label>
<input id="abm-key" name="key" type="password" autocomplete="off" spellcheck="false"
 placeholder="abm_…" required>
<button type="submit">Use this key</button>
</form>
<span id="abm-key-status" role="status"></span>
<button id="abm-forget" type="button" hidden>Forget the key</button>
</header>
<main id="graphiql"><p class="abm-note">Loading GraphiQL…</p></main>
<noscript><p class="abm-note">GraphiQL needs JavaScript.</p></noscript>
</body>
</html>
"""

_MISSING = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>abmgraph · GraphiQL is not installed</title>
<link rel="icon" href="data:,">
</head>
<body>
<h1>GraphiQL's assets are not installed</h1>
<p>This service serves GraphiQL itself (no CDN), from files built from the npm registry's
<code>graphiql</code> package. They are not built yet. From a source checkout of abmgraph,
with Node.js 20 or later (npm), run</p>
<pre><code>{command}</code></pre>
<p>then reload this page (the service does not need a restart).</p>
<p>Missing in <code>{folder}</code>: {files}.</p>
<p>The GraphQL API itself works: send <code>POST /graphql</code> requests, or use
<code>abmgraph query</code>.</p>
</body>
</html>
"""
