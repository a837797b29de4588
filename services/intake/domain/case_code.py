"""Case codes ``{agency}-{yyMMdd}-{NNNN}``: a daily sequence per agency, in Viet Nam's calendar."""

from datetime import date, datetime

from shared.calendar import local_date


def sequence_key(agency_code: str, received_at: datetime) -> str:
    """The counter a case received at ``received_at`` draws its number from."""
    return f"{agency_code}-{_day(local_date(received_at))}"


def case_code(agency_code: str, received_at: datetime, number: int) -> str:
    # Four digits is the printed minimum; a busier day simply grows a fifth.
    return f"{sequence_key(agency_code, received_at)}-{number:04d}"


def _day(day: date) -> str:
    return day.strftime("%y%m%d")
