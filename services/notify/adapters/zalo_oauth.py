"""The Zalo Official Account's access token for ZNS: set by hand, or refreshed by the service.

Zalo issues an OA access token for 25 hours with a refresh token good for three months and for
one use only: each refresh answers a new pair. So the pair lives in the store (``zalo_oa_tokens``,
one document per app), where every replica reads it, and one replica at a time refreshes it under
a lease; the others wait for the new pair instead of spending the same refresh token again.
"""

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notify.service_layer.ports import ProviderError
from services.notify.settings import NotifySettings
from shared.clock import Clock

TOKENS = "zalo_oa_tokens"
# Refreshed this long before Zalo's expiry, so that no send carries a token about to lapse.
EARLY = timedelta(hours=1)
# How long one replica may take to refresh before another may try.
LEASE = timedelta(seconds=30)
WAIT_S = 0.2
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


class AccessTokens(Protocol):
    async def current(self) -> str | None:
        """The token to send with, or None when none is configured."""
        ...

    async def rejected(self, token: str) -> bool:
        """ZNS refused ``token``: True if a fresh one will be tried (the send may go again)."""
        ...


class FixedToken:
    """The token of ``ZNS_ACCESS_TOKEN``, renewed by whoever sets it."""

    def __init__(self, settings: NotifySettings) -> None:
        self._token = settings.zns_access_token

    async def current(self) -> str | None:
        return None if self._token is None else self._token.get_secret_value()

    async def rejected(self, token: str) -> bool:
        return False


class ZaloOaTokens:
    """Tokens refreshed at ``ZNS_OAUTH_URL`` with the app's id and secret, kept in the store."""

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        settings: NotifySettings,
        clock: Clock,
        client: httpx.AsyncClient,
    ) -> None:
        assert settings.zns_app_id and settings.zns_app_secret and settings.zns_refresh_token
        self._tokens = db[TOKENS]
        self._app_id = settings.zns_app_id
        self._secret = settings.zns_app_secret.get_secret_value()
        self._first_refresh = settings.zns_refresh_token.get_secret_value()
        self._url = settings.zns_oauth_url
        self._timeout_s = settings.zns_timeout_s
        self._clock = clock
        self._client = client
        # The token last read or refreshed here, until it is due for a refresh: a send does not
        # read the store each time.
        self._known: tuple[str, datetime] | None = None

    async def current(self) -> str | None:
        if self._known is not None and self._known[1] - EARLY > self._clock.now():
            return self._known[0]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2 * LEASE.total_seconds()
        while loop.time() < deadline:
            doc = await self._stored()
            now = self._clock.now()
            if doc.get("access_token") and _aware(doc["expires_at"]) - EARLY > now:
                self._known = (str(doc["access_token"]), _aware(doc["expires_at"]))
                return self._known[0]
            # Only while the pair is still stale: a replica that read it before another's
            # refresh finished must take the new token, not refresh again.
            stale = {"$or": [{"access_token": None}, {"expires_at": {"$lte": now + EARLY}}]}
            claimed = await self._tokens.find_one_and_update(
                {"_id": self._app_id, "lease_until": {"$lte": now}, **stale},
                {"$set": {"lease_until": now + LEASE}},
                return_document=ReturnDocument.AFTER,
            )
            if claimed is not None:
                return await self._refresh(claimed["refresh_token"])
            await asyncio.sleep(WAIT_S)  # another replica is refreshing
        raise ProviderError("ZNS access token: a refresh under way did not finish")

    async def rejected(self, token: str) -> bool:
        """Zalo may revoke a token before its time: the next send refreshes the pair."""
        self._known = None
        await self._tokens.update_one(
            {"_id": self._app_id, "access_token": token}, {"$set": {"expires_at": NEVER}}
        )
        return True

    async def _stored(self) -> dict[str, Any]:
        doc = await self._tokens.find_one({"_id": self._app_id})
        if doc is not None:
            return doc
        first = {
            "_id": self._app_id,
            "refresh_token": self._first_refresh,
            "access_token": None,
            "expires_at": NEVER,
            "lease_until": NEVER,
        }
        with contextlib.suppress(DuplicateKeyError):  # another replica stored it first
            await self._tokens.insert_one(first)
        doc = await self._tokens.find_one({"_id": self._app_id})
        assert doc is not None
        return doc

    async def _refresh(self, refresh_token: str) -> str:
        try:
            answer = await self._ask(refresh_token)
        except BaseException:
            await self._tokens.update_one({"_id": self._app_id}, {"$set": {"lease_until": NEVER}})
            raise
        expires_at = self._clock.now() + timedelta(seconds=int(answer["expires_in"]))
        await self._tokens.update_one(
            {"_id": self._app_id},
            {
                "$set": {
                    "access_token": answer["access_token"],
                    "refresh_token": answer["refresh_token"],
                    "expires_at": expires_at,
                    "refreshed_at": self._clock.now(),
                    "lease_until": NEVER,
                }
            },
        )
        self._known = (str(answer["access_token"]), expires_at)
        return self._known[0]

    async def _ask(self, refresh_token: str) -> dict[str, Any]:
        form = {"refresh_token": refresh_token, "app_id": self._app_id}
        try:
            response = await self._client.post(
                self._url,
                data={**form, "grant_type": "refresh_token"},
                headers={"secret_key": self._secret},
                timeout=self._timeout_s,
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"Zalo OAuth unreachable: {type(exc).__name__}") from exc
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not (response.is_success and isinstance(answer, dict) and answer.get("access_token")):
            # The refresh token may be spent or revoked: someone must authorise the app again.
            detail = answer.get("error_description") if isinstance(answer, dict) else None
            raise ProviderError(
                f"Zalo OAuth refused the refresh ({response.status_code}): {detail or 'no token'}",
                permanent=True,
            )
        return answer


def _aware(at: datetime) -> datetime:
    """The store gives times back without their zone; they are UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
