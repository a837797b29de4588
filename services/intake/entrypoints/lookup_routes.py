"""Citizen lookup by case code and ID number, by POST so the ID stays out of URLs and logs.

A wrong ID and an unknown code take the same single query and get the same 404 body. Both routes
are limited per client and per case code (429 with ``Retry-After``), shared by every replica. The
citizen's page (``/tra-cuu``, in ``citizen_page``) is served with them, from this router.
"""

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from services.intake.domain.commands import ApplicantNumber, Lookup, RateService
from services.intake.domain.errors import NotFound
from services.intake.entrypoints import citizen_page
from services.intake.entrypoints.citizen_access import NOT_FOUND, GuardDep, guard_lifespan
from services.intake.entrypoints.dependencies import ContainerDep
from services.intake.entrypoints.views import LookupView
from shared.http.errors import ErrorBody

# The limiter's index and state are set up when the app starts (FastAPI merges this lifespan).
router = APIRouter(tags=["tra cứu"], lifespan=guard_lifespan)
router.include_router(citizen_page.router)

_REFUSALS: dict[int | str, dict[str, object]] = {
    404: {
        "model": ErrorBody,
        "description": "Mã hồ sơ và số định danh (hoặc mã số thuế) không khớp",
    },
    429: {
        "model": ErrorBody,
        "description": "Quá số lần tra cứu của thiết bị hoặc của hồ sơ",
        "headers": {
            "Retry-After": {
                "description": "Số giây cần chờ trước khi tra cứu lại",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    },
}


@router.post("/lookup", summary="Tra cứu tình trạng hồ sơ", responses=_REFUSALS)
async def lookup(
    container: ContainerDep, guard: GuardDep, request: Request, response: Response, body: Lookup
) -> LookupView:
    refusal = await guard.admit(request, body.code)
    if refusal is not None:
        raise refusal.error()
    case = await container.cases.find_for_applicant(body.code, body.id_number)
    if case is None:
        raise NotFound("code", NOT_FOUND)
    # Personal to the applicant: no shared cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return LookupView.of(case)


class RatingRequest(RateService):
    id_number: ApplicantNumber


class RatingRecorded(BaseModel):
    """The acknowledgement: the rating is stored; nothing of the case is repeated."""

    status: Literal["recorded"] = "recorded"
    code: str


@router.post(
    "/cases/{code}/rating",
    summary="Đánh giá mức độ hài lòng (một lần mỗi hồ sơ)",
    responses={
        **_REFUSALS,
        409: {"model": ErrorBody, "description": "Đã đánh giá, hoặc chưa xong"},
    },
)
async def rate(
    container: ContainerDep, guard: GuardDep, request: Request, code: str, body: RatingRequest
) -> RatingRecorded:
    refusal = await guard.admit(request, code)
    if refusal is not None:
        raise refusal.error()
    cmd = RateService(indicators=body.indicators)
    case = await container.desk.rate(code, body.id_number, cmd)
    return RatingRecorded(code=case.code)
