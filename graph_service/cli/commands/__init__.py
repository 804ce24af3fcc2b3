"""The command groups of ``abmgraph``, one module each; :mod:`graph_service.cli.app` mounts them."""
