"""One JSON request to an HTTP provider (SMS gateway, ZNS), its failures as ``ProviderError``."""

from typing import Any

import httpx

from services.notify.service_layer.ports import ProviderError

# Statuses a provider may answer differently a moment later; other 4xx are refusals of the request.
_TRANSIENT_4XX = {408, 425, 429}


async def post_json(
    client: httpx.AsyncClient, name: str, url: str, body: Any, headers: dict[str, str]
) -> httpx.Response:
    """The provider's 2xx answer; unreachable, 5xx and the transient 4xx may be retried."""
    try:
        response = await client.post(url, json=body, headers=headers)
    except httpx.HTTPError as exc:
        raise ProviderError(f"{name} unreachable: {type(exc).__name__}: {exc}") from exc
    if response.is_success:
        return response
    permanent = response.status_code < 500 and response.status_code not in _TRANSIENT_4XX
    raise ProviderError(
        f"{name} answered {response.status_code}: {response.text[:300]}", permanent=permanent
    )
