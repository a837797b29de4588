"""The four services as managed processes of the local stack, for the README's run command.

Each runs under uvicorn from the repository, pointed at the running servers through the settings
the servers wrote to ``stack.env``; it answers once its ``/readyz`` does (Kafka and its database).
"""

import shlex
import sys
from typing import ClassVar

import httpx

from devstack.component import Component
from devstack.config import REPO_ROOT, StackConfig
from devstack.errors import StackError

# Service -> the port setting it listens on (defaults in devstack.config.PORT_DEFAULTS).
SERVICE_PORTS = {
    "intake": "INTAKE_PORT",
    "workflow": "WORKFLOW_PORT",
    "notify": "NOTIFY_PORT",
    "reporting": "REPORTING_PORT",
}


def uvicorn_command(service: str, host: str, port: int) -> list[str]:
    """A service's server: uvicorn serving its app from the repository."""
    app = f"services.{service}.entrypoints.app:app"
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        f"--host={host}",
        f"--port={port}",
        "--no-access-log",
    ]


def kept_command(service: str, host: str, port: int) -> list[str]:
    """The server under a keeper: a service that dies (kill -9, or a worker it could not recover)
    is started again without anyone running `up`."""
    return [sys.executable, "-m", "devstack.keeper", "--", *uvicorn_command(service, host, port)]


class ServiceApp(Component):
    """One service's uvicorn process."""

    service: ClassVar[str]

    def __init__(self, config: StackConfig) -> None:
        super().__init__(config)
        self.home = REPO_ROOT

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.config.port(self.port_settings[0])}"

    def is_installed(self) -> bool:
        return True  # the project itself, installed into the virtual environment

    def install(self) -> None:
        """Nothing to download or build."""

    def prepare(self) -> None:
        """Its data lives in its own database, not in a folder."""

    def command(self) -> list[str]:
        return kept_command(self.service, self.config.host, self.config.port(self.port_settings[0]))

    def process_environment(self) -> dict[str, str]:
        try:
            lines = self.config.env_file.read_text().splitlines()
        except FileNotFoundError:
            raise StackError("the servers are not running: `python -m devstack up` first") from None
        # Written shell-quoted (a URI holds "&"), so that `. .run/stack.env` works too.
        pairs = (line.split("=", 1) for line in lines if "=" in line)
        return {key: "".join(shlex.split(value)) for key, value in pairs}

    async def probe(self) -> None:
        async with httpx.AsyncClient(timeout=2) as client:
            (await client.get(f"{self.url}/readyz")).raise_for_status()

    def environment(self) -> dict[str, str]:
        return {f"{self.service.upper()}_URL": self.url}


SERVICES: tuple[type[Component], ...] = tuple(
    type(
        f"{name.title()}Service",
        (ServiceApp,),
        {"service": name, "name": name, "title": name.title(), "port_settings": (port,)},
    )
    for name, port in SERVICE_PORTS.items()
)
