"""Agencies of the province, as dated data; a desk's code prefixes the case codes it gives."""

from typing import Annotated, Self

from pydantic import Field, Strict, StringConstraints, model_validator

from services.intake.domain.catalogue_values import Dated, Level, Text

# Letters, digits and dots only: the code is the first part of {code}-{yyMMdd}-{NNNN}.
AGENCY_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9.]*$"
AgencyCode = Annotated[str, Strict(), StringConstraints(pattern=AGENCY_CODE_PATTERN, max_length=32)]


class Agency(Dated):
    code: AgencyCode
    name: Text
    level: Level
    parent: AgencyCode | None = Field(
        default=None, description="Where the next step of an interlinked procedure goes."
    )
    replaced_by: AgencyCode | None = Field(
        default=None, description="For a commune merged away: the commune that took it over."
    )
    address: Text
    place_of_return: Text = Field(description="Where results are handed back (on the receipt).")
    receives: bool = Field(
        default=True, description="False for an agency without a one-stop desk of its own."
    )
    verified: bool
    sources: tuple[Text, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def district_ends_before_two_tier(self) -> Self:
        if self.level is Level.HUYEN and not self.ends_before_two_tier():
            raise ValueError("a district-level agency must end before 2025-07-01")
        return self
