"""``abmgraph serve`` and ``abmgraph demo``: the GraphQL API over a store, on uvicorn."""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from graph_service.cli.context import err, open_store, state
from graph_service.cli.load_progress import print_report, run_bundle_load
from graph_service.demo import DEMO_BUNDLE
from graph_service.errors import AbmGraphError

if TYPE_CHECKING:
    from graph_service.settings import Settings
    from graph_service.store.base import Store

#: Seconds between the interpreter's thread switches while serving.
SWITCH_INTERVAL = 0.001

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
        view_cache_size=settings.view_cache_size,
        limits=settings.limits,
        production=settings.production,
        allowed_hosts=settings.allowed_hosts,
        cors_origins=settings.cors_origins,
        store_threads=settings.api_store_threads(),
    )
    err.print(f"abmgraph serving the {settings.store.value} store on http://{host}:{port}/graphql")
    configure_logging()  # JSON lines on stderr, one per request (docs/security.md)
    # What start-up built (modules, the schema, caches) lives as long as the process: moved
    # out of the collector's sight, full collections only walk what requests make.
    gc.collect()
    gc.freeze()
    # Resolvers compute on the store threads while the event loop answers other requests
    # (/healthz, refusals, a deadline): a thread switch every 1 ms instead of Python's 5 ms
    # lets the loop take the interpreter back sooner from a long computation.
    sys.setswitchinterval(SWITCH_INTERVAL)
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
    """Load the demo bundle into the demo's own store and serve it, as of the demo's date.

    The store is the demo folder of the data directory (never your own store); answers that
    name no asOf are as of the day the demo's data ends. Other commands reach it with
    abmgraph --demo (abmgraph --demo query '...').
    """
    from graph_service.demo import DEMO_AS_OF, demo_data_dir, use_demo_day
    from graph_service.settings import StoreKind

    settings = state.settings
    if settings.store is not StoreKind.MEMORY:
        err.print("[yellow]note[/] demo uses the embedded store")
    if not state.demo:
        data_dir = demo_data_dir(settings.data_dir)
        update = {"store": StoreKind.MEMORY, "data_dir": data_dir}
        state.settings = settings = settings.model_copy(update=update)
        state.demo = True
    host, port = host or settings.host, port or settings.port
    if serve_after:
        refuse_taken_port(host, port)
    use_demo_day()
    err.print(
        f"the demo's store is {settings.data_dir} (not your own); it answers as of "
        f"{DEMO_AS_OF.isoformat()}, the day its data ends, unless a query names asOf",
        highlight=False,
        soft_wrap=True,
    )
    store = open_store()
    try:
        report = run_bundle_load(store, DEMO_BUNDLE)
        print_report(report, as_json=False)
    except BaseException:
        store.close()
        raise
    if serve_after:
        if runs_open(settings):
            err.print(
                "[yellow]note[/] the demo runs open: anyone who reaches "
                f"{host}:{port} reads, sees and "
                "writes everything. Create API keys (abmgraph keys create) and set "
                "ABMGRAPH_AUTH=required (docs/authentication.md) before serving real data."
            )
        serve(store, host, port)
    else:
        store.close()


def port_taken(host: str, port: int) -> bool:
    """Whether something already listens on ``host``:``port`` (so a server cannot bind it).

    Binds as uvicorn does (``SO_REUSEADDR``), so a port that only lingers after a closed
    connection counts as free.

    >>> import socket
    >>> with socket.socket() as s:
    ...     s.bind(("127.0.0.1", 0)); s.listen()
    ...     port = s.getsockname()[1]
    ...     port_taken("127.0.0.1", port)
    True
    """
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        return False  # an unknown host: uvicorn says so itself
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return True
    return False


def refuse_taken_port(host: str, port: int) -> None:
    """A one-line error when ``port`` is taken, suggesting --port with a free one nearby."""
    if not port_taken(host, port):
        return
    nearby = range(port + 1, min(port + 50, 65536))
    free = next((p for p in nearby if not port_taken(host, p)), None)
    suggestion = f"abmgraph demo --port {free}" if free else "abmgraph demo --port <another>"
    raise AbmGraphError(
        f"port {port} on {host} is taken (another program is listening there); "
        f"choose another with --port, e.g. {suggestion}"
    )


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
