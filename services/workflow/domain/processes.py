"""Processing flows as data: ordered steps, the role owning each, and each step's share of time."""

from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, model_validator

from shared.events.workflow import Role, StepRef


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
    action: StepAction
    share: Annotated[int, Strict(), Field(gt=0, le=100)]

    def ref(self) -> StepRef:
        return StepRef(step_id=self.id, step_name=self.name, role=self.role)


class Process(BaseModel):
    """One flow: review steps, exactly one leader decision, and the desk's return step last."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: tuple[Step, ...] = Field(min_length=2)

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
        return self

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
    def from_mapping(cls, raw: dict[str, Any]) -> Self:
        return cls.model_validate(
            {
                "default": {"steps": raw.get("default")},
                "procedures": {
                    code: {"steps": steps} for code, steps in (raw.get("procedures") or {}).items()
                },
            }
        )

    def for_procedure(self, procedure_code: str) -> Process:
        return self.procedures.get(procedure_code, self.default)
