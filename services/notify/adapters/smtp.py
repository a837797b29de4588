"""E-mail over SMTP with aiosmtplib, on one connection kept open between messages."""

import asyncio
from collections.abc import Sequence
from email.message import EmailMessage

import aiosmtplib

from services.notify.service_layer.ports import ProviderError
from services.notify.settings import NotifySettings


class SmtpSender:
    """Connects on first use and again after the server dropped the connection.

    Messages go one at a time over the connection (SMTP has no pipelining of whole messages).
    """

    def __init__(self, settings: NotifySettings) -> None:
        self._settings = settings
        self._client: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

    async def send(self, message: EmailMessage) -> None:
        async with self._lock:
            try:
                client = await self._connected()
                await client.send_message(message)
            except aiosmtplib.SMTPResponseException as exc:
                await self._drop()
                raise _refusal([exc]) from exc
            except aiosmtplib.SMTPRecipientsRefused as exc:
                # Not a response exception itself: it carries one per refused recipient.
                await self._drop()
                raise _refusal(exc.recipients) from exc
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                await self._drop()
                raise ProviderError(f"SMTP unavailable: {type(exc).__name__}: {exc}") from exc

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        settings = self._settings
        client = aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            use_tls=settings.smtp_security == "tls",
            start_tls=settings.smtp_security == "starttls",
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            timeout=settings.smtp_timeout_s,
        )
        await client.connect()
        self._client = client
        return client

    async def _drop(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            client.close()

    async def close(self) -> None:
        async with self._lock:
            if self._client is not None and self._client.is_connected:
                try:
                    await self._client.quit()
                except (aiosmtplib.SMTPException, OSError, TimeoutError):
                    self._client.close()
            self._client = None


def _refusal(answers: Sequence[aiosmtplib.SMTPResponseException]) -> ProviderError:
    """A 5xx answer (e.g. 550 no such mailbox) will not change on another attempt; 4xx may."""
    reason = "; ".join(f"SMTP {a.code}: {a.message}" for a in answers) or "SMTP refused"
    return ProviderError(reason, permanent=all(500 <= a.code < 600 for a in answers))
