"""Catalogue data files (YAML), read once when the service starts."""
