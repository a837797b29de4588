"""The FastAPI app every service starts from: probes, metrics, JSON logs, 4xx bodies, API docs
(served offline, with an OpenAPI document that tells the truth: ``shared.http.openapi``)."""

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import Depends, FastAPI

from shared.auth import build_verifier
from shared.http.access import Rules, authorize, check_rules, install_rules
from shared.http.body_limit import BodySizeLimitMiddleware
from shared.http.docs import add_docs
from shared.http.errors import EXCEPTION_HANDLERS
from shared.http.observe import RequestObservationMiddleware
from shared.http.openapi import install_openapi
from shared.http.probes import router as probes_router
from shared.http.readiness import ReadinessCheck
from shared.http.settings import HttpSettings
from shared.observability.logging import configure_logging

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_app(
    settings: HttpSettings,
    *,
    title: str,
    access: Rules,
    lifespan: Lifespan | None = None,
    readiness_checks: Mapping[str, ReadinessCheck] | None = None,
) -> FastAPI:
    """A service's app; its routes are added by the caller, each with a rule in ``access``.

    ``readiness_checks`` are what /readyz runs; a ``lifespan`` that opens connections may add to
    ``app.state.readiness_checks`` once it has them (see ``container_lifespan``).
    """
    app = FastAPI(
        title=title,
        lifespan=_logging_then(settings, lifespan),
        exception_handlers=EXCEPTION_HANDLERS,
        dependencies=[Depends(authorize)],
        # Served by add_docs from local files instead of FastAPI's CDN.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.http_expose_docs else None,
    )
    app.state.settings = settings
    app.state.readiness_checks = dict(readiness_checks or {})
    app.state.token_verifier = build_verifier(settings)
    install_rules(app, access, expose_metrics=settings.http_expose_metrics)
    # The document says what the services really answer: error bodies, tokens, statuses.
    install_openapi(app)
    app.include_router(probes_router)
    if settings.http_expose_docs:
        add_docs(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.http_max_body_bytes)
    # Added last, so it is outermost: it sees the 413s and the 500s too.
    app.add_middleware(RequestObservationMiddleware)
    return app


def _logging_then(settings: HttpSettings, lifespan: Lifespan | None) -> Lifespan:
    """Logs turn to JSON when the app starts serving, not when a module merely builds it."""

    @asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        check_rules(app)
        configure_logging(settings.service_name, settings.log_level)
        if lifespan is None:
            yield
            return
        async with lifespan(app):
            yield

    return run
