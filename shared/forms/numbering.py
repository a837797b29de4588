"""Which number and title a form carries on a given date, read from the dated rules in YAML.

The number is not a property of the form but of the regime in force on the document's date: the
control slip is Mẫu số 05 under Circular 01/2018/TT-VPCP and Mẫu số 06 under 03/2025/TT-VPCP.
"""

from datetime import date
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Annotated, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

DEFAULT_FILE = files("shared.forms") / "numbering.yaml"

Title = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Number = Annotated[str, StringConstraints(pattern=r"^\d{2}$")]


class FormKind(StrEnum):
    """The seven documents of the one-stop mechanism, named by purpose (their numbers are dated)."""

    RECEIPT = "receipt"
    SUPPLEMENT_REQUEST = "supplement_request"
    REFUSAL = "refusal"
    APOLOGY = "apology"
    STOP_NOTICE = "stop_notice"
    CONTROL_SLIP = "control_slip"
    TRACKING_BOOK = "tracking_book"


class NumberingError(LookupError):
    """No regime covers the date, or the rules file is inconsistent."""


class FormEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: Number | None
    title: Title


class Regime(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    short_source: Title
    effective_from: date
    legal_effective_from: date
    source: tuple[Title, ...] = Field(min_length=1)
    verified: bool
    forms: dict[FormKind, FormEntry]

    @model_validator(mode="after")
    def _covers_every_kind(self) -> Self:
        missing = set(FormKind) - set(self.forms)
        if missing:
            raise ValueError(f"regime {self.id} lacks {sorted(missing)}")
        return self


class FormNumber(BaseModel):
    """What a document prints: its number (if the regime has one), title and legal source."""

    model_config = ConfigDict(frozen=True)

    kind: FormKind
    number: Number | None
    title: Title
    source: Title
    regime: str

    @property
    def label(self) -> str | None:
        """The line printed above the header, e.g. "Mẫu số 06 - Thông tư 03/2025/TT-VPCP"."""
        if self.number is None:
            return None  # a regime without this form: nothing to cite
        return f"Mẫu số {self.number} - {self.source}"


class NumberingRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    regimes: tuple[Regime, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct_dates(self) -> Self:
        starts = [regime.effective_from for regime in self.regimes]
        if len(set(starts)) != len(starts):
            raise ValueError("two regimes start on the same date")
        return self

    def regime_on(self, day: date) -> Regime:
        in_force = [regime for regime in self.regimes if regime.effective_from <= day]
        if not in_force:
            first = min(regime.effective_from for regime in self.regimes)
            raise NumberingError(f"no form numbering before {first.isoformat()} (asked {day})")
        return max(in_force, key=lambda regime: regime.effective_from)

    def number(self, kind: FormKind, day: date) -> FormNumber:
        regime = self.regime_on(day)
        entry = regime.forms[kind]
        return FormNumber(
            kind=kind,
            number=entry.number,
            title=entry.title,
            source=regime.short_source,
            regime=regime.id,
        )


def parse_rules(text: str) -> NumberingRules:
    return NumberingRules.model_validate(yaml.safe_load(text))


@cache
def default_rules() -> NumberingRules:
    return parse_rules(DEFAULT_FILE.read_text(encoding="utf-8"))


def form_number(kind: FormKind, day: date) -> FormNumber:
    """The number and title of `kind` for a document dated `day`, from numbering.yaml."""
    return default_rules().number(kind, day)
