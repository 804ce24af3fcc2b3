"""The ``abmgraph`` command line (typer + rich), one module per command group.

With the ASGI app (:mod:`graph_service.api.app`), this package is where the layers are put
together: it reads the settings, opens the store, and hands it to the loaders, the analytics,
the exports, the drawings and the server. Nothing below imports it.

- :mod:`~graph_service.cli.app`: the root command, its settings callback and ``main``;
- :mod:`~graph_service.cli.context`: what every command shares (settings, consoles, the store);
- :mod:`~graph_service.cli.load_progress`: loads with progress bars and their reports;
- :mod:`~graph_service.cli.commands`: ``load``, ``serve``/``demo``, ``stats``/``query``,
  ``export``, ``viz``, ``neo4j`` and ``generate``.
"""

from graph_service.cli.app import app, main

__all__ = ["app", "main"]
