"""POST /portal/records/{code}/resend: send a record the national portal refused again."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel

from services.reporting.service_layer.portal_ports import Resend
from services.reporting.service_layer.portal_sync import resend_refused
from shared.events.envelope import CASE_CODE_PATTERN
from shared.http.access import CurrentOfficer
from shared.http.errors import field_error
from shared.http.openapi import refusals

router = APIRouter(prefix="/portal", tags=["portal"])
REFUSED = refusals(
    {
        404: "No portal record of this case.",
        409: "The portal did not refuse this case's record: it is delivered, waiting or in flight.",
    }
)
WHY = {
    Resend.UNKNOWN: (404, "Không có bản ghi đồng bộ Cổng Dịch vụ công của hồ sơ này"),
    Resend.NOT_REFUSED: (409, "Bản ghi của hồ sơ này không bị Cổng Dịch vụ công từ chối"),
}


class Resent(BaseModel):
    case_code: str
    idempotency_key: str


@router.post(
    "/records/{code}/resend",
    status_code=202,
    summary="Send a refused portal record again, once the cause is fixed",
    responses=REFUSED,
)
async def resend(
    code: Annotated[str, Path(pattern=CASE_CODE_PATTERN, max_length=64)],
    request: Request,
    who: CurrentOfficer,
) -> Resent:
    """The record goes again, whole and under a new idempotency key, with the next send; it
    leaves `portal-sync.dlq` as it is (the letter stays the record of the refusal)."""
    container = request.app.state.container
    outcome, key = await resend_refused(container.portal_queue, code, who, container.clock)
    if outcome in WHY:
        status, reason = WHY[outcome]
        raise field_error(status, "path.code", reason)
    return Resent(case_code=code, idempotency_key=key)
