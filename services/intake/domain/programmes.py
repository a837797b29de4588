"""Payment programmes and their fixed amounts over time."""

from datetime import date
from itertools import combinations
from typing import Annotated, Self

from pydantic import Field, Strict, StringConstraints, model_validator

from services.intake.domain.catalogue_errors import AmountNotKnown
from services.intake.domain.catalogue_values import CatalogueModel, Dated, Text

ProgrammeCode = Annotated[str, Strict(), StringConstraints(pattern=r"^[A-Z0-9]+(_[A-Z0-9]+)*$")]
Variant = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(_[a-z0-9]+)*$")]


class ProgrammeAmount(Dated):
    variant: Variant = Field(description="Tells apart the amounts of one programme.")
    label: Text
    vnd: Annotated[int, Strict(), Field(gt=0)]
    per: Text = Field(description="What one amount is paid for, e.g. 'hộ', 'liệt sĩ/năm'.")
    basis: Text
    verified: bool


class Programme(CatalogueModel):
    code: ProgrammeCode
    name: Text
    legal_basis: tuple[Text, ...] = Field(min_length=1)
    amounts: tuple[ProgrammeAmount, ...] = ()

    @model_validator(mode="after")
    def one_amount_per_variant_at_a_time(self) -> Self:
        for first, second in combinations(self.amounts, 2):
            if first.variant == second.variant and first.overlaps(second):
                raise ValueError(f"two amounts of variant {first.variant} overlap in time")
        return self

    @property
    def variants(self) -> list[str]:
        return sorted({amount.variant for amount in self.amounts})

    def amount_at(self, at: date, variant: str | None = None) -> ProgrammeAmount:
        """The amount in effect on `at`; `variant` may be left out when there is only one."""
        if variant is None:
            if len(self.variants) > 1:
                detail = f"say which variant: {', '.join(self.variants)}"
                raise AmountNotKnown(self.code, at, detail)
            variant = self.variants[0] if self.variants else None
        for amount in self.amounts:
            if amount.variant == variant and amount.in_effect(at):
                return amount
        raise AmountNotKnown(self.code, at, f"no amount of variant {variant} in effect")
