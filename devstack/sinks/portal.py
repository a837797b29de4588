"""A local stand-in for the national public-service portal's sync endpoint.

``POST /portal/sync`` takes a case's portal record (reporting's sync adapter sends it) and keeps
it in ``portal.jsonl`` beside the SMS inbox; a repeat of an ``Idempotency-Key`` is acknowledged
and dropped, as the portal does. ``POST /portal/faults?count=&status=`` makes the next ``count``
requests fail with ``status`` (503: an outage, 400: a refusal). ``GET /portal/sync`` lists what
was kept, ``DELETE /portal/sync`` forgets it.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request

from devstack.sinks.faults import Faults
from devstack.sinks.inbox import Inbox, Item

INBOX_FILE = "portal.jsonl"


def portal_router(beside: Inbox, token: str | None = None) -> APIRouter:
    """The portal sink's routes, keeping what it receives in a file beside ``beside``'s."""
    inbox = beside.sibling(INBOX_FILE)
    faults = Faults(503)
    router = APIRouter(prefix="/portal", tags=["portal"])

    @router.post("/sync")
    async def receive(
        request: Request,
        idempotency_key: Annotated[str, Header()],
        authorization: Annotated[str | None, Header()] = None,
    ) -> dict[str, Any]:
        if token is not None and authorization != f"Bearer {token}":
            raise HTTPException(status_code=401, detail="bad token")
        if (status := faults.take()) is not None:
            raise HTTPException(status_code=status, detail="injected failure")
        if idempotency_key in {item["key"] for item in inbox.items()}:
            return {"status": "accepted", "duplicate": True}
        received = datetime.now(UTC).isoformat()
        inbox.add({"received_at": received, "key": idempotency_key, "body": await request.json()})
        return {"status": "accepted"}

    @router.post("/faults")
    async def inject(count: int, status: int = 503) -> dict[str, int]:
        return faults.arm(count, status)

    @router.get("/sync")
    async def listed() -> list[Item]:
        return inbox.items()

    @router.delete("/sync", status_code=204)
    async def clear() -> None:
        inbox.clear()

    return router
