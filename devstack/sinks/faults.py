"""Injected failures: a test makes a sink refuse its next few requests, as a provider might."""


class Faults:
    """The next ``remaining`` requests fail with ``code`` (an HTTP status, or a provider's error
    code for APIs that answer 200 with an error in the body)."""

    def __init__(self, code: int) -> None:
        self.remaining = 0
        self.code = code

    def arm(self, count: int, code: int) -> dict[str, int]:
        self.remaining, self.code = count, code
        return {"remaining": count, "code": code}

    def take(self) -> int | None:
        """The code the current request must fail with, or None to serve it."""
        if self.remaining <= 0:
            return None
        self.remaining -= 1
        return self.code
