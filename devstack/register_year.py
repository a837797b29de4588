"""The seed's year through the public API: ``python -m devstack.register_year`` (stack running).

Thanh Chương district, 2018 (the seed article): the one-stop desks received 2,939 dossiers, all
resolved early or on time, none left in progress, and paid housing support to 1,010 households of
people with meritorious services (449 x 40,000,000 + 561 x 20,000,000 = 29,180,000,000 VND).
Those dossiers were handled on paper, so they enter the system as entries of the desks' paper
registers (``POST /register-entries``), each checked by intake against the catalogue and agencies
in force on its own date; reporting then shows the year. The entries are generated here (the
article gives totals only): housing support at the district desk, the other dossiers at the
communes' desks, with procedures in force then; received on working days only, resolved within
the appointment. Housing support has no legal processing time in any source found, so its
appointment is the one this register gives it (``HOUSING_APPOINTMENT_DAYS`` working days).

Run again, it records nothing twice: every entry has a stable register reference.
"""

import argparse
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from functools import cache
from typing import Any

import httpx

from devstack.config import StackConfig
from devstack.demo import Urls
from shared.auth import mint_token
from shared.calendar import DEFAULT_CALENDAR, LOCAL_TZ, WorkingCalendar, local_date
from shared.progress import Progress

Json = dict[str, Any]
YEAR = 2018
DISTRICT = "TCH"
HOUSING = "LOCAL.NCC.003"
HOUSING_PAYMENTS = [40_000_000] * 449 + [20_000_000] * 561
DOSSIERS = 2939
HOUSING_APPOINTMENT_DAYS = 15
PAGE = 500
ADMIN = "quantri.register"
REPORT_DEADLINE_S = 300.0
# A page that timed out or met a busy service (503) is sent again: the register records it once.
PAGE_ATTEMPTS = 5
PAGE_BACKOFF_MAX_S = 30.0


@dataclass(frozen=True)
class Desk:
    """What the loader reads of the catalogue on the year's first working day."""

    district: str
    communes: list[str]
    commune_procedures: list[Json]
    housing: Json


