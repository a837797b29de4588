"""The intake domain's refusals as the uniform 4xx body; an incomplete dossier lists what is
missing (the content of the supplement-request form 02)."""

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from services.intake.domain.errors import IncompleteDossier, IntakeError
from shared.http.errors import ErrorBody, FieldError


async def intake_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, IntakeError)
    body = ErrorBody(detail=[FieldError(field=exc.field, reason=exc.reason)]).model_dump()
    if isinstance(exc, IncompleteDossier):
        body["missing_documents"] = [d.model_dump(mode="json") for d in exc.missing]
    return JSONResponse(body, status_code=exc.status_code)
