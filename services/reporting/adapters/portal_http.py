"""Sends portal records to the national public-service portal's sync endpoint over HTTP.

The body is the record as JSON, the ``Idempotency-Key`` header the id of the latest event it
carries, the token a bearer token. Status codes a server may answer differently a moment later
(5xx, 408, 425, 429) are transient; any other 4xx refuses the record for good.
"""

from typing import Any

import httpx

from services.reporting.service_layer.portal_ports import PushFailed
from services.reporting.settings import ReportingSettings

TRANSIENT_4XX = {408, 425, 429}
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_ANSWER_CHARS = 300


class HttpPortalEndpoint:
    def __init__(
        self, settings: ReportingSettings, client: httpx.AsyncClient | None = None
    ) -> None:
        if settings.portal_sync_url is None:
            raise ValueError("PORTAL_SYNC_URL is not set")
        self._url = settings.portal_sync_url
        token = settings.portal_sync_token
        self._auth = {"Authorization": f"Bearer {token.get_secret_value()}"} if token else {}
        self._client = client or httpx.AsyncClient(timeout=settings.portal_sync_timeout_s)

    async def push(self, payload: dict[str, Any], idempotency_key: str) -> None:
        headers = {IDEMPOTENCY_HEADER: idempotency_key, **self._auth}
        try:
            response = await self._client.post(self._url, json=payload, headers=headers)
        except httpx.HTTPError as exc:
            raise PushFailed(f"portal unreachable: {type(exc).__name__}") from exc
        if response.is_success:
            return
        status = response.status_code
        raise PushFailed(
            f"portal answered {status}: {response.text[:MAX_ANSWER_CHARS]}",
            permanent=status < 500 and status not in TRANSIENT_4XX,
        )

    async def close(self) -> None:
        await self._client.aclose()
