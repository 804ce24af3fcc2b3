"""abmgraph: an account relationship graph and the answers ABM teams plan with."""

__version__ = "0.1.0"
