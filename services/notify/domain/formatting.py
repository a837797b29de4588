"""How amounts, dates and payment periods read in Vietnamese messages."""

import unicodedata
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from shared.calendar import LOCAL_TZ

# (year, month, day, hour, minute) as the wall clock in Viet Nam shows it.
WallClock = tuple[int, int, int, int, int]

MINUTES_A_DAY = 24 * 60
MINUTE = timedelta(minutes=1)


def format_vnd(amount: int) -> str:
    """``40000000`` -> ``40.000.000 đồng``: Vietnamese groups thousands with dots."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"VND amounts are whole numbers, got {amount!r}")
    return f"{amount:,}".replace(",", ".") + " đồng"


def local_wall_clock(instant: datetime) -> WallClock:
    """The instant on a clock in Asia/Ho_Chi_Minh, for any aware datetime.

    Python's datetime stops at 31/12/9999: 9999-12-31T20:00Z is already 1 January of year 10000
    in Viet Nam, which ``astimezone`` cannot represent. An event may carry such a date (a typo, a
    test of the bounds), and a message must still render rather than fail its event, so the
    minutes past the range are counted by hand.
    """
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("a naive datetime has no place in a message: its zone is unknown")
    try:
        local = instant.astimezone(LOCAL_TZ)
    except OverflowError:
        return _beyond_range(instant)
    return local.year, local.month, local.day, local.hour, local.minute


def _beyond_range(instant: datetime) -> WallClock:
    naive = instant.replace(tzinfo=None)  # the wall clock in the instant's own zone
    own = instant.utcoffset() or timedelta(0)
    # Viet Nam's offset at about that time (+07:00 since 1975).
    shift = (LOCAL_TZ.utcoffset(naive) or timedelta(hours=7)) - own
    days, minutes = divmod(naive.hour * 60 + naive.minute + shift // MINUTE, MINUTES_A_DAY)
    ordinal = naive.toordinal() + days
    hour, minute = divmod(minutes, 60)
    if ordinal > date.max.toordinal():  # into January of year 10000
        return 10000, 1, ordinal - date.max.toordinal(), hour, minute
    if ordinal < 1:  # back into December of year 0
        return 0, 12, 31 + ordinal, hour, minute
    day = date.fromordinal(ordinal)
    return day.year, day.month, day.day, hour, minute


def format_date(value: datetime | date) -> str:
    """dd/mm/yyyy; an instant is read in Asia/Ho_Chi_Minh, where the citizen is."""
    if isinstance(value, datetime):
        year, month, day, _, _ = local_wall_clock(value)
        return f"{day:02d}/{month:02d}/{year:04d}"
    return value.strftime("%d/%m/%Y")


def format_datetime(instant: datetime) -> str:
    """``HH:MM dd/mm/yyyy`` in Asia/Ho_Chi_Minh, the order Vietnamese notices use."""
    year, month, day, hour, minute = local_wall_clock(instant)
    return f"{hour:02d}:{minute:02d} {day:02d}/{month:02d}/{year:04d}"


# What a programme's period label says about how often the amount is paid, by its plain words.
_EVERY = {"hang thang": "/tháng", "hang quy": "/quý", "hang nam": "/năm", "mot lan": " một lần"}


def per_period(label: str | None) -> str:
    """What follows an amount: ``/tháng`` for a monthly allowance, ``/năm`` for a yearly one,
    `` một lần`` for a one-off payment; nothing for a label that says none of these (a period
    given by its dates, "Năm 2025")."""
    if not label:
        return ""
    plain = " ".join(_plain(label).split())
    return next((suffix for words, suffix in _EVERY.items() if words in plain), "")


def _plain(text: str) -> str:
    """Lower case without diacritics, so "Hằng tháng", "hàng tháng" and "HANG THANG" compare."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def lookup_link(lookup_url: str, case_code: str) -> str:
    """The citizen's lookup page with the case code filled in (``?ma=``), which the page reads."""
    parts = urlsplit(lookup_url)
    query = urlencode([*parse_qsl(parts.query), ("ma", case_code)], safe="")
    return urlunsplit(parts._replace(query=query))
