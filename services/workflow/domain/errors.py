"""Why an officer action was refused; the HTTP layer maps each kind to its status code."""


class WorkflowError(Exception):
    """Base of refusals; ``reason`` is shown to the officer, ``field`` names the culprit if any."""

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


class IllegalAction(WorkflowError):
    """The case's state does not allow the action (HTTP 409)."""


class Forbidden(WorkflowError):
    """The officer's role or assignment does not allow the action (HTTP 403)."""


class InvalidInput(WorkflowError):
    """The action's input breaks a domain rule (HTTP 422)."""


class UnknownCase(WorkflowError):
    """No processing instance has this case code (HTTP 404)."""


class Busy(WorkflowError):
    """Other changes of the case kept winning the race to store; the officer may try again
    (HTTP 409)."""
