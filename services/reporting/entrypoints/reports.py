"""Report routes: the one-stop report, payments and satisfaction, as JSON, CSV or XLSX."""

from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import yaml
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from services.reporting.adapters.exports import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, to_csv, to_xlsx
from services.reporting.domain.period import MAX_DAYS, Period, PeriodError
from services.reporting.domain.tables import (
    Table,
    one_stop_table,
    payments_table,
    satisfaction_table,
)
from services.reporting.service_layer.queries import (
    AggregateReader,
    Scope,
    UnknownDimension,
    one_stop_report,
    payments_report,
    satisfaction_report,
)
from shared.calendar import local_date
from shared.http import field_error
from shared.http.openapi import IsoDate, refusals

router = APIRouter(prefix="/reports", tags=["reports"])
PROGRAMMES_FILE = Path(__file__).resolve().parent.parent / "data" / "programmes.yaml"
DIMENSION_LABELS = {"agency": "đơn vị", "field": "lĩnh vực", "procedure": "thủ tục"}

Format = Literal["json", "csv", "xlsx"]
GroupBy = Literal["agency", "field", "procedure"]
Code = Annotated[str | None, Query(min_length=1, max_length=64)]
# The years a period may reach, as the OpenAPI document states them (``Period`` enforces them).
YEARS_DOC = {"pattern": r"^(?:19[0-9]{2}|20[0-9]{2}|2100)-"}
REFUSED = refusals(
    {
        422: "A bad period (see `from` and `to`), or an agency, field or procedure code that is "
        "not in the reports' data; the entry names the query parameter."
    }
)
EXPORTS = {
    200: {
        "description": "The report: JSON, or the same table as CSV or XLSX (`format`).",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            CSV_MEDIA_TYPE.partition(";")[0]: {"schema": {"type": "string"}},
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    **REFUSED,
}


def period(
    request: Request,
    start: Annotated[
        IsoDate,
        Query(
            alias="from",
            description="First day (local), YYYY-MM-DD, years 1900-2100, not after today.",
            json_schema_extra=YEARS_DOC,
        ),
    ],
    end: Annotated[
        IsoDate,
        Query(
            alias="to",
            description=(
                f"Last day (local), YYYY-MM-DD, years 1900-2100, not before `from`, fewer than "
                f"{MAX_DAYS} days after it; a day after today counts as today."
            ),
            json_schema_extra=YEARS_DOC,
        ),
    ],
) -> Period:
    try:
        today = local_date(request.app.state.container.clock.now())
        return Period(start, end).as_of(today)
    except PeriodError as exc:
        raise field_error(422, f"query.{exc.field}", exc.reason) from None


PeriodParam = Annotated[Period, Depends(period)]


async def reader(request: Request) -> AggregateReader:
    return cast(AggregateReader, await request.app.state.container.read_models.reader())


Reader = Annotated[AggregateReader, Depends(reader)]


@cache
def programme_labels() -> dict[str, str]:
    return cast(dict[str, str], yaml.safe_load(PROGRAMMES_FILE.read_text(encoding="utf-8")))


def unknown(exc: UnknownDimension) -> Exception:
    label = DIMENSION_LABELS[exc.field]
    return field_error(422, f"query.{exc.field}", f"Không có {label} mã {exc.code!r} trong dữ liệu")


def respond(body: dict[str, Any], table: Table, fmt: Format, p: Period, name: str) -> Response:
    if fmt == "json":
        return JSONResponse(body)
    filename = f"{name}_{p.first_day}_{p.last_day}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(to_csv(table), media_type=CSV_MEDIA_TYPE, headers=headers)
    subtitle = f"Kỳ báo cáo: từ ngày {p.start:%d/%m/%Y} đến ngày {p.end:%d/%m/%Y}"
    return Response(to_xlsx(table, subtitle), media_type=XLSX_MEDIA_TYPE, headers=headers)


def period_json(p: Period) -> dict[str, str]:
    return {"from": p.first_day, "to": p.last_day}


@router.get("/one-stop", responses=EXPORTS)
async def one_stop(
    p: PeriodParam,
    db: Reader,
    agency: Code = None,
    field: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
    procedure: Code = None,
    group_by: GroupBy = "procedure",
    format: Format = "json",
) -> Response:
    """Biểu 06 figures: received, resolved and in progress at the period's end."""
    try:
        report = await one_stop_report(db, p, Scope(agency, field, procedure), group_by)
    except UnknownDimension as exc:
        raise unknown(exc) from None
    body = {
        "period": period_json(p),
        "scope": report.scope.filters(),
        "group_by": group_by,
        "rows": [r.as_dict() for r in report.rows],
        "total": report.total.as_dict(),
    }
    return respond(body, one_stop_table(report.rows, report.total), format, p, "bao-cao-mot-cua")


@router.get("/payments", responses=EXPORTS)
async def payments(
    p: PeriodParam, db: Reader, agency: Code = None, format: Format = "json"
) -> Response:
    """Beneficiaries and amounts (integer VND) per payment programme."""
    try:
        rows = await payments_report(db, p, agency, programme_labels())
    except UnknownDimension as exc:
        raise unknown(exc) from None
    body = {"period": period_json(p), "rows": [r.as_dict() for r in rows]}
    return respond(body, payments_table(rows), format, p, "chi-tra")


@router.get("/satisfaction", responses=EXPORTS)
async def satisfaction(
    p: PeriodParam, db: Reader, agency: Code = None, format: Format = "json"
) -> Response:
    """The nine indicators' averages and the shares of each overall judgement, per agency."""
    try:
        rows = await satisfaction_report(db, p, agency)
    except UnknownDimension as exc:
        raise unknown(exc) from None
    body = {"period": period_json(p), "rows": [r.as_dict() for r in rows]}
    return respond(body, satisfaction_table(rows), format, p, "muc-do-hai-long")


@router.get("/dimensions")
async def dimensions(db: Reader) -> dict[str, dict[str, str]]:
    """Agencies, fields and procedures known to the reports: the dashboard's choices."""
    return {kind: await db.names(kind) for kind in DIMENSION_LABELS}
