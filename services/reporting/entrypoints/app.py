"""The reporting service's HTTP app: ``uvicorn services.reporting.entrypoints.app:app``."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from services.reporting.bootstrap import bootstrap
from services.reporting.entrypoints.access import ACCESS
from services.reporting.entrypoints.portal import router as portal_router
from services.reporting.entrypoints.quality import router as quality_router
from services.reporting.entrypoints.reports import router as reports_router
from services.reporting.settings import ReportingSettings
from shared.audit import audit_router
from shared.http import create_service_app
from shared.http.container import container_database

STATIC = Path(__file__).resolve().parent.parent / "static"


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or ReportingSettings()
    app = create_service_app(
        settings, title="Báo cáo và thống kê", access=ACCESS, bootstrap=bootstrap
    )
    app.include_router(reports_router)
    app.include_router(quality_router)
    app.include_router(portal_router)
    app.include_router(audit_router(container_database))
    # The dashboard's assets come from the service itself: many government networks are offline.
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/dashboard", include_in_schema=False)
    async def dashboard() -> FileResponse:
        return FileResponse(STATIC / "dashboard.html", media_type="text/html; charset=utf-8")

    return app


app = create_app()
