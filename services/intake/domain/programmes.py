"""Payment programmes a benefit procedure feeds; loading checks each procedure names a known one.

Their amounts are the workflow service's business: it decides payments (its data/programmes.yaml,
keyed by the same codes, which travel on ``case-submitted.payment_programme``).
"""

from typing import Annotated

from pydantic import Field, Strict, StringConstraints

from services.intake.domain.catalogue_values import CatalogueModel, Text

ProgrammeCode = Annotated[str, Strict(), StringConstraints(pattern=r"^[A-Z0-9]+(_[A-Z0-9]+)*$")]


class Programme(CatalogueModel):
    code: ProgrammeCode
    name: Text
    legal_basis: tuple[Text, ...] = Field(min_length=1)
