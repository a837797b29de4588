"""What ops watch: /healthz (the process answers), /readyz (its dependencies answer), /metrics."""

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from shared.http.readiness import run_checks

log = logging.getLogger(__name__)

router = APIRouter(tags=["vận hành"])


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz(request: Request) -> dict[str, str]:
    return {"status": "ok", "service": request.app.state.settings.service_name}


@router.get("/readyz", summary="Readiness: Kafka and the database answer")
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


@router.get("/metrics", summary="Prometheus metrics")
async def metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
