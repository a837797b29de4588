"""SecantusDB: a single-node MongoDB-wire server on WiredTiger, installed from PyPI.

It answers as a one-node replica set, so drivers use transactions and change streams on it, as on
the production MongoDB replica set. Its licence (GPL-2.0-only) is why it lives in a virtual
environment of its own in the cache and runs as a separate process: project code never imports it.

Known defect of 0.7.0b3 (reproduced here): a transaction whose client died keeps its row locks until
a later transaction command reaps it (60 s after its last statement), and ``dropDatabase`` takes
the server's global lock and then waits for those rows, so nothing ever reaps them: the server
stops answering for good. Reproducer: open a transaction, update a document in database ``d``,
kill the client, then ``dropDatabase d`` from another client. Hence the tests never drop a
database, and ``devstack reset`` wipes the store's files instead.

Second defect: when concurrent upserting ``find_one_and_update`` calls race to create one document,
some apply their ``$inc`` yet return no document (50 concurrent first draws: up to 41 empty). The
intake's counter therefore creates the day's document apart (``$setOnInsert``) and increments
without upsert (services/intake/adapters/case_sequences.py).
"""

import re
import sys
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient

from devstack.component import Component
from devstack.credentials import credentials
from devstack.install import Downloads, Stamp, Transfer, run_tool, transfer_size
from devstack.store.users import ADMIN_USER, CLIENT_USER, provision_users
from shared.progress import say

# A beta with one maintainer: the exact version the checks of ENGINEERING.md were run on.
REQUIREMENT = "secantusdb==0.7.0b3"
# Without a --config the server reads ./secantusd.toml or ~/.secantus: an empty file pins defaults.
_EMPTY_CONFIG = "secantusd.toml"
# The client options every URI of the local store carries (why: ``SecantusDB.mongodb_uri``).
OPTIONS = "replicaSet=secantus&journal=true&retryWrites=false"
# pip's line as a download starts: "  Downloading numpy-2.4.6-cp311-….whl (16.9 MB)".
_PIP_DOWNLOAD = re.compile(r"^\s*Downloading (\S+) \(([\d.]+) ([kMG]?B)\)")


class SecantusDB(Component):
    name = "store"
    title = "SecantusDB"
    port_settings = ("MONGODB_PORT",)

    @property
    def venv(self) -> Path:
        return self.config.cache_dir / "secantusdb"

    @property
    def server(self) -> Path:
        return self.venv / "bin" / "secantusd-py"

    @property
    def mongodb_uri(self) -> str:
        # journal=true: a write is acknowledged once it is in the store's log, so a kill -9 of the
        # store right after an acknowledgement loses nothing (without it the last writes can go).
        # retryWrites=false: SecantusDB 0.7.0b3 keeps the last 10,000 retryable-write replies and
        # scans and sorts them all on every such write, under its one lock: after 10,000 writes
        # every single write (a lease, a claim, an outbox mark) costs ~10 ms, 635 -> 100 writes/s
        # (bench/RESULTS.md). Nothing here relies on the driver retrying a single write: units
        # of work are transactions, and claims and leases lapse when an answer is lost.
        return self.uri_for(CLIENT_USER) if self.config.store_auth else self.uri_for(None)

    def uri_for(self, user: str | None) -> str:
        """The URI of the store, logged in as ``user`` (ADMIN_USER may create more users)."""
        address = f"{self.config.host}:{self.config.port('MONGODB_PORT')}"
        if user is None:
            return f"mongodb://{address}/?{OPTIONS}"
        login = f"{user}:{self.passwords()[user]}@"
        return f"mongodb://{login}{address}/?{OPTIONS}&authSource=admin"

    def passwords(self) -> dict[str, str]:
        """The store's users with --auth (generated once per data folder)."""
        return credentials(self.home / "credentials.json", (ADMIN_USER, CLIENT_USER))

    def _stamp(self) -> Stamp:
        return Stamp(self.venv / "installed.sha256", [], extra=REQUIREMENT)

    def is_installed(self) -> bool:
        return self.server.is_file() and self._stamp().is_current()

    def install(self) -> None:
        python = sys.executable
        say(f"{self.title}: creating its virtual environment in {self.venv}")
        run_tool(
            [python, "-m", "venv", "--clear", str(self.venv)],
            what="Creating SecantusDB's venv",
            cwd=self.config.cache_dir,
        )
        pip = [str(self.venv / "bin" / "python"), "-m", "pip", "install", "--progress-bar=off"]
        run_tool(
            [*pip, REQUIREMENT],
            what=f"Installing {REQUIREMENT} from PyPI",
            cwd=self.config.cache_dir,
            downloads=Downloads(self.title, f"{REQUIREMENT} and its dependencies", pip_transfer),
        )
        self._stamp().record()

    def prepare(self) -> None:
        super().prepare()
        (self.home / _EMPTY_CONFIG).touch()
        provisioned = self.home / "users.created"
        if self.config.store_auth and not provisioned.is_file():
            provision_users(
                lambda port: self._server_argv(auth=False, port=port),
                self.config.host,
                self.passwords(),
                self.console_log,
            )
            provisioned.touch()

    def command(self) -> list[str]:
        return self._server_argv(auth=self.config.store_auth)

    def _server_argv(self, *, auth: bool, port: int | None = None) -> list[str]:
        """The server's argv; without ``port``, the stack's port (``provision_users`` adds one)."""
        # The interpreter named explicitly: the command line we start is the one /proc shows,
        # which is how the stack recognises its process (a shebang would put it in front).
        return [
            str(self.venv / "bin" / "python"),
            str(self.server),
            f"--config={self.home / _EMPTY_CONFIG}",
            f"--host={self.config.host}",
            f"--port={port or self.config.port('MONGODB_PORT')}",
            f"--storage-path={self.home / 'data'}",
            # Every commit on disk before it is acknowledged: ``journal=true`` in the URI covers
            # single writes, but 0.7.0b3 ignores it on commitTransaction (a kill -9 lost
            # committed units of work whose events had already been published).
            "--sync-on-commit",
            "--log-level=WARNING",
            *(["--auth"] if auth else []),
        ]

    async def probe(self) -> None:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            self.mongodb_uri, serverSelectionTimeoutMS=2000, connectTimeoutMS=2000
        )
        try:
            await client.admin.command("ping")
        finally:
            await client.close()

    def environment(self) -> dict[str, str]:
        return {"MONGODB_URI": self.mongodb_uri}


def pip_transfer(line: str) -> Transfer | None:
    """The download a line of pip's output begins, if any (pip says nothing as it ends)."""
    found = _PIP_DOWNLOAD.match(line)
    if found is None:
        return None
    name, number, unit = found.groups()
    return Transfer(name, transfer_size(number, unit), finished=False)
