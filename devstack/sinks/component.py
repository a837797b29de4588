"""The notify sinks as a managed server of the local stack (``python -m devstack up``)."""

import logging
import sys

import aiosmtplib
import httpx

from devstack.component import Component
from devstack.config import REPO_ROOT, StackConfig

# httpx logs every request at INFO: the probe's would drown the stack's own messages.
logging.getLogger("httpx").setLevel(logging.WARNING)


class Sinks(Component):
    name = "sinks"
    title = "Sinks"
    port_settings = ("SMTP_SINK_PORT", "SINKS_HTTP_PORT")

    def __init__(self, config: StackConfig) -> None:
        super().__init__(config)
        # Runs from the repository, so ``python -m devstack.sinks`` finds its package there.
        self.home = REPO_ROOT
        self.data = config.data_dir / self.name

    @property
    def http_url(self) -> str:
        return f"http://{self.config.host}:{self.config.port('SINKS_HTTP_PORT')}"

    def is_installed(self) -> bool:
        return True  # pure Python, installed with the project

    def install(self) -> None:
        """Nothing to download or build."""

    def prepare(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "devstack.sinks",
            f"--host={self.config.host}",
            f"--smtp-port={self.config.port('SMTP_SINK_PORT')}",
            f"--http-port={self.config.port('SINKS_HTTP_PORT')}",
            f"--data-dir={self.data}",
        ]

    async def probe(self) -> None:
        smtp = aiosmtplib.SMTP(
            hostname=self.config.host, port=self.config.port("SMTP_SINK_PORT"), timeout=2
        )
        await smtp.connect()
        await smtp.quit()
        async with httpx.AsyncClient(timeout=2) as client:
            (await client.get(f"{self.http_url}/healthz")).raise_for_status()

    def environment(self) -> dict[str, str]:
        """Points notify and reporting at the sinks (their settings of the same names)."""
        return {
            "SMTP_HOST": self.config.host,
            "SMTP_PORT": str(self.config.port("SMTP_SINK_PORT")),
            "SMTP_SECURITY": "none",
            "SMS_GATEWAY_URL": f"{self.http_url}/sms",
            "ZNS_API_URL": f"{self.http_url}/zns",
            # Reporting's sync to the national public-service portal (devstack/sinks/portal.py).
            "PORTAL_SYNC_URL": f"{self.http_url}/portal/sync",
            "SINKS_URL": self.http_url,
        }
