"""The one error the local stack reports to its users."""


class StackError(RuntimeError):
    """Something the developer must fix before the stack can run; the message says what and how."""
