"""Zalo messages through ZNS (Zalo Notification Service): a registered template and its values.

ZNS answers HTTP 200 for a refusal too, with a code in the body:
``{"error": 0, "message": "Success", "data": {"msg_id": ...}}``; a negative ``error`` says why
(-118: no Zalo account for the number, -119: it cannot receive ZNS, -124: bad access token, ...).
``tracking_id`` carries the delivery's reference, so a repeat of one send is recognised.
"""

from typing import Any

import httpx

from services.notify.adapters.http_provider import post_json
from services.notify.domain.messages import ZnsContent
from services.notify.service_layer.ports import ProviderError
from services.notify.settings import NotifySettings

# ZNS's "unknown exception": its own trouble, worth another attempt. Every other code refuses
# this request (the number, the template, the token), so the SMS goes instead at once.
TRANSIENT_ERRORS = {-100}


class HttpZnsSender:
    def __init__(self, settings: NotifySettings, client: httpx.AsyncClient | None = None) -> None:
        self._settings = settings
        self._client = client or httpx.AsyncClient(timeout=settings.zns_timeout_s)

    async def send(self, to: str, content: ZnsContent, reference: str) -> None:
        body = {
            "phone": to.removeprefix("+"),  # ZNS wants 84912345678
            "template_id": content.template_id,
            "template_data": content.params,
            "tracking_id": reference,
        }
        url = self._settings.zns_api_url
        response = await post_json(self._client, "ZNS", url, body, self._headers())
        check_answer(_json(response))

    def _headers(self) -> dict[str, str]:
        token = self._settings.zns_access_token
        return {} if token is None else {"access_token": token.get_secret_value()}

    async def close(self) -> None:
        await self._client.aclose()


def check_answer(answer: Any) -> None:
    """Nothing for ``error`` 0; otherwise the refusal as a ``ProviderError``."""
    code = answer.get("error") if isinstance(answer, dict) else None
    if code == 0:
        return
    if not isinstance(code, int):
        raise ProviderError(f"ZNS answered without an error code: {str(answer)[:300]}")
    message = str(answer.get("message", ""))[:300]
    raise ProviderError(f"ZNS error {code}: {message}", permanent=code not in TRANSIENT_ERRORS)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
