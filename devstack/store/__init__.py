"""The local MongoDB-wire store: SecantusDB, run as its own process from its own environment."""

from devstack.store.secantus import SecantusDB

__all__ = ["SecantusDB"]
