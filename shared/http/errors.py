"""One error body for every 4xx: ``{"detail": [{"field": ..., "reason": ...}]}``.

Clients (the desk's screens, the citizen portal, external systems) can always point at the field
that was wrong and show why, whichever layer refused the request.
"""

import logging
import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from functools import lru_cache
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from pymongo.errors import ConnectionFailure
from starlette.exceptions import HTTPException
from starlette.routing import compile_path

from shared.http.validation_messages import field_of, reason_for
from shared.mongo.conflict import Conflict

log = logging.getLogger(__name__)

# Seconds a client should wait before trying again: a store failover or restart takes a few.
RETRY_AFTER_UNAVAILABLE_S = 5
RETRY_AFTER_CONFLICT_S = 1


class FieldError(BaseModel):
    field: str
    reason: str


class ErrorBody(BaseModel):
    detail: list[FieldError]


# What a bare status refers to when the code that raised it named no field.
_FIELD_OF_STATUS = {404: "path", 405: "method", 413: "body", 415: "header.content-type"}
_REASON_OF_STATUS = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực",
    403: "Không có quyền thực hiện",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột với trạng thái hiện tại",
    413: "Nội dung yêu cầu quá lớn",
    415: "Kiểu nội dung không được hỗ trợ",
    429: "Quá nhiều yêu cầu",
    503: "Hệ thống tạm thời gián đoạn, vui lòng thử lại sau",
}
# FastAPI's own English words for a body it could not parse (e.g. JSON nested too deeply).
_FASTAPI_PHRASES = {"There was an error parsing the body": "Không đọc được nội dung yêu cầu"}


def field_error(status_code: int, field: str, reason: str) -> HTTPException:
    """The exception a route raises to refuse a request because of one field."""
    # Starlette types ``detail`` as text; ``_errors_of`` reads this list back.
    return HTTPException(status_code, detail=[{"field": field, "reason": reason}])  # type: ignore[arg-type]


def error_response(
    status_code: int, errors: Sequence[FieldError], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(detail=list(errors))
    return JSONResponse(body.model_dump(), status_code=status_code, headers=headers)


async def _http_exception(request: Request, exc: HTTPException) -> Response:
    if exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=exc.headers)
    headers = exc.headers
    allowed = _allowed_methods(request) if exc.status_code == 405 else ""
    if allowed:
        headers = {**(exc.headers or {}), "Allow": allowed}
    return error_response(exc.status_code, _errors_of(exc), headers)


def _allowed_methods(request: Request) -> str:
    """Every method some route answers at this path: Starlette names only the first route's, and
    e.g. ``GET /cases/{code}/refusal`` (the printed form) and ``POST`` (the refusal) are two."""
    from shared.http.access import routes_of  # access refuses with field_error from here

    path = request.scope.get("path", "")
    root = str(request.scope.get("root_path", ""))
    if root and path.startswith(root):
        path = path[len(root) :]
    methods = {
        method for method, template in routes_of(request.app) if _regex(template).match(path)
    }
    return ", ".join(sorted(methods))


@lru_cache(maxsize=512)
def _regex(template: str) -> re.Pattern[str]:
    return compile_path(template)[0]


async def _validation_error(_: Request, exc: RequestValidationError) -> Response:
    errors = [FieldError(field=field_of(e), reason=reason_for(e)) for e in exc.errors()]
    return error_response(422, errors)


async def _store_unavailable(_: Request, exc: ConnectionFailure) -> Response:
    """The store cannot be reached (restart, failover): nothing was stored, try again soon."""
    log.warning("store unavailable: %s", type(exc).__name__)
    error = FieldError(field="service", reason=_REASON_OF_STATUS[503])
    return error_response(503, [error], {"Retry-After": str(RETRY_AFTER_UNAVAILABLE_S)})


async def _conflict(_: Request, exc: Conflict) -> Response:
    """Concurrent changes of one thing kept colliding past every retry: nothing was stored."""
    reason = "Dữ liệu đang được cập nhật đồng thời, vui lòng thử lại"
    error = FieldError(field="request", reason=reason)
    return error_response(409, [error], {"Retry-After": str(RETRY_AFTER_CONFLICT_S)})


# Passed to FastAPI(exception_handlers=...); Starlette's HTTPException also covers its 404 and 405.
EXCEPTION_HANDLERS: dict[
    int | type[Exception], Callable[[Request, Any], Coroutine[Any, Any, Response]]
] = {
    HTTPException: _http_exception,
    RequestValidationError: _validation_error,
    ConnectionFailure: _store_unavailable,
    Conflict: _conflict,
}


def _errors_of(exc: HTTPException) -> list[FieldError]:
    detail = exc.detail
    if isinstance(detail, list) and all(isinstance(d, dict) for d in detail):
        return [FieldError.model_validate(d) for d in detail]
    field = _FIELD_OF_STATUS.get(exc.status_code, "request")
    return [FieldError(field=field, reason=_reason(exc.status_code, detail))]


def _reason(status_code: int, detail: object) -> str:
    """The route's own words if it gave any; Vietnamese for Starlette's stock English phrases."""
    stock = _stock_phrase(status_code)
    if isinstance(detail, str) and detail in _FASTAPI_PHRASES:
        return _FASTAPI_PHRASES[detail]
    if detail and detail != stock:
        return str(detail)
    return _REASON_OF_STATUS.get(status_code, stock or str(status_code))


def _stock_phrase(status_code: int) -> str | None:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return None
