"""The one error for "someone else changed it first"."""


class Conflict(Exception):
    """What a unit of work read changed before it committed (a version check missed, a document
    was created meanwhile, or the store reported a write conflict). The unit of work retries; when
    its attempts run out the caller sees this error."""
