"""``python -m graph_service`` runs the ``abmgraph`` command line."""

from graph_service.cli import main

main()
