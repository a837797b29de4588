"""FerretDB: our Go module (main.go) built into the cache, serving a SQLite folder on loopback."""

from pathlib import Path

from pymongo import AsyncMongoClient

from devstack.component import Component
from devstack.install import Stamp, require_tool, run_tool

MODULE = Path(__file__).resolve().parent
# The PostgreSQL handler is never used here; leaving it out shortens the build.
BUILD_TAGS = "ferretdb_no_postgresql"


class FerretDB(Component):
    name = "ferretdb"
    title = "FerretDB"
    port_settings = ("FERRETDB_PORT",)

    @property
    def binary(self) -> Path:
        return self.config.cache_dir / "ferretdb" / "ferretdb"

    @property
    def mongodb_uri(self) -> str:
        return f"mongodb://{self.config.host}:{self.config.port('FERRETDB_PORT')}/"

    def _stamp(self) -> Stamp:
        inputs = [MODULE / "go.mod", MODULE / "go.sum", MODULE / "main.go"]
        return Stamp(self.binary.with_name("ferretdb.sha256"), inputs)

    def is_installed(self) -> bool:
        return self.binary.is_file() and self._stamp().is_current()

    def install(self) -> None:
        go = require_tool("go")
        go_home = self.config.cache_dir / "go"
        partial = self.binary.with_name("ferretdb.partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        build = [go, "build", "-trimpath", "-buildvcs=false", "-tags", BUILD_TAGS]
        # Writable module files, so that deleting the cache folder just works.
        build += ["-modcacherw", "-ldflags=-s -w", "-o", str(partial)]
        run_tool(
            build,
            what="Building FerretDB with Go",
            cwd=MODULE,
            env={
                "GOMODCACHE": str(go_home / "mod"),
                "GOCACHE": str(go_home / "build"),
                "GOPATH": str(go_home / "path"),
            },
        )
        partial.replace(self.binary)
        self._stamp().record()

    def command(self) -> list[str]:
        return [
            str(self.binary),
            f"-listen-addr={self.config.host}:{self.config.port('FERRETDB_PORT')}",
            # FerretDB wants an existing folder as a URI with a trailing slash. In WAL mode,
            # synchronous=normal skips the fsync per commit: a crash of any process loses nothing,
            # only a power cut may drop the last commits; it triples write throughput here.
            f"-sqlite-url={self.home.as_uri()}/?_pragma=synchronous(normal)",
            "-log-level=INFO",
        ]

    async def probe(self) -> None:
        client: AsyncMongoClient = AsyncMongoClient(
            self.mongodb_uri, serverSelectionTimeoutMS=2000, connectTimeoutMS=2000
        )
        try:
            await client.admin.command("ping")
        finally:
            await client.close()

    def environment(self) -> dict[str, str]:
        return {"MONGODB_URI": self.mongodb_uri}
