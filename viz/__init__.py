"""Drawings of the account graph (org maps, portfolio charts)."""
