"""Fixed windows and who the client is (shared/http/rate_limit.py); the counters on the real store,
shared by two replicas, are in tests/integration/test_citizen_page.py."""

from ipaddress import ip_network
from typing import Any

import pytest
from starlette.requests import Request

from shared.http.rate_limit import Limit, RateLimiter, RateLimitSettings, client_address

PROXIES = (ip_network("10.0.0.0/8"), ip_network("fd00::/8"))


def request(peer: str, *forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "client": (peer, 5000), "headers": headers})


def test_without_trusted_proxies_the_peer_is_the_client_whatever_it_forwards() -> None:
    assert client_address(request("203.0.113.9", "198.51.100.1"), ()) == "203.0.113.9"


def test_a_peer_that_is_not_a_trusted_proxy_cannot_claim_another_address() -> None:
    assert client_address(request("203.0.113.9", "198.51.100.1"), PROXIES) == "203.0.113.9"


def test_behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() -> None:
    # The client wrote the first address itself; the proxies appended the others.
    forged = request("10.0.0.2", "192.0.2.66, 198.51.100.7", "10.0.0.1")
    assert client_address(forged, PROXIES) == "198.51.100.7"


def test_ipv6_proxies_and_a_chain_of_only_proxies() -> None:
    assert client_address(request("fd00::1", "2001:db8::5"), PROXIES) == "2001:db8::5"
    assert client_address(request("10.0.0.2", "10.0.0.9"), PROXIES) == "10.0.0.9"
    assert client_address(request("10.0.0.2"), PROXIES) == "10.0.0.2"


def test_trusted_proxies_come_from_the_environment_as_a_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.5")
    monkeypatch.setenv("RATE_LIMIT_PER_CASE", "7")
    settings = RateLimitSettings()
    assert settings.trusted_proxies == (ip_network("10.0.0.0/8"), ip_network("192.168.1.5/32"))
    assert settings.rate_limit_per_case == 7
    assert settings.rate_limit_per_client == 10


class MemoryCounters:
    """The two collection calls the limiter makes, with MongoDB's semantics, in memory."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    async def find_one_and_update(
        self, query: dict[str, Any], update: dict[str, Any], **_: Any
    ) -> dict[str, Any] | None:
        doc = self.docs.get(query["_id"])
        if doc is None:
            return None
        doc["n"] += update["$inc"]["n"]
        return dict(doc)

    async def update_one(self, query: dict[str, Any], update: dict[str, Any], upsert: bool) -> None:
        assert upsert
        self.docs.setdefault(query["_id"], {"_id": query["_id"], **update["$setOnInsert"]})


class Now:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


async def test_a_window_admits_its_count_then_says_when_it_ends() -> None:
    counters, now = MemoryCounters(), Now(1_800_000_010.5)  # 10.5 s into a minute
    limiter = RateLimiter(counters, now)  # type: ignore[arg-type]
    limit = Limit("lookup", 3, 60)
    assert [await limiter.hit(limit, "a") for _ in range(3)] == [None, None, None]
    assert await limiter.hit(limit, "a") == 50  # rounded up: 49.5 s remain
    now.at += 49
    assert await limiter.hit(limit, "a") == 1
    assert await limiter.hit(limit, "b") is None  # another key has its own count
    assert await limiter.hit(Limit("rating", 3, 60), "a") is None  # and so has another limit
    now.at += 1  # the next window
    assert await limiter.hit(limit, "a") is None


async def test_counters_hold_no_key_in_clear_and_expire_after_their_window() -> None:
    counters = MemoryCounters()
    await RateLimiter(counters, Now(1_800_000_030)).hit(Limit("lookup", 3, 60), "203.0.113.9")  # type: ignore[arg-type]
    [(doc_id, doc)] = counters.docs.items()
    assert "203.0.113.9" not in doc_id
    assert doc_id.startswith("lookup:") and doc_id.endswith(f":{1_800_000_030 // 60}")
    # The window ends at 1_800_000_060; a minute's grace for a replica whose clock lags.
    assert doc["expires_at"].timestamp() == 1_800_000_120
