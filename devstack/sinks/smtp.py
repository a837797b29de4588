"""A real SMTP server (aiosmtpd) that accepts every message and keeps it in an inbox."""

import asyncio
import email
import email.policy
from datetime import UTC, datetime

from aiosmtpd.smtp import SMTP, Envelope, Session

from devstack.sinks.inbox import Inbox


class _KeepEverything:
    def __init__(self, inbox: Inbox) -> None:
        self._inbox = inbox

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        headers = email.message_from_bytes(raw, policy=email.policy.default)
        self._inbox.add(
            {
                "received_at": datetime.now(UTC).isoformat(),
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "message_id": headers.get("Message-ID"),
                "subject": headers.get("Subject"),
                "raw": raw.decode("utf-8", errors="replace"),
            }
        )
        return "250 Message accepted for delivery"


class SmtpSink:
    """Start and stop at will (tests stop it to play a provider outage); the inbox stays."""

    def __init__(self, inbox: Inbox, host: str = "127.0.0.1", port: int = 0) -> None:
        self.inbox = inbox
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._sessions: list[SMTP] = []

    async def start(self) -> None:
        handler = _KeepEverything(self.inbox)

        def session() -> SMTP:
            protocol = SMTP(handler, hostname="smtp-sink.local", enable_SMTPUTF8=True)
            # Kept to drop them at stop. Those that connected and closed since are let go, or a
            # sink running for days would hold every session it served (a session not yet
            # connected has no transport either, hence the check of ``session``).
            self._sessions = [
                p for p in self._sessions if p.session is None or p.transport is not None
            ]
            self._sessions.append(protocol)
            return protocol

        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(session, self.host, self.port)
        # Port 0 asks the system for a free port; keep it so a restart listens on the same one.
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            # Python 3.11's Server.close leaves open connections be; an outage drops them too.
            for protocol in self._sessions:
                if protocol.transport is not None:
                    protocol.transport.close()
            self._sessions.clear()
            await self._server.wait_closed()
            self._server = None

    @property
    def running(self) -> bool:
        return self._server is not None
