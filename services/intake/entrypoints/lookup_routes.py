"""Citizen lookup by case code and ID number, by POST so the ID stays out of URLs and logs.

A wrong ID and an unknown code take the same single query and get the same 404 body.
"""

from fastapi import APIRouter

from services.intake.domain.commands import CitizenIdInput, Lookup, RateService
from services.intake.domain.errors import NotFound
from services.intake.entrypoints.dependencies import ContainerDep
from services.intake.entrypoints.views import CaseView, LookupView

router = APIRouter(tags=["tra cứu"])

NOT_FOUND = "Không tìm thấy hồ sơ với mã và số định danh đã nhập"


@router.post("/lookup", summary="Tra cứu tình trạng hồ sơ")
async def lookup(container: ContainerDep, body: Lookup) -> LookupView:
    case = await container.cases.find_for_applicant(body.code, body.citizen_id)
    if case is None:
        raise NotFound("code", NOT_FOUND)
    return LookupView.of(case)


class RatingRequest(RateService):
    citizen_id: CitizenIdInput


@router.post("/cases/{code}/rating", summary="Đánh giá mức độ hài lòng (một lần mỗi hồ sơ)")
async def rate(container: ContainerDep, code: str, body: RatingRequest) -> CaseView:
    cmd = RateService(indicators=body.indicators)
    return CaseView.of(await container.desk.rate(code, body.citizen_id, cmd))
