"""Start SecantusDB as the compose file's MongoDB: users first (once per data volume), then --auth.

SecantusDB has no localhost exception: with --auth every command needs a user, so on the first start
the users are created while it runs open on a private loopback port, and it is then started again
with --auth on the real one (devstack/store/users.py does the same for the local stack).
Arguments: --host H --port P (default 127.0.0.1:27017). Data in /data/db (the mongo-data volume).
"""

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import OperationFailure

DATA = Path("/data/db")
SECRETS = Path("/run/secrets")
SERVICES = ("intake", "workflow", "notify", "reporting")
SERVER = ["/opt/secantus/bin/python", "/opt/secantus/bin/secantusd-py"]


def argv(host: str, port: int, *, auth: bool) -> list[str]:
    config = DATA / "secantusd.toml"
    config.touch()
    return [
        *SERVER,
        f"--config={config}",
        f"--host={host}",
        f"--port={port}",
        f"--storage-path={DATA / 'data'}",
        "--sync-on-commit",
        "--log-level=WARNING",
        *(["--auth"] if auth else []),
    ]


def secret(path: Path) -> str:
    value = path.read_text().strip()
    if not value:
        raise SystemExit(f"{path} is empty")
    return value


def create_users() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(argv("127.0.0.1", port, auth=False))
    try:
        client: MongoClient = MongoClient(
            "127.0.0.1", port, directConnection=True, serverSelectionTimeoutMS=60_000
        )
        with client:
            root = os.environ.get("MONGO_INITDB_ROOT_USERNAME", "root")
            password_file = os.environ.get("MONGO_INITDB_ROOT_PASSWORD_FILE")
            if not password_file:
                raise SystemExit("MONGO_INITDB_ROOT_PASSWORD_FILE is not set")
            users = [(root, secret(Path(password_file)), [{"role": "root", "db": "admin"}])]
            for service in SERVICES:
                password = secret(SECRETS / f"{service}_mongodb_password")
                users.append((service, password, [{"role": "readWrite", "db": service}]))
            for user, password, roles in users:
                try:
                    client.admin.command("createUser", user, pwd=password, roles=roles)
                except OperationFailure as exc:  # a first start that stopped half-way
                    if exc.code != 51003 and "already exists" not in str(exc):
                        raise
                    client.admin.command("updateUser", user, pwd=password, roles=roles)
                print(f"store: user {user} {roles}", flush=True)
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=27017)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    marker = DATA / "users.created"
    if not marker.is_file():
        started = time.monotonic()
        create_users()
        marker.touch()
        print(f"store: users created in {time.monotonic() - started:.1f} s", flush=True)
    os.execv(SERVER[0], argv(args.host, args.port, auth=True))


if __name__ == "__main__":
    main()
    sys.exit(1)
