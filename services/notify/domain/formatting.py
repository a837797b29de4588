"""How amounts and dates read in Vietnamese messages."""

from datetime import date, datetime

from shared.calendar import LOCAL_TZ


def format_vnd(amount: int) -> str:
    """``40000000`` -> ``40.000.000 đồng``: Vietnamese groups thousands with dots."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"VND amounts are whole numbers, got {amount!r}")
    return f"{amount:,}".replace(",", ".") + " đồng"


def to_local(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("a naive datetime has no place in a message: its zone is unknown")
    return instant.astimezone(LOCAL_TZ)


def format_date(value: datetime | date) -> str:
    """dd/mm/yyyy; an instant is read in Asia/Ho_Chi_Minh, where the citizen is."""
    day = to_local(value).date() if isinstance(value, datetime) else value
    return day.strftime("%d/%m/%Y")


def format_datetime(instant: datetime) -> str:
    """``HH:MM dd/mm/yyyy`` in Asia/Ho_Chi_Minh, the order Vietnamese notices use."""
    return to_local(instant).strftime("%H:%M %d/%m/%Y")
