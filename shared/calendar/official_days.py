"""The public sector's days off and make-up working days, year by year, read from YAML.

A year in the file is complete: its weekday days off and its worked Saturdays and Sundays are
exactly those listed, whatever the `holidays` library computes (see working_calendar.py).
"""

from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    model_validator,
)

DEFAULT_FILE = files("shared.calendar") / "vn_days_off.yaml"

Note = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
SourceKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class OfficialDay(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    day: Annotated[date, Strict()] = Field(alias="date")
    reason: Note
    source: SourceKey
    verified: bool = Field(
        default=True, description="False when no published schedule of that year confirmed it."
    )


class OfficialYear(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    days_off: tuple[OfficialDay, ...] = Field(min_length=1)
    working_days: tuple[OfficialDay, ...] = ()


class OfficialDays(BaseModel):
    """Sources by key, and the complete days off and make-up days of each covered year."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: dict[SourceKey, Note]
    years: dict[int, OfficialYear] = Field(min_length=1)

    @model_validator(mode="after")
    def consistent(self) -> Self:
        for year, entries in self.years.items():
            _check_year(year, entries, self.sources)
        return self

    def off_dates(self) -> frozenset[date]:
        return frozenset(e.day for y in self.years.values() for e in y.days_off)

    def working_dates(self) -> frozenset[date]:
        return frozenset(e.day for y in self.years.values() for e in y.working_days)


class OfficialDaysError(ValueError):
    """The days-off file is malformed or contradicts itself."""


def load_official_days(path: Path | None = None) -> OfficialDays:
    source = path or DEFAULT_FILE
    raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    try:
        return OfficialDays.model_validate(raw)
    except ValidationError as error:
        raise OfficialDaysError(f"{source}: {error}") from error


def _check_year(year: int, entries: OfficialYear, sources: dict[str, str]) -> None:
    # Weekends are off anyway and weekdays worked anyway, so any other entry is a typo.
    for name, listed, weekend in (
        ("days_off", entries.days_off, False),
        ("working_days", entries.working_days, True),
    ):
        dates = [entry.day for entry in listed]
        if len(dates) != len(set(dates)):
            raise ValueError(f"{year}: {name} lists a date twice")
        for entry in listed:
            if entry.day.year != year:
                raise ValueError(f"{year}: {entry.day} is filed under another year")
            if (entry.day.weekday() >= 5) != weekend:
                kind = "a Saturday or Sunday" if weekend else "a weekday"
                raise ValueError(f"{year}: {name} entry {entry.day} is not {kind}")
            if entry.source not in sources:
                raise ValueError(f"{year}: {entry.day} names an unknown source {entry.source}")
