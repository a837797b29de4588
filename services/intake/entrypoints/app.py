"""The intake service's HTTP app: ``uvicorn services.intake.entrypoints.app:app``."""

from functools import partial

from fastapi import FastAPI

from services.intake.bootstrap import bootstrap
from services.intake.domain.catalogue import Catalogue
from services.intake.domain.errors import IntakeError
from services.intake.entrypoints import (
    case_routes,
    catalogue_routes,
    lookup_routes,
    register_routes,
)
from services.intake.entrypoints.access import ACCESS
from services.intake.entrypoints.errors import intake_error
from services.intake.settings import IntakeSettings
from shared.audit import audit_router
from shared.clock import Clock
from shared.http import create_service_app
from shared.http.container import container_database


def create_app(
    settings: IntakeSettings | None = None,
    clock: Clock | None = None,
    catalogue: Catalogue | None = None,
) -> FastAPI:
    settings = settings or IntakeSettings()
    app = create_service_app(
        settings,
        title="Tiếp nhận và trả kết quả hồ sơ",
        access=ACCESS,
        bootstrap=partial(bootstrap, clock=clock, catalogue=catalogue),
    )
    app.add_exception_handler(IntakeError, intake_error)
    for module in (catalogue_routes, case_routes, lookup_routes, register_routes):
        app.include_router(module.router)
    app.include_router(audit_router(container_database))
    return app


app = create_app()
