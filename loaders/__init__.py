"""Loaders: external files (CRM exports, CSV bundles) into domain records."""
