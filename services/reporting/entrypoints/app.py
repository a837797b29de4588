"""The reporting service's HTTP app: ``uvicorn services.reporting.entrypoints.app:app``."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from services.reporting.bootstrap import bootstrap
from services.reporting.entrypoints.access import ACCESS
from services.reporting.entrypoints.quality import router as quality_router
from services.reporting.entrypoints.reports import router as reports_router
from services.reporting.settings import ReportingSettings
from shared.http import create_service_app

STATIC = Path(__file__).resolve().parent.parent / "static"


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or ReportingSettings()
    app = create_service_app(
        settings, title="Báo cáo và thống kê", access=ACCESS, bootstrap=bootstrap
    )
    app.include_router(reports_router)
    app.include_router(quality_router)
    # The dashboard's assets come from the service itself: many government networks are offline.
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/dashboard", include_in_schema=False)
    async def dashboard() -> FileResponse:
        return FileResponse(STATIC / "dashboard.html", media_type="text/html; charset=utf-8")

    return app


app = create_app()
