"""A local stand-in for Zalo's ZNS template API (``POST /zns``), and its client for tests.

Requests are shaped as ZNS takes them: an ``access_token`` header and the JSON body
``{phone, template_id, template_data, tracking_id}``. Answers are HTTP 200 with ZNS's body,
``{"error": 0, "message": "Success", "data": {"msg_id": ...}}``, or a negative ``error``:
-124 for a wrong token (when the sinks run with one), -118 for a phone listed at
``POST /zns/no-account`` (``{"phone": "84912345678"}``: that number "has no Zalo account"),
and the code given to ``POST /zns/faults?count=&error=`` for the next ``count`` requests.
A repeated ``tracking_id`` is acknowledged with the first message's id and not kept again.
``GET /zns`` lists what was kept (``zns.jsonl`` beside the SMS inbox), ``DELETE /zns``
forgets it, the numbers without Zalo and the pending faults.

``POST /zns/oauth`` stands in for Zalo's OA token refresh (a form with ``app_id``,
``refresh_token``, ``grant_type=refresh_token``; the ``secret_key`` header): it answers a new
access token for 25 hours and a new refresh token, and refuses a refresh token used before, as
Zalo does. Once it has issued a token, messages must carry one it issued and did not revoke
(``POST /zns/oauth/revoke`` revokes them all, as when the OA's admin withdraws consent);
``GET /zns/oauth`` counts the refreshes.
"""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qs

import httpx
from fastapi import APIRouter, Header, Request
from pydantic import BaseModel

from devstack.sinks.faults import Faults
from devstack.sinks.inbox import Inbox, Item

INBOX_FILE = "zns.jsonl"
NO_ACCOUNT = {"error": -118, "message": "Zalo account does not exist or is disabled"}
BAD_TOKEN = {"error": -124, "message": "Access token is invalid"}


class Phone(BaseModel):
    phone: str


def zns_router(beside: Inbox, token: str | None = None) -> APIRouter:
    """The ZNS sink's routes, keeping what it accepts in a file beside ``beside``'s."""
    inbox = beside.sibling(INBOX_FILE)
    faults = Faults(-100)
    no_zalo: set[str] = set()
    oauth = TokenIssuer()
    router = APIRouter(prefix="/zns", tags=["zns"])

    @router.post("")
    async def receive(
        request: Request,
        access_token: Annotated[str | None, Header(convert_underscores=False)] = None,
    ) -> dict[str, Any]:
        body = await request.json()
        # Issued tokens once it has issued any; else the fixed one it was started with, if any.
        fixed_ok = token is None or access_token == token
        if not (oauth.accepts(access_token) if oauth.issued else fixed_ok):
            return BAD_TOKEN
        if (error := faults.take()) is not None:
            return {"error": error, "message": "injected failure"}
        if body.get("phone") in no_zalo:
            return NO_ACCOUNT
        kept = {item["body"].get("tracking_id"): item for item in inbox.items()}
        if body.get("tracking_id") and body["tracking_id"] in kept:
            return _success(kept[body["tracking_id"]]["msg_id"])
        msg_id = uuid.uuid4().hex
        inbox.add({"received_at": datetime.now(UTC).isoformat(), "msg_id": msg_id, "body": body})
        return _success(msg_id)

    @router.post("/oauth")
    async def refresh(
        request: Request,
        secret_key: Annotated[str | None, Header(convert_underscores=False)] = None,
    ) -> dict[str, Any]:
        # URL-encoded, as Zalo takes it (parsed by hand: no multipart package here).
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        return oauth.refresh(form.get("refresh_token", ""), secret_key, form.get("grant_type"))

    @router.post("/oauth/revoke", status_code=204)
    async def revoke() -> None:
        oauth.valid.clear()

    @router.get("/oauth")
    async def refreshes() -> dict[str, int]:
        return {"refreshes": oauth.refreshes}

    @router.post("/no-account", status_code=204)
    async def no_account(number: Phone) -> None:
        no_zalo.add(number.phone)

    @router.post("/faults")
    async def inject(count: int, error: int = -100) -> dict[str, int]:
        return faults.arm(count, error)

    @router.get("")
    async def listed() -> list[Item]:
        return inbox.items()

    @router.delete("", status_code=204)
    async def clear() -> None:
        inbox.clear()
        faults.arm(0, -100)
        no_zalo.clear()

    return router


class TokenIssuer:
    """Zalo's OA tokens as the sink hands them out: each refresh token works once."""

    def __init__(self) -> None:
        self.spent: set[str] = set()
        self.valid: set[str] = set()
        self.issued = False
        self.refreshes = 0

    def accepts(self, access_token: str | None) -> bool:
        return access_token in self.valid

    def refresh(self, refresh_token: str, secret: str | None, grant: object) -> dict[str, Any]:
        if not refresh_token or not secret or grant != "refresh_token":
            return {"error": -14002, "error_description": "Invalid parameters"}
        if refresh_token in self.spent:
            return {"error": -14014, "error_description": "Invalid refresh token"}
        self.spent.add(refresh_token)
        self.refreshes += 1
        self.issued = True
        access = f"zns-at-{uuid.uuid4().hex}"
        self.valid.add(access)
        return {
            "access_token": access,
            "refresh_token": f"zns-rt-{uuid.uuid4().hex}",
            "expires_in": "90000",  # Zalo writes it as a string
        }


def _success(msg_id: str) -> dict[str, Any]:
    return {"error": 0, "message": "Success", "data": {"msg_id": msg_id}}


class ZnsSinkClient:
    """What tests ask of the ZNS sink, over the sinks' HTTP client (``RunningSinks.http``)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def messages(self) -> list[dict[str, Any]]:
        """The body of every ZNS request the sink kept."""
        return [item["body"] for item in (await self._http.get("/zns")).raise_for_status().json()]

    async def without_zalo(self, phone: str) -> None:
        """Make ZNS answer "no Zalo account" for ``phone`` (as ZNS writes it: 84912345678)."""
        (await self._http.post("/zns/no-account", json={"phone": phone})).raise_for_status()

    async def refreshes(self) -> int:
        """How many OA token refreshes the sink answered."""
        return int((await self._http.get("/zns/oauth")).raise_for_status().json()["refreshes"])

    async def revoke_tokens(self) -> None:
        (await self._http.post("/zns/oauth/revoke")).raise_for_status()

    async def fail(self, count: int, error: int = -100) -> None:
        params = {"count": count, "error": error}
        (await self._http.post("/zns/faults", params=params)).raise_for_status()
