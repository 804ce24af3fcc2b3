"""``abmgraph serve`` and ``abmgraph demo``: the GraphQL API over a store, on uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from graph_service.cli.context import err, open_store, state
from graph_service.cli.load_progress import print_report, run_bundle_load
from graph_service.demo import DEMO_BUNDLE

if TYPE_CHECKING:
    from graph_service.settings import Settings
    from graph_service.store.base import Store

PortOption = Annotated[int | None, typer.Option(help="Port (env ABMGRAPH_PORT, 8000).")]
HostOption = Annotated[str | None, typer.Option(help="Interface (env ABMGRAPH_HOST).")]


def serve(store: Store, host: str, port: int) -> None:
    """Serve the GraphQL API over ``store`` until interrupted."""
    import uvicorn

    from graph_service.api.app import create_app
    from graph_service.api.logs import configure_logging
    from graph_service.auth import Authenticator
    from graph_service.cli.server_limits import uvicorn_options

    settings = state.settings
    api = create_app(
        store,
        store_name=settings.store.value,
        graphiql=settings.graphiql,
        authenticator=Authenticator.from_settings(settings),
        auth=settings.auth,
        path_cache_size=settings.path_cache_size,
        limits=settings.limits,
        production=settings.production,
        allowed_hosts=settings.allowed_hosts,
        cors_origins=settings.cors_origins,
    )
    err.print(f"abmgraph serving the {settings.store.value} store on http://{host}:{port}/graphql")
    configure_logging()  # JSON lines on stderr, one per request (docs/security.md)
    uvicorn.run(
        api,
        host=host,
        port=port,
        log_level="info",
        log_config=None,
        access_log=False,
        **uvicorn_options(settings.limits),
    )


def demo(
    port: PortOption = None,
    host: HostOption = None,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after loading.")
    ] = True,
) -> None:
    """Load the demo bundle into the embedded store and serve it."""
    from graph_service.settings import StoreKind

    if state.settings.store is not StoreKind.MEMORY:
        err.print("[yellow]note[/] demo uses the embedded store")
        state.settings = state.settings.model_copy(update={"store": StoreKind.MEMORY})
    store = open_store()
    try:
        report = run_bundle_load(store, DEMO_BUNDLE)
        print_report(report, as_json=False)
    except BaseException:
        store.close()
        raise
    if serve_after:
        if runs_open(state.settings):
            err.print(
                "[yellow]note[/] the demo runs open: anyone who reaches "
                f"{host or state.settings.host}:{port or state.settings.port} reads, sees and "
                "writes everything. Create API keys (abmgraph keys create) and set "
                "ABMGRAPH_AUTH=required (docs/authentication.md) before serving real data."
            )
        serve(store, host or state.settings.host, port or state.settings.port)
    else:
        store.close()


def runs_open(settings: Settings) -> bool:
    """Whether a service with ``settings`` asks nobody for credentials."""
    from graph_service.api.auth_middleware import runs_open as service_runs_open
    from graph_service.auth import Authenticator

    return service_runs_open(settings.auth, Authenticator.from_settings(settings))


def serve_cmd(port: PortOption = None, host: HostOption = None) -> None:
    """Serve the GraphQL API over the configured store."""
    store = open_store()
    store.ping()
    serve(store, host or state.settings.host, port or state.settings.port)
