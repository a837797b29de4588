"""The SMTP adapter against a real SMTP server on loopback that refuses recipients: whether a
refusal is worth another attempt follows the server's reply code."""

import asyncio
from collections.abc import AsyncIterator
from email.message import EmailMessage

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from services.notify.adapters.smtp import SmtpSender
from services.notify.service_layer.ports import ProviderError
from services.notify.settings import NotifySettings

pytestmark = pytest.mark.unit

REPLIES = {
    "gone@example.vn": "550 5.1.1 No such mailbox",
    "full@example.vn": "452 4.2.2 Mailbox full, try later",
}


class _Refusing:
    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in REPLIES:
            return REPLIES[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return "250 Message accepted for delivery"


@pytest.fixture
async def smtp_port() -> AsyncIterator[int]:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(_Refusing(), hostname="refusing.local"), "127.0.0.1", 0
    )
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


def message(to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "motcua@onestop.local"
    msg["To"] = to
    msg["Subject"] = "Hồ sơ đã được tiếp nhận"
    msg.set_content("Kính gửi ông/bà", charset="utf-8")
    return msg


@pytest.mark.parametrize(
    ("to", "permanent"), [("gone@example.vn", True), ("full@example.vn", False)]
)
async def test_a_refused_recipient_is_permanent_only_on_a_5xx_reply(
    smtp_port: int, to: str, permanent: bool
) -> None:
    sender = SmtpSender(NotifySettings(smtp_port=smtp_port, smtp_timeout_s=5))
    try:
        with pytest.raises(ProviderError) as raised:
            await sender.send(message(to))
        assert raised.value.permanent is permanent
        assert REPLIES[to].split()[0] in raised.value.reason
        # The connection is usable again for the next message.
        await sender.send(message("ok@example.vn"))
    finally:
        await sender.close()
