"""The store's users for ``--auth``: created once, by a short run of the server without it.

SecantusDB 0.7.0b3 has no localhost exception: with ``--auth`` every command but the handshake
needs a user, so the first users are created while it runs open on a private port nobody else
knows, and it is restarted with ``--auth`` on its real one.
"""

import socket
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.errors import OperationFailure

from devstack.errors import StackError

ADMIN_USER = "admin"  # creates the services' users in production's shape (one per database)
CLIENT_USER = "onestop"  # what the local services and tests use: any database, no user admin
ROLES: dict[str, list[dict[str, str]]] = {
    ADMIN_USER: [{"role": "root", "db": "admin"}],
    CLIENT_USER: [{"role": "readWriteAnyDatabase", "db": "admin"}],
}
_STOP_TIMEOUT_S = 30.0
_START_TIMEOUT_MS = 30_000
_USER_EXISTS = 51003


def provision_users(
    argv_on: Callable[[int], list[str]], host: str, passwords: Mapping[str, str], log: Path
) -> None:
    """Run the server of ``argv_on(port)`` (without --auth) and create (or re-key) ``ROLES``."""
    port = _free_port(host)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        server = subprocess.Popen(
            argv_on(port), stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        client: MongoClient[dict[str, Any]] = MongoClient(
            host, port, directConnection=True, serverSelectionTimeoutMS=_START_TIMEOUT_MS
        )
        with client:
            for user, roles in ROLES.items():
                _create_or_rekey(client, user, passwords[user], roles)
    except Exception as exc:
        raise StackError(f"could not create the store's users (see {log}): {exc}") from exc
    finally:
        server.terminate()
        try:
            server.wait(_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _create_or_rekey(
    client: MongoClient[dict[str, Any]], user: str, password: str, roles: list[dict[str, str]]
) -> None:
    # A previous attempt may have stopped after creating a user: give it this run's password.
    try:
        client.admin.command("createUser", user, pwd=password, roles=roles)
    except OperationFailure as exc:
        if exc.code != _USER_EXISTS and "already exists" not in str(exc):
            raise
        client.admin.command("updateUser", user, pwd=password, roles=roles)


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])
