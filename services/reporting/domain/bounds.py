"""What a projection may hold: instants in the years reports cover and amounts their sums can hold.

An event outside these bounds is malformed rather than late or early: it would break the local-day
arithmetic (a year-9999 instant has no next day in Vietnam's time zone) or overflow the aggregate's
64-bit counters, so it is refused like any other contradiction and dead-lettered at once.
"""

from collections.abc import Iterator
from datetime import datetime

from services.reporting.domain.case import CaseProjection, ProjectionError

MIN_YEAR, MAX_YEAR = 1900, 2100
# A thousand billion đồng: far above any benefit or fee, and low enough that millions of payments
# summed in one bucket stay within a 64-bit counter.
MAX_AMOUNT_VND = 10**12


def check_bounds(case: CaseProjection) -> None:
    for what, instant in instants(case):
        if not MIN_YEAR <= instant.year <= MAX_YEAR:
            raise ProjectionError(
                f"case {case.case_code}: {what} {instant.isoformat()} is outside the years "
                f"{MIN_YEAR}-{MAX_YEAR}"
            )
    for payment in case.payments:
        if not 0 < payment.amount_vnd <= MAX_AMOUNT_VND:
            raise ProjectionError(
                f"case {case.case_code}: payment amount {payment.amount_vnd} VND is outside "
                f"1-{MAX_AMOUNT_VND}"
            )


def instants(case: CaseProjection) -> Iterator[tuple[str, datetime]]:
    if case.reception is not None:
        yield "received_at", case.reception.received_at
    if case.due is not None:
        yield "due_at", case.due.at
        yield "due set at", case.due.set_at
    if case.closure is not None:
        yield f"{case.closure.kind} at", case.closure.at
    if case.result_returned_at is not None:
        yield "returned_at", case.result_returned_at
    for payment in case.payments:
        yield "approved_at", payment.approved_at
    for rating in case.ratings:
        yield "rated_at", rating.rated_at
