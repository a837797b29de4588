"""When to try a failing handler again, and how long to wait first."""

import random
from collections.abc import Callable

from aiokafka.errors import KafkaError, KafkaTimeoutError, KafkaUnavailableError
from pymongo.errors import ConnectionFailure

from shared.mongo.conflict import Conflict

TransientCheck = Callable[[BaseException], bool]


class PermanentFailure(Exception):
    """Raised by a handler for an event that can never succeed (e.g. it contradicts what the
    consumer already knows): the runner dead-letters it at once instead of retrying."""


def backoff_delay(
    attempt: int, *, initial_s: float, max_s: float, rand: Callable[[], float] = random.random
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based).

    Exponential (initial, 2x, 4x, ... capped at ``max_s``) with "equal jitter": between half and all
    of that step, so replicas that failed together do not retry in lockstep, yet always wait.
    """
    # The exponent is bounded so an outage of thousands of attempts cannot overflow the float.
    step = min(max_s, initial_s * 2 ** min(attempt - 1, 32))
    return float(step / 2 + rand() * step / 2)


def is_infrastructure_outage(exc: BaseException) -> bool:
    """True for a store or broker that is (for now) unreachable, or for writers that kept
    colliding (``Conflict``), also when wrapped with ``from``.

    Such failures say nothing about the event: it must wait for the outage to end, not be
    dead-lettered. Kafka errors count only when retriable (or a timeout), so that a permanent
    producer error such as a too-large record still ends on the dead-letter topic.
    """
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        # Contention that outlasted a unit of work's retries: it passes, like an outage.
        if isinstance(current, ConnectionFailure | Conflict):
            return True
        if isinstance(current, KafkaError) and (
            current.retriable or isinstance(current, KafkaTimeoutError | KafkaUnavailableError)
        ):
            return True
        current = current.__cause__
    return False
