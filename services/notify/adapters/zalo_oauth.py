"""The Zalo Official Account's access token for ZNS: set by hand, or refreshed by the service.

Zalo issues an OA access token for 25 hours with a refresh token good for three months and for
one use only: each refresh answers a new pair. So the pair lives in the store (``zalo_oa_tokens``,
one document per app), where every replica reads it, and one replica at a time refreshes it under
a lease; the others wait for the new pair instead of spending the same refresh token again.

The tokens are stored encrypted (Fernet) under a key derived from the app's secret, so a copy of
the database does not give the Official Account away. A new pair is the only copy of a single-use
refresh token: its write is retried until it lands, and meanwhile the pair is kept in memory and
the lease renewed, so no other replica spends the old one.
"""

import asyncio
import base64
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

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
# Between tries to store a new pair: up to the lease, which each try renews.
SAVE_BACKOFF_S = (0.5, 1.0, 2.0, 5.0, 10.0)
KEY_INFO = b"onestop notify: zalo oa tokens at rest"

log = logging.getLogger(__name__)


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
        self._cipher = token_cipher(self._secret)
        self._first_refresh = settings.zns_refresh_token.get_secret_value()
        self._url = settings.zns_oauth_url
        self._timeout_s = settings.zns_timeout_s
        self._clock = clock
        self._client = client
        # The token last read or refreshed here, until it is due for a refresh: a send does not
        # read the store each time.
        self._known: tuple[str, datetime] | None = None
        # A refreshed pair not stored yet (the store failed): stored before anything else.
        self._unsaved: dict[str, Any] | None = None

    async def current(self) -> str | None:
        if self._unsaved is not None:
            await self._save(self._unsaved)
        if self._known is not None and self._known[1] - EARLY > self._clock.now():
            return self._known[0]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2 * LEASE.total_seconds()
        while loop.time() < deadline:
            doc = await self._stored()
            now = self._clock.now()
            if doc.get("access_token") and _aware(doc["expires_at"]) - EARLY > now:
                self._known = (self._open(doc["access_token"]), _aware(doc["expires_at"]))
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
                return await self._refresh(self._open(claimed["refresh_token"]))
            await asyncio.sleep(WAIT_S)  # another replica is refreshing
        raise ProviderError("ZNS access token: a refresh under way did not finish")

    async def rejected(self, token: str) -> bool:
        """Zalo may revoke a token before its time: the next send refreshes the pair."""
        self._known = None
        doc = await self._stored()
        # Only if still the refused token: another replica may have refreshed it meanwhile.
        if doc.get("access_token") and self._open(doc["access_token"]) == token:
            await self._tokens.update_one(
                {"_id": self._app_id, "access_token": doc["access_token"]},
                {"$set": {"expires_at": NEVER}},
            )
        return True

    async def _stored(self) -> dict[str, Any]:
        doc = await self._tokens.find_one({"_id": self._app_id})
        if doc is not None:
            return doc
        first = {
            "_id": self._app_id,
            "refresh_token": self._seal(self._first_refresh),
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
        self._known = (str(answer["access_token"]), expires_at)
        self._unsaved = {
            "access_token": self._seal(str(answer["access_token"])),
            "refresh_token": self._seal(str(answer["refresh_token"])),
            "expires_at": expires_at,
            "refreshed_at": self._clock.now(),
            "lease_until": NEVER,
        }
        await self._save(self._unsaved)
        return self._known[0]

    async def _save(self, pair: dict[str, Any]) -> None:
        """Store the new pair, retrying; while the store refuses, renew the lease where possible
        and keep the pair for the next call (the token in memory still serves sends)."""
        for delay in (*SAVE_BACKOFF_S, None):
            try:
                await self._tokens.update_one({"_id": self._app_id}, {"$set": pair})
            except PyMongoError as exc:
                log.warning("storing the new Zalo OA token pair failed: %s", type(exc).__name__)
                if delay is None:
                    return
                with contextlib.suppress(PyMongoError):
                    until = self._clock.now() + LEASE
                    await self._tokens.update_one(
                        {"_id": self._app_id}, {"$set": {"lease_until": until}}
                    )
                await asyncio.sleep(delay)
            else:
                self._unsaved = None
                return

    def _seal(self, token: str) -> str:
        return self._cipher.encrypt(token.encode()).decode()

    def _open(self, sealed: str) -> str:
        try:
            return self._cipher.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ProviderError(
                "stored Zalo OA tokens do not open with this ZNS_APP_SECRET: authorise the app "
                "again, set ZNS_REFRESH_TOKEN and delete the zalo_oa_tokens document",
                permanent=True,
            ) from None

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


def token_cipher(app_secret: str) -> Fernet:
    """The cipher of the stored tokens, keyed by the app's secret (never stored with them)."""
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=KEY_INFO).derive(app_secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _aware(at: datetime) -> datetime:
    """The store gives times back without their zone; they are UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
