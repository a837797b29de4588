"""What the routes take from the request: the open container."""

from typing import Annotated

from fastapi import Depends, Request

from services.intake.bootstrap import IntakeContainer


def _container(request: Request) -> IntakeContainer:
    container: IntakeContainer = request.app.state.container
    return container


ContainerDep = Annotated[IntakeContainer, Depends(_container)]
