"""Why the desk refuses a request; the HTTP layer turns each into a 4xx naming the field."""

from shared.events.values import DocumentItem


class IntakeError(Exception):
    """A refusal about one field, in words for the clerk or the citizen."""

    status_code = 422

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class InvalidInput(IntakeError):
    """The request names something that does not exist or cannot be used."""


class NotFound(IntakeError):
    status_code = 404


class Forbidden(IntakeError):
    """The officer's role or agency does not allow this on this case or desk."""

    status_code = 403


class Conflict(IntakeError):
    """The request is valid but the case is not in a state that allows it."""

    status_code = 409


class IncompleteDossier(IntakeError):
    """Required documents are missing: the content of the supplement-request form (02)."""

    def __init__(self, missing: list[DocumentItem]) -> None:
        names = "; ".join(d.name for d in missing)
        super().__init__("documents", f"Hồ sơ chưa đầy đủ, còn thiếu: {names}")
        self.missing = missing
