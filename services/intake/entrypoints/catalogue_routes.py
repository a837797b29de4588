"""The public catalogue: procedures (list, search, filter, read one) and agencies, at a date."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.intake.domain.agencies import Agency
from services.intake.domain.catalogue_errors import NotInEffect, UnknownCode
from services.intake.domain.catalogue_values import Level, ProcedureField
from services.intake.domain.procedures import Procedure
from services.intake.entrypoints.dependencies import ContainerDep
from shared.calendar import local_date
from shared.http import field_error
from shared.http.openapi import IsoDate, refusals

router = APIRouter(tags=["danh mục thủ tục"])

AtQuery = Annotated[
    IsoDate | None, Query(description="Ngày áp dụng (mặc định: hôm nay, giờ Việt Nam).")
]


def _day(container: ContainerDep, at: date | None) -> date:
    return at or local_date(container.reception.clock.now())


@router.get("/procedures", summary="Tra cứu, lọc danh mục thủ tục hành chính")
async def list_procedures(
    container: ContainerDep,
    at: AtQuery = None,
    q: Annotated[str, Query(max_length=200, description="Từ khóa, không cần dấu")] = "",
    field: ProcedureField | None = None,
    level: Level | None = None,
    agency_level: Level | None = None,
    is_benefit: bool | None = None,
) -> list[Procedure]:
    return container.catalogue.search(
        q,
        at=_day(container, at),
        field=field,
        level=level,
        agency_level=agency_level,
        is_benefit=is_benefit,
    )


@router.get(
    "/procedures/{code}",
    summary="Chi tiết một thủ tục",
    responses=refusals(
        {404: "Không có thủ tục với mã này, hoặc thủ tục không hiệu lực vào ngày này."}
    ),
)
async def read_procedure(container: ContainerDep, code: str, at: AtQuery = None) -> Procedure:
    try:
        return container.catalogue.procedure(code, _day(container, at))
    except UnknownCode:
        raise field_error(404, "path.code", "Không có thủ tục với mã này") from None
    except NotInEffect:
        raise field_error(404, "path.code", "Thủ tục không có hiệu lực vào ngày này") from None


@router.get("/agencies", summary="Cơ quan tiếp nhận hồ sơ")
async def list_agencies(
    container: ContainerDep,
    at: AtQuery = None,
    level: Level | None = None,
    receives: Annotated[
        bool | None, Query(description="Chỉ cơ quan có bộ phận một cửa tiếp nhận hồ sơ")
    ] = True,
) -> list[Agency]:
    return container.catalogue.agencies(_day(container, at), level, receives)


@router.get("/procedures/{code}/agencies", summary="Nơi tiếp nhận một thủ tục vào một ngày")
async def procedure_desks(container: ContainerDep, code: str, at: AtQuery = None) -> list[Agency]:
    """Empty when the procedure cannot be received on that day."""
    return container.catalogue.desks_receiving(code, _day(container, at))
