"""The yearly days off and make-up working days the Government announces, read from YAML."""

from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, ValidationError

DEFAULT_FILE = files("shared.calendar") / "vn_swapped_days.yaml"

Note = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class SwappedDay(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    day: Annotated[date, Strict()] = Field(alias="date")
    reason: Note
    source: Note


class SwappedDays(BaseModel):
    """Dates that override the statutory calendar in either direction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days_off: tuple[SwappedDay, ...] = ()
    working_days: tuple[SwappedDay, ...] = ()

    def off_dates(self) -> frozenset[date]:
        return frozenset(entry.day for entry in self.days_off)

    def working_dates(self) -> frozenset[date]:
        return frozenset(entry.day for entry in self.working_days)


class SwappedDaysError(ValueError):
    """The swapped-days file is malformed or contradicts itself."""


def load_swapped_days(path: Path | None = None) -> SwappedDays:
    source = path or DEFAULT_FILE
    raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    try:
        swapped = SwappedDays.model_validate(raw)
    except ValidationError as error:
        raise SwappedDaysError(f"{source}: {error}") from error
    for name, entries in (("days_off", swapped.days_off), ("working_days", swapped.working_days)):
        dates = [entry.day for entry in entries]
        if len(dates) != len(set(dates)):
            raise SwappedDaysError(f"{source}: {name} lists a date twice")
    both = swapped.off_dates() & swapped.working_dates()
    if both:
        listed = ", ".join(sorted(day.isoformat() for day in both))
        raise SwappedDaysError(f"{source}: dates both off and working: {listed}")
    return swapped
