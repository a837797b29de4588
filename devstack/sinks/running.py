"""Both sinks running in the current event loop, and a client for what they received."""

import asyncio
import email
import email.policy
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from devstack.sinks.api import sinks_app
from devstack.sinks.inbox import Inbox
from devstack.sinks.smtp import SmtpSink

START_TIMEOUT_S = 10.0
START_POLL_S = 0.01


class RunningSinks:
    def __init__(self, smtp: SmtpSink, url: str, server: asyncio.Task[None]) -> None:
        self.smtp = smtp
        self.url = url
        # Ends when the HTTP server stops (on SIGINT / SIGTERM when run as a program).
        self.server = server
        # No kept-alive connections: the server closes idle ones after a few seconds, and a
        # request sent on one it is closing fails with a read error.
        self.http = httpx.AsyncClient(
            base_url=url, limits=httpx.Limits(max_keepalive_connections=0)
        )

    async def mail(self) -> list[EmailMessage]:
        """Every message the SMTP sink received, parsed."""
        listed = (await self.http.get("/mail")).raise_for_status().json()
        return [email.message_from_string(i["raw"], policy=email.policy.default) for i in listed]

    async def sms(self) -> list[dict[str, Any]]:
        """The body of every request the SMS gateway sink accepted."""
        listed = (await self.http.get("/sms")).raise_for_status().json()
        return [item["body"] for item in listed]

    async def fail_sms(self, count: int, status: int = 503) -> None:
        """Make the gateway refuse the next ``count`` requests with ``status``."""
        params = {"count": count, "status": status}
        (await self.http.post("/faults", params=params)).raise_for_status()


@asynccontextmanager
async def running_sinks(
    data_dir: Path,
    *,
    host: str = "127.0.0.1",
    smtp_port: int = 0,
    http_port: int = 0,
    token: str | None = None,
) -> AsyncIterator[RunningSinks]:
    """Start both sinks (port 0: any free port), yield them, stop them."""
    mail, sms = Inbox(data_dir / "mail.jsonl"), Inbox(data_dir / "sms.jsonl")
    # Bound here, so a taken port fails now and port 0 gives a free one.
    listener = socket.create_server((host, http_port))
    smtp = SmtpSink(mail, host, smtp_port)
    try:
        await smtp.start()
    except OSError:
        listener.close()
        raise
    app = sinks_app(mail, sms, token)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    sinks = RunningSinks(smtp, f"http://{host}:{listener.getsockname()[1]}", serving)
    try:
        for _ in range(int(START_TIMEOUT_S / START_POLL_S)):
            if server.started or serving.done():
                break
            await asyncio.sleep(START_POLL_S)
        if not server.started:
            raise RuntimeError("the sinks' HTTP server did not start")
        yield sinks
    finally:
        await sinks.http.aclose()
        server.should_exit = True
        await serving
        await smtp.stop()
        listener.close()
