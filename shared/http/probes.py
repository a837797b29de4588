"""What ops watch: /healthz (the process answers), /readyz (its dependencies answer), /metrics."""

import logging
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from pydantic import BaseModel

from shared.http.readiness import run_checks

log = logging.getLogger(__name__)

router = APIRouter(tags=["vận hành"])

# The text exposition format every Prometheus version reads (prometheus-client's own default,
# version 1.0.0, is read by Prometheus 3 only); the metric names are plain ASCII either way.
METRICS_MEDIA_TYPE = CONTENT_TYPE_PLAIN_0_0_4
_METRICS_DOC_TYPE = METRICS_MEDIA_TYPE.partition("; charset")[0]


class Health(BaseModel):
    status: Literal["ok"]
    service: str


class CheckOutcome(BaseModel):
    status: Literal["ok", "failed"]
    duration_ms: float
    error: str | None = None


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    checks: dict[str, CheckOutcome]
    failed: list[str] | None = None


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz(request: Request) -> Health:
    return Health(status="ok", service=request.app.state.settings.service_name)


@router.get(
    "/readyz",
    summary="Readiness: Kafka and the database answer",
    response_model=Readiness,
    responses={
        200: {"description": "Every dependency answered within the timeout."},
        503: {
            "model": Readiness,
            "description": "A dependency did not answer: `failed` names it, `checks` say why.",
        },
    },
)
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    results = await run_checks(state.readiness_checks, state.settings.readiness_timeout_s)
    failed = [r.name for r in results if not r.ok]
    body: dict[str, object] = {
        "status": "not ready" if failed else "ready",
        "checks": {r.name: r.as_json() for r in results},
    }
    if failed:
        body["failed"] = failed
        log.warning("not ready: %s", ", ".join(failed), extra={"fields": {"failed": failed}})
    return JSONResponse(body, status_code=503 if failed else 200)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    description="The Prometheus text exposition format, version 0.0.4.",
    response_class=Response,
    responses={
        200: {
            "description": "The service's metrics.",
            "content": {_METRICS_DOC_TYPE: {"schema": {"type": "string"}}},
        }
    },
)
async def metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=METRICS_MEDIA_TYPE)
