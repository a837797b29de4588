"""Values shared by the catalogue's models: levels, fields, and periods of validity."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Strict, StringConstraints, model_validator

# Local government has two levels (province, commune) from this date; district entries end before.
TWO_TIER_FROM = date(2025, 7, 1)

Text = Annotated[str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True)]
Day = Annotated[date, Strict()]


class Level(StrEnum):
    """Level of government (cấp): province, district (2018 regime only) or commune."""

    TINH = "tỉnh"
    HUYEN = "huyện"
    XA = "xã"


class ProcedureField(StrEnum):
    """Field (lĩnh vực) of a procedure, as printed on receipts."""

    NGUOI_CO_CONG = "Người có công"
    VIEC_LAM = "Việc làm"
    BAO_TRO_XA_HOI = "Bảo trợ xã hội"
    GIAM_NGHEO = "Giảm nghèo"
    GIAO_DUC_NGHE_NGHIEP = "Giáo dục nghề nghiệp"


class CatalogueModel(BaseModel):
    """Catalogue data is read-only and closed: an unknown key in a data file is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Dated(CatalogueModel):
    """Something in effect from one date to another, both inclusive; None leaves that end open."""

    effective_from: Day | None = None
    effective_to: Day | None = None

    @model_validator(mode="after")
    def period_is_ordered(self) -> Self:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    def in_effect(self, at: date) -> bool:
        starts = self.effective_from is None or self.effective_from <= at
        return starts and (self.effective_to is None or at <= self.effective_to)

    def overlaps(self, other: "Dated") -> bool:
        first_ends = self.effective_to or date.max
        other_ends = other.effective_to or date.max
        first_starts = self.effective_from or date.min
        other_starts = other.effective_from or date.min
        return first_starts <= other_ends and other_starts <= first_ends

    def same_period(self, other: "Dated") -> bool:
        mine = (self.effective_from, self.effective_to)
        return mine == (other.effective_from, other.effective_to)

    @property
    def period(self) -> str:
        starts = self.effective_from.isoformat() if self.effective_from else "…"
        ends = self.effective_to.isoformat() if self.effective_to else "…"
        return f"{starts} to {ends}"

    def ends_before_two_tier(self) -> bool:
        return self.effective_to is not None and self.effective_to < TWO_TIER_FROM
