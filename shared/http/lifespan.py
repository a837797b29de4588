"""A service's app whose dependencies (its container) are open for exactly the life of the app."""

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol, TypeVar

from fastapi import FastAPI

from shared.http.access import Rules
from shared.http.app import Lifespan, create_app
from shared.http.readiness import ReadinessCheck
from shared.http.settings import HttpSettings


class ServiceContainer(Protocol):
    """The wired dependencies of a service, as its ``bootstrap`` yields them."""

    @property
    def readiness_checks(self) -> Mapping[str, ReadinessCheck]: ...


SettingsT = TypeVar("SettingsT", bound=HttpSettings)
Bootstrap = Callable[[SettingsT], AbstractAsyncContextManager[ServiceContainer]]


def create_service_app(
    settings: SettingsT, *, title: str, access: Rules, bootstrap: Bootstrap[SettingsT]
) -> FastAPI:
    """``create_app`` with the container ``bootstrap(settings)`` opens at start, closes at stop."""
    return create_app(
        settings,
        title=title,
        access=access,
        lifespan=container_lifespan(lambda: bootstrap(settings)),
    )


def container_lifespan(
    open_container: Callable[[], AbstractAsyncContextManager[ServiceContainer]],
) -> Lifespan:
    """Expose the open container as ``app.state.container``; its readiness checks join /readyz."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_container() as container:
            app.state.container = container
            app.state.readiness_checks.update(container.readiness_checks)
            yield

    return lifespan
