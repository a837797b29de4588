"""What the routes take from the request: the open container and the officer acting."""

from typing import Annotated

from fastapi import Depends, Request

from services.intake.bootstrap import IntakeContainer
from shared.http.officers import require_roles
from shared.officers import Officer, OfficerRole


def _container(request: Request) -> IntakeContainer:
    container: IntakeContainer = request.app.state.container
    return container


ContainerDep = Annotated[IntakeContainer, Depends(_container)]
# Only the reception clerk works the desk.
ClerkDep = Annotated[Officer, Depends(require_roles(OfficerRole.RECEPTION_CLERK))]
