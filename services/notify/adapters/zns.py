"""Zalo messages through ZNS (Zalo Notification Service): a registered template and its values.

ZNS answers HTTP 200 for a refusal too, with a code in the body:
``{"error": 0, "message": "Success", "data": {"msg_id": ...}}``; a negative ``error`` says why
(-118: no Zalo account for the number, -119: it cannot receive ZNS, -124: bad access token, ...).
``tracking_id`` carries the delivery's reference, so a repeat of one send is recognised.
"""

from typing import Any

import httpx

from services.notify.adapters.http_provider import post_json
from services.notify.adapters.zalo_oauth import AccessTokens, FixedToken
from services.notify.domain.messages import ZnsContent
from services.notify.service_layer.ports import ProviderError
from services.notify.settings import NotifySettings

# ZNS's "unknown exception": its own trouble, worth another attempt. Every other code refuses
# this request (the number, the template, the token), so the SMS goes instead at once; but a
# token the service refreshes itself is renewed, and the message tried again with the new one.
TRANSIENT_ERRORS = {-100}
BAD_TOKEN = -124


class HttpZnsSender:
    def __init__(
        self,
        settings: NotifySettings,
        tokens: AccessTokens | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._settings = settings
        self._tokens = tokens or FixedToken(settings)
        self._client = client or httpx.AsyncClient(timeout=settings.zns_timeout_s)

    async def send(self, to: str, content: ZnsContent, reference: str) -> None:
        body = {
            "phone": to.removeprefix("+"),  # ZNS wants 84912345678
            "template_id": content.template_id,
            "template_data": content.params,
            "tracking_id": reference,
        }
        url = self._settings.zns_api_url
        token = await self._tokens.current()
        headers = {} if token is None else {"access_token": token}
        response = await post_json(self._client, "ZNS", url, body, headers)
        try:
            check_answer(_json(response))
        except ZnsError as exc:
            if token is not None and exc.code == BAD_TOKEN and await self._tokens.rejected(token):
                raise ProviderError(exc.reason) from exc  # again, with a fresh token
            raise

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
    raise ZnsError(code, f"ZNS error {code}: {message}")


class ZnsError(ProviderError):
    """A ZNS refusal with its code."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason, permanent=code not in TRANSIENT_ERRORS)
        self.code = code


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
