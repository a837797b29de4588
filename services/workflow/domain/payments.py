"""Payment programmes and the amount a benefit decision pays under their rules."""

from datetime import date
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from services.workflow.domain.errors import InvalidInput
from shared.events.values import PositiveVnd


class Rate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    valid_from: date = Field(alias="from")
    vnd: PositiveVnd


class Programme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    period_label: str = Field(min_length=1)
    options: dict[str, tuple[Rate, ...]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def rates_in_order(self) -> Self:
        for option, rates in self.options.items():
            starts = [rate.valid_from for rate in rates]
            if not rates or starts != sorted(set(starts)):
                raise ValueError(f"option {option!r} needs rates in increasing date order")
        return self

    def unit_amount(self, option: str | None, on: date) -> int:
        """The amount one unit of ``option`` paid on the given day."""
        if option is None:
            if len(self.options) != 1:
                raise InvalidInput(
                    "chương trình có nhiều mức: cần chọn một mức", field="payment.option"
                )
            option = next(iter(self.options))
        if option not in self.options:
            raise InvalidInput(f"chương trình không có mức {option!r}", field="payment.option")
        applicable = [rate for rate in self.options[option] if rate.valid_from <= on]
        if not applicable:
            raise InvalidInput(
                f"mức {option!r} chưa có số tiền áp dụng ngày {on:%d/%m/%Y}",
                field="payment.option",
            )
        return applicable[-1].vnd


class ProgrammeCatalogue(RootModel[dict[str, Programme]]):
    def get(self, code: str) -> Programme | None:
        return self.root.get(code)


def decided_amount(
    programme: Programme,
    *,
    amount_vnd: int | None,
    option: str | None,
    quantity: int,
    on: date,
) -> int:
    """The amount the programme's rules fix for that day, which a stated amount must equal; a
    programme that fixes none (set per person) takes the decision's."""
    if not programme.options:
        if amount_vnd is None:
            raise InvalidInput(
                "chương trình không quy định số tiền: quyết định phải nêu số tiền",
                field="payment.amount_vnd",
            )
        return amount_vnd
    fixed = programme.unit_amount(option, on) * quantity
    if amount_vnd is not None and amount_vnd != fixed:
        raise InvalidInput(
            f"số tiền {vnd(amount_vnd)} khác mức quy định {vnd(fixed)} của «{programme.name}» "
            f"áp dụng ngày {on:%d/%m/%Y}",
            field="payment.amount_vnd",
        )
    return fixed


def vnd(amount: int) -> str:
    return f"{amount:,} đồng".replace(",", ".")
