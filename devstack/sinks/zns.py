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
"""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

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
    router = APIRouter(prefix="/zns", tags=["zns"])

    @router.post("")
    async def receive(
        request: Request, access_token: Annotated[str | None, Header()] = None
    ) -> dict[str, Any]:
        body = await request.json()
        if token is not None and access_token != token:
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

    async def fail(self, count: int, error: int = -100) -> None:
        params = {"count": count, "error": error}
        (await self._http.post("/zns/faults", params=params)).raise_for_status()
