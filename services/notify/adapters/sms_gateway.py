"""SMS through an HTTP gateway: URL, token and JSON body shape come from the settings."""

from typing import Any

import httpx

from services.notify.adapters.http_provider import post_json
from services.notify.domain.messages import SmsContent
from services.notify.domain.sms import SmsEncoding
from services.notify.settings import NotifySettings


class HttpSmsGateway:
    def __init__(self, settings: NotifySettings, client: httpx.AsyncClient | None = None) -> None:
        self._settings = settings
        self._client = client or httpx.AsyncClient(timeout=settings.sms_gateway_timeout_s)

    async def send(self, to: str, content: SmsContent, reference: str) -> None:
        body = fill(self._settings.sms_gateway_body, self._values(to, content, reference))
        url, headers = self._settings.sms_gateway_url, self._headers(reference)
        await post_json(self._client, "SMS gateway", url, body, headers)

    def _values(self, to: str, content: SmsContent, reference: str) -> dict[str, Any]:
        unicode = content.encoding is SmsEncoding.UCS2
        return {
            "{to}": to,
            "{text}": content.text,
            "{sender}": content.sender or self._settings.sms_sender,
            "{unicode}": unicode,
            "{unicode_flag}": int(unicode),
            "{encoding}": str(content.encoding),
            "{segments}": content.segments,
            "{reference}": reference,
        }

    def _headers(self, reference: str) -> dict[str, str]:
        idempotency = self._settings.sms_gateway_idempotency_header
        return {**({idempotency: reference} if idempotency else {}), **self._auth()}

    def _auth(self) -> dict[str, str]:
        token = self._settings.sms_gateway_token
        if token is None:
            return {}
        scheme = self._settings.sms_gateway_auth_scheme
        value = token.get_secret_value()
        return {self._settings.sms_gateway_auth_header: f"{scheme} {value}" if scheme else value}

    async def close(self) -> None:
        await self._client.aclose()


def fill(shape: Any, values: dict[str, Any]) -> Any:
    """The body shape with every placeholder string replaced by its (typed) value."""
    if isinstance(shape, dict):
        return {key: fill(value, values) for key, value in shape.items()}
    if isinstance(shape, list):
        return [fill(value, values) for value in shape]
    if isinstance(shape, str) and shape in values:
        return values[shape]
    return shape
