"""GET /reports/service-quality: the Decision 766/QĐ-TTg indicators per agency and period."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from services.reporting.adapters.portal_store import MongoPortalReader
from services.reporting.domain.quality import NOT_COMPUTED, SOURCE
from services.reporting.entrypoints.reports import PeriodParam, Reader, period_json, unknown
from services.reporting.service_layer.quality import quality_report
from services.reporting.service_layer.queries import UnknownDimension
from shared.http.openapi import refusals

router = APIRouter(prefix="/reports", tags=["reports"])
REFUSED = refusals(
    {422: "A bad period (see `from` and `to`), or an agency code not in the reports' data."}
)


@router.get("/service-quality", responses=REFUSED)
async def service_quality(
    request: Request,
    p: PeriodParam,
    db: Reader,
    agency: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> dict[str, Any]:
    """Each indicator's name, formula, value and source per agency; those the system's data
    cannot feed are listed with why. No thresholds or points: the Decision scores these."""
    portal = MongoPortalReader(request.app.state.container.connections.db)
    try:
        rows = await quality_report(db, portal, p, agency)
    except UnknownDimension as exc:
        raise unknown(exc) from None
    return {
        "source": SOURCE,
        "period": period_json(p),
        "rows": [row.as_dict() for row in rows],
        "not_computed": NOT_COMPUTED,
    }
