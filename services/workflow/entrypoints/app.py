"""The workflow service's HTTP app: ``uvicorn services.workflow.entrypoints.app:app``."""

from fastapi import FastAPI

from services.workflow.bootstrap import bootstrap
from services.workflow.entrypoints.access import ACCESS
from services.workflow.entrypoints.errors import add_refusal_handlers
from services.workflow.entrypoints.routes import router
from services.workflow.settings import WorkflowSettings
from shared.audit import audit_router
from shared.clock import Clock
from shared.http import create_service_app
from shared.http.container import container_database


def create_app(settings: WorkflowSettings | None = None, clock: Clock | None = None) -> FastAPI:
    """``clock`` is for tests and replays; by default the system clock."""
    settings = settings or WorkflowSettings()
    app = create_service_app(
        settings,
        title="Xử lý hồ sơ",
        access=ACCESS,
        bootstrap=lambda s: bootstrap(s, clock=clock),
    )
    app.include_router(router)
    app.include_router(audit_router(container_database))
    add_refusal_handlers(app)
    return app


app = create_app()
