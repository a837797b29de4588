"""Per request: a request id, the case code in the log context, one log line and the metrics."""

import logging
import re
import time
from urllib.parse import unquote
from uuid import uuid4

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.events.envelope import CASE_CODE_PATTERN
from shared.observability.logging import log_context
from shared.observability.metrics import HTTP_REQUEST_DURATION, HTTP_REQUESTS

log = logging.getLogger("shared.http.access")

REQUEST_ID_HEADER = b"x-request-id"
# A caller's id is kept only if it is short and plain, so it cannot forge log fields.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_CASE_CODE = re.compile(CASE_CODE_PATTERN)
# Probes and scrapes arrive every few seconds; at INFO they would drown the real traffic.
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
UNMATCHED_ROUTE = "<unmatched>"
# Metric labels come from a fixed set whatever a client sends: a method of its own invention or a
# path that matches no route (which may hold a phone number) would add a label set each.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "OTHER"


class RequestObservationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        # Until the app starts an answer, a failure is answered 500 by Starlette's outer handler.
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [*message.get("headers", []), (REQUEST_ID_HEADER, request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        started = time.perf_counter()
        with log_context(request_id=request_id, case_code=case_code_in(scope["path"])):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                _record(scope, status, time.perf_counter() - started)


def case_code_in(path: str) -> str | None:
    """The first path segment that is a case code, e.g. in ``/cases/SLDTBXH-240115-0001``."""
    for segment in path.split("/"):
        candidate = unquote(segment)
        if _CASE_CODE.fullmatch(candidate):
            return candidate
    return None


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            given: str = value.decode("latin-1")
            if _VALID_REQUEST_ID.fullmatch(given):
                return given
    return uuid4().hex


def metric_labels(scope: Scope, status: int) -> dict[str, str]:
    """Method, route template and status: only known methods and the app's own templates."""
    method = scope["method"] if scope["method"] in KNOWN_METHODS else OTHER_METHOD
    route = getattr(scope.get("route"), "path", None)
    if not isinstance(route, str) or not route:
        route = UNMATCHED_ROUTE
    return {"method": method, "route": route, "status": str(status)}


def _record(scope: Scope, status: int, seconds: float) -> None:
    labels = metric_labels(scope, status)
    HTTP_REQUESTS.labels(**labels).inc()
    HTTP_REQUEST_DURATION.labels(**labels).observe(seconds)
    level = logging.DEBUG if scope["path"] in _QUIET_PATHS else logging.INFO
    fields = {**labels, "path": scope["path"], "duration_ms": round(seconds * 1000, 1)}
    log.log(level, "%s %s %s", scope["method"], scope["path"], status, extra={"fields": fields})
