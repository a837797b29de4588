"""Processing flows as data: ordered steps, the role and agency level owning each, and each step's
share of time."""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, model_validator

from services.workflow.domain.agencies import Agency, AgencyRef, AgencyTree, Level
from shared.events.workflow import Role, StepRef

# The agency whose one-stop desk received the case, whatever its level.
RECEIVING = "receiving"


class StepAction(StrEnum):
    """How a step ends: forwarded after review, with a leader's decision, or at the desk."""

    REVIEW = "review"
    DECIDE = "decide"
    RETURN = "return"


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$", max_length=64)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    role: Role
    # The level of the agency that performs the step (an interlinked procedure has several).
    level: Level | Literal["receiving"]
    action: StepAction
    share: Annotated[int, Strict(), Field(gt=0, le=100)]

    def ref(self) -> StepRef:
        return StepRef(step_id=self.id, step_name=self.name, role=self.role)


class Process(BaseModel):
    """One flow: review steps, exactly one leader decision, and the desk's return step last."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: tuple[Step, ...] = Field(min_length=2)
    # The hierarchy the steps' levels resolve against; data of the catalogue, not of the flow.
    hierarchy: AgencyTree = Field(default_factory=AgencyTree, exclude=True, repr=False)

    @model_validator(mode="after")
    def well_formed(self) -> Self:
        if sum(step.share for step in self.steps) != 100:
            raise ValueError("step shares must sum to 100")
        if len({step.id for step in self.steps}) != len(self.steps):
            raise ValueError("step ids must be unique")
        if (
            self.steps[-1].action is not StepAction.RETURN
            or self.steps[-1].role != Role.RECEPTION_CLERK
        ):
            raise ValueError("the last step must be the desk clerk's return step")
        deciders = [step for step in self.steps if step.action is StepAction.DECIDE]
        if len(deciders) != 1 or deciders[0].role != Role.LEADER:
            raise ValueError("exactly one step must be a leader's decision")
        if any(step.action is StepAction.RETURN for step in self.steps[:-1]):
            raise ValueError("only the last step returns the result")
        if self.steps[-1].level != RECEIVING:
            raise ValueError("the desk that received the case returns the result: level receiving")
        return self

    def performers(self, receiving: AgencyRef, on: date) -> list[AgencyRef]:
        """The agency performing each step of a case received at ``receiving`` on ``on``."""
        return [
            receiving
            if step.level == RECEIVING
            else _ref(self.hierarchy.performer(receiving.code, Level(step.level), on), receiving)
            for step in self.steps
        ]

    def cumulative_shares(self) -> list[int]:
        total, shares = 0, []
        for step in self.steps:
            total += step.share
            shares.append(total)
        return shares


class ProcessCatalogue(BaseModel):
    """The flow of each procedure, with a default for procedures that have none of their own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Process
    procedures: dict[str, Process] = Field(default_factory=dict)

    @classmethod
    def from_mapping(cls, raw: dict[str, Any], hierarchy: AgencyTree | None = None) -> Self:
        tree = hierarchy or AgencyTree()
        return cls.model_validate(
            {
                "default": {"steps": raw.get("default"), "hierarchy": tree},
                "procedures": {
                    code: {"steps": steps, "hierarchy": tree}
                    for code, steps in (raw.get("procedures") or {}).items()
                },
            }
        )

    def for_procedure(self, procedure_code: str) -> Process:
        return self.procedures.get(procedure_code, self.default)


def _ref(found: Agency | None, receiving: AgencyRef) -> AgencyRef:
    # A step with no agency above the desk at its level stays with the desk (see ``performer``).
    return receiving if found is None else found.ref()
