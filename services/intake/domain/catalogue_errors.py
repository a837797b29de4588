"""What goes wrong when the catalogue is loaded or asked for something."""

from datetime import date


class CatalogueDataError(ValueError):
    """A data file is malformed; the message names the file and the entry."""

    def __init__(self, file: str, entry: str, problem: str) -> None:
        super().__init__(f"{file}: {entry}: {problem}")
        self.file = file
        self.entry = entry
        self.problem = problem


class CatalogueLookupError(LookupError):
    """Base of the errors a lookup in a loaded catalogue raises."""


class UnknownCode(CatalogueLookupError):
    def __init__(self, kind: str, code: str) -> None:
        super().__init__(f"no {kind} with code {code!r}")
        self.kind = kind
        self.code = code


class NotInEffect(CatalogueLookupError):
    """The code exists but no version of it is in effect at that date: it cannot be used then."""

    def __init__(self, kind: str, code: str, at: date, periods: list[str]) -> None:
        listed = "; ".join(periods)
        super().__init__(
            f"{kind} {code} is not in effect on {at.isoformat()} (in effect: {listed})"
        )
        self.kind = kind
        self.code = code
        self.at = at
        self.periods = periods


class NotReceivable(CatalogueLookupError):
    """The procedure is published but its data is too incomplete for a desk to receive it."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"procedure {code} cannot be received: {reason}")
        self.code = code
        self.reason = reason