def plan(desk: Desk, year: int, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> list[Json]:
    """The year's register entries, spread evenly over its working days, housing support among
    them at an even stride."""
    days = working_days(year, calendar)
    entries: list[Json] = []
    numbers: dict[str, int] = defaultdict(int)
    paid = len(HOUSING_PAYMENTS)
    for i in range(DOSSIERS):
        payment = i * paid // DOSSIERS
        housing = payment != (i + 1) * paid // DOSSIERS
        agency = desk.district if housing else desk.communes[i % len(desk.communes)]
        procedure = desk.housing if housing else desk.commune_procedures[i % 2]
        numbers[agency] += 1
        day = days[i * len(days) // DOSSIERS]
        received = datetime.combine(day, clock_time(7 + i % 9, 30), LOCAL_TZ)
        entry = _entry(agency, numbers[agency], procedure, received, calendar, early=i % 3 != 0)
        if housing:
            entry["payment"] = {
                "amount_vnd": HOUSING_PAYMENTS[payment],
                "decision_number": f"{1000 + payment // 50}/QĐ-UBND",
            }
        entries.append(entry)
    return entries


def _entry(
    agency: str,
    number: int,
    procedure: Json,
    received: datetime,
    cal: WorkingCalendar,
    *,
    early: bool,
) -> Json:
    """Resolved a working day before the appointment, or on its day, and by the year's last
    working day at the latest, so that none is left in progress at its end."""
    days = procedure["processing_days"] or HOUSING_APPOINTMENT_DAYS
    due = cal.add_working_days(received, days)
    decided = local_date(cal.add_working_days(received, days - 1 if early else days))
    decided = min(decided, working_days(received.year, cal)[-1])
    resolved = max(
        datetime.combine(decided, clock_time(9), LOCAL_TZ), received + timedelta(hours=1)
    )
    return {
        "register_entry": f"{received.year}/{number:04d}",
        "procedure_code": procedure["code"],
        "agency_code": agency,
        "received_at": received.isoformat(),
        "due_at": due.isoformat(),
        "outcome": "approved",
        "resolved_at": resolved.isoformat(),
        "returned_at": (resolved + timedelta(hours=2)).isoformat(),
    }


@cache
def working_days(year: int, calendar: WorkingCalendar) -> list[date]:
    day, days = date(year, 1, 1), []
    while day.year == year:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


class RegisterLoader:
    def __init__(self, urls: Urls, client: httpx.Client) -> None:
        self.urls = urls
        self.http = client
        token = mint_token(ADMIN, ["admin"], "SNV", name="Quản trị hệ thống")
        self.admin = {"Authorization": f"Bearer {token}"}

    def desk(self, year: int) -> Desk:
        """The district's desks and procedures in force on the year's first working day."""
        at = {"at": working_days(year, DEFAULT_CALENDAR)[0].isoformat()}
        agencies = self.get(f"{self.urls.intake}/agencies", at)
        procedures = self.get(f"{self.urls.intake}/procedures", at | {"agency_level": "xã"})
        housing = self.get(f"{self.urls.intake}/procedures/{HOUSING}", at)
        communes = [a["code"] for a in agencies if a["code"].startswith(f"{DISTRICT}.")]
        # Dossiers that decide no payment: the year's payments are the housing support alone.
        ordinary = [p for p in procedures if not p["is_benefit"] and p["processing_days"]]
        return Desk(DISTRICT, communes, ordinary[:2], housing)

    def get(self, url: str, params: Json) -> Any:
        return self.http.get(url, params=params).raise_for_status().json()

    def record(self, entries: list[Json]) -> int:
        """Every page posted; the number of entries new to the register."""
        created = 0
        with Progress("register", total=len(entries), unit="entries") as progress:
            for start in range(0, len(entries), PAGE):
                page = entries[start : start + PAGE]
                url = f"{self.urls.intake}/register-entries"
                response = self.post_page(url, page)
                if response.is_error:
                    raise RegisterError(f"POST {url} -> {response.status_code}: {response.text}")
                created += sum(e["created"] for e in response.json()["entries"])
                progress.advance(len(page))
        return created

    def post_page(self, url: str, page: list[Json]) -> httpx.Response:
        """The page's answer; after a timeout or a 503 the page goes again (``PAGE_ATTEMPTS``)."""
        for attempt in range(1, PAGE_ATTEMPTS + 1):
            try:
                response = self.http.post(url, json={"entries": page}, headers=self.admin)
            except httpx.TimeoutException:
                if attempt == PAGE_ATTEMPTS:
                    raise
                wait = 2.0**attempt
            else:
                if response.status_code != 503 or attempt == PAGE_ATTEMPTS:
                    return response
                wait = _seconds(response.headers.get("Retry-After")) or 2.0**attempt
            time.sleep(min(wait, PAGE_BACKOFF_MAX_S))
        raise AssertionError("unreachable")

    def report(self, year: int, received: int) -> Json:
        """The one-stop report of the year once reporting counts ``received`` dossiers in it."""
        params = {"from": f"{year}-01-01", "to": f"{year}-12-31"}
        url = f"{self.urls.reporting}/reports/one-stop"
        deadline = time.monotonic() + REPORT_DEADLINE_S
        while True:
            total: Json = self.get(url, params)["total"]
            if total["received"]["total"] >= received:
                return total
            if time.monotonic() > deadline:
                raise RegisterError(f"reporting counts {total['received']['total']} of {received}")
            time.sleep(1)

    def payments(self, year: int) -> list[Json]:
        params = {"from": f"{year}-01-01", "to": f"{year}-12-31"}
        rows: list[Json] = self.get(f"{self.urls.reporting}/reports/payments", params)["rows"]
        return rows


def _seconds(retry_after: str | None) -> float | None:
    """A Retry-After given in seconds (the services' form); None for none or an HTTP date."""
    try:
        return float(retry_after) if retry_after is not None else None
    except ValueError:
        return None


class RegisterError(Exception):
    """A service refused a page, or reporting did not count the year in time."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=YEAR)
    args = parser.parse_args(argv)
    with httpx.Client(timeout=60) as client:
        loader = RegisterLoader(Urls.of(StackConfig.from_env()), client)
        try:
            entries = plan(loader.desk(args.year), args.year)
            created = loader.record(entries)
            total = loader.report(args.year, len(entries))
            payments = loader.payments(args.year)
        except (RegisterError, httpx.HTTPError) as error:
            print(f"register_year: error: {error}", file=sys.stderr)
            return 1
    resolved = total["resolved"]
    print(
        f"{len(entries)} register entries of {args.year} ({created} new); reporting: "
        f"{total['received']['total']} received, {resolved['early']} resolved early, "
        f"{resolved['on_time']} on time, {resolved['late']} late, "
        f"{total['in_progress']['total']} in progress"
    )
    for row in payments:
        print(f"  {row['label']}: {row['beneficiaries']} beneficiaries, {row['amount_vnd']:,} VND")
    return 0


if __name__ == "__main__":
    sys.exit(main())
