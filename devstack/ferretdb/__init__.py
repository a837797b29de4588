"""FerretDB 1.24.2 (MongoDB wire protocol over SQLite), built from the Go module in this folder."""

from devstack.ferretdb.server import FerretDB

__all__ = ["FerretDB"]
