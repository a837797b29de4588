"""The sinks' HTTP side: the SMS gateway endpoint, and listings of the mail and SMS received."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Header, HTTPException, Request

from devstack.sinks.faults import Faults
from devstack.sinks.inbox import Inbox, Item
from devstack.sinks.portal import portal_router
from devstack.sinks.zns import zns_router


def sinks_app(mail: Inbox, sms: Inbox, token: str | None = None) -> FastAPI:
    app = FastAPI(title="Local notification sinks")
    app.include_router(portal_router(sms, token))
    app.include_router(zns_router(sms, token))
    faults = Faults(503)

    @app.post("/sms")
    async def receive_sms(
        request: Request,
        authorization: Annotated[str | None, Header()] = None,
        idempotency_key: Annotated[str | None, Header()] = None,
    ) -> dict[str, Any]:
        if token is not None and authorization != f"Bearer {token}":
            raise HTTPException(status_code=401, detail="bad token")
        if (status := faults.take()) is not None:
            raise HTTPException(status_code=status, detail="injected failure")
        body = await request.json()
        # As Vietnamese SMS gateways do with the partner's request id: a repeat is acknowledged
        # and dropped, so a sender that lost the first answer may safely send again.
        reference = idempotency_key or (body.get("reference") if isinstance(body, dict) else None)
        if reference and reference in _references(sms):
            return {"status": "accepted", "duplicate": True}
        received = datetime.now(UTC).isoformat()
        sms.add({"received_at": received, "body": body, "reference": reference})
        return {"status": "accepted"}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/faults")
    async def inject_faults(count: int, status: int = 503) -> dict[str, int]:
        return faults.arm(count, status)

    @app.get("/sms")
    async def list_sms() -> list[Item]:
        return sms.items()

    @app.get("/mail")
    async def list_mail() -> list[Item]:
        return mail.items()

    @app.delete("/sms", status_code=204)
    async def clear_sms() -> None:
        sms.clear()

    @app.delete("/mail", status_code=204)
    async def clear_mail() -> None:
        mail.clear()

    return app


def _references(sms: Inbox) -> set[str]:
    return {item["reference"] for item in sms.items() if item.get("reference")}
