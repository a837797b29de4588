"""The notify service's HTTP app: ``uvicorn services.notify.entrypoints.app:app``.

The app's lifespan also runs the milestone consumer, the dispatcher and the outbox relay.
"""

from fastapi import FastAPI

from services.notify.bootstrap import bootstrap
from services.notify.entrypoints.access import ACCESS
from services.notify.entrypoints.routes import router
from services.notify.settings import NotifySettings
from shared.audit import audit_router
from shared.http import create_service_app
from shared.http.container import container_database


def create_app(settings: NotifySettings | None = None) -> FastAPI:
    settings = settings or NotifySettings()
    app = create_service_app(
        settings, title="Thông báo cho công dân", access=ACCESS, bootstrap=bootstrap
    )
    app.include_router(router)
    app.include_router(audit_router(container_database))
    return app


app = create_app()
