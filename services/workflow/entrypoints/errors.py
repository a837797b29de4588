"""Domain refusals as HTTP answers in the shared error body."""

from fastapi import FastAPI, Request
from fastapi.responses import Response

from services.workflow.domain.errors import (
    Busy,
    Forbidden,
    IllegalAction,
    InvalidInput,
    UnknownCase,
    WorkflowError,
)
from shared.http.errors import FieldError, error_response

STATUS_OF = {
    UnknownCase: 404,
    IllegalAction: 409,
    Busy: 409,
    Forbidden: 403,
    InvalidInput: 422,
}
DEFAULT_FIELD = {
    UnknownCase: "path.code",
    Busy: "path.code",
    IllegalAction: "status",
    Forbidden: "header.x-officer-role",
}


async def refusal(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, WorkflowError)
    kind = type(exc)
    field = exc.field or DEFAULT_FIELD.get(kind, "body")
    return error_response(STATUS_OF[kind], [FieldError(field=field, reason=exc.reason)])


def add_refusal_handlers(app: FastAPI) -> None:
    for kind in STATUS_OF:
        app.add_exception_handler(kind, refusal)
