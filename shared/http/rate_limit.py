"""Fixed-window rate limits whose counters live in the service's database.

Every replica of a service counts in the same documents, so the limit holds for the service as a
whole, not per process. A counter is one document per limit, key and window, raised with ``$inc``;
a TTL index deletes it once its window is over.
The counter is ``shared.mongo.increment``'s: created apart, then raised atomically.
"""

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Annotated, Any

from pydantic import Field, IPvAnyNetwork, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from starlette.requests import Request

from shared.mongo import Document, IndexSpec, increment

RATE_LIMITS = "rate_limits"
INDEXES = [
    IndexSpec(RATE_LIMITS, (("expires_at", ASCENDING),), name="rate_limits_ttl", expire_after_s=0)
]
# Kept a little past its window: a replica whose clock lags still finds its window's document.
_GRACE_S = 60

Network = IPv4Network | IPv6Network


class RateLimitSettings(BaseSettings):
    """Limits on what anyone may ask without an account (citizen lookup and rating).

    Mixed into a service's settings; values come from the environment like the rest, e.g.
    ``RATE_LIMIT_PER_CLIENT=10`` and ``TRUSTED_PROXIES=10.0.0.0/8,192.168.1.5``.
    """

    model_config = SettingsConfigDict(extra="ignore")

    rate_limit_per_client: int = Field(default=10, ge=1)
    rate_limit_client_window_s: int = Field(default=60, ge=1)
    rate_limit_per_case: int = Field(default=5, ge=1)
    rate_limit_case_window_s: int = Field(default=600, ge=1)
    # Peers whose X-Forwarded-For is believed (the department's reverse proxies); empty: none.
    trusted_proxies: Annotated[tuple[IPvAnyNetwork, ...], NoDecode] = ()

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value


@dataclass(frozen=True)
class Limit:
    """At most ``count`` hits per key in each window of ``window_s`` seconds."""

    name: str
    count: int
    window_s: int


class RateLimiter:
    def __init__(
        self, collection: AsyncCollection[Document], now: Callable[[], float] = time.time
    ) -> None:
        self._collection = collection
        self._now = now

    async def hit(self, limit: Limit, key: str) -> int | None:
        """Count one hit; ``None`` if it is within the limit, else the seconds until the window
        ends (the ``Retry-After``). Refused hits count too: hammering does not shorten a wait."""
        now = self._now()
        window = int(now // limit.window_s)
        ends = (window + 1) * limit.window_s
        # Hashed: the ids stay short whatever the key, and hold no address or code in clear
        # (not an anonymisation: the documents only live as long as their window).
        digest = hashlib.sha256(f"{limit.name}\0{key}".encode()).hexdigest()[:32]
        count = await self._increment(f"{limit.name}:{digest}:{window}", ends)
        if count <= limit.count:
            return None
        return max(1, math.ceil(ends - now))

    async def _increment(self, doc_id: str, ends: int) -> int:
        expires_at = datetime.fromtimestamp(ends + _GRACE_S, UTC)
        return await increment(self._collection, doc_id, "n", {"expires_at": expires_at})


def client_address(request: Request, trusted_proxies: Sequence[Network]) -> str:
    """Who is asking: the peer, or, when the peer is a trusted proxy, the nearest address in
    X-Forwarded-For that is not one (addresses further left are whatever the client wrote)."""
    peer = request.client.host if request.client else ""
    if not _trusted(peer, trusted_proxies):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if not _trusted(hop, trusted_proxies):
            return hop[:64]
    return hops[0][:64] if hops else peer


def _trusted(address: str, trusted_proxies: Sequence[Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted_proxies)
