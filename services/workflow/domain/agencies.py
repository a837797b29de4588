"""The agency hierarchy as dated data, and which agency performs a step of a given level."""

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shared.events.values import AgencyCode, Text


class Level(StrEnum):
    """Level of government (cấp), lowest first: commune, district (until 30/6/2025), province."""

    XA = "xã"
    HUYEN = "huyện"
    TINH = "tỉnh"


class AgencyRef(BaseModel):
    """An agency as a case records it: enough to route, show and audit without the hierarchy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: AgencyCode
    name: Text


class Agency(AgencyRef):
    """One version of an agency: its level and its parent from one date to another (inclusive)."""

    level: Level
    parent: AgencyCode | None = None
    effective_from: date | None = None
    effective_to: date | None = None

    def in_effect(self, on: date) -> bool:
        starts = self.effective_from is None or self.effective_from <= on
        return starts and (self.effective_to is None or on <= self.effective_to)

    def ref(self) -> AgencyRef:
        return AgencyRef(code=self.code, name=self.name)


class AgencyTree(BaseModel):
    """Every version of every agency; looked up at the date a case was received."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agencies: tuple[Agency, ...] = Field(default=())

    def at(self, code: str, on: date) -> Agency | None:
        return next((a for a in self.agencies if a.code == code and a.in_effect(on)), None)

    def chain(self, code: str, on: date) -> list[Agency]:
        """The agency and its parents up to the top, as they stood on ``on``."""
        found: list[Agency] = []
        agency = self.at(code, on)
        while agency is not None and agency not in found:
            found.append(agency)
            agency = self.at(agency.parent, on) if agency.parent else None
        return found

    def performer(self, receiving: str, level: Level, on: date) -> Agency | None:
        """The agency of ``level`` a case received at ``receiving`` goes to, if it goes up.

        None when the step stays at the receiving desk's agency: the level is the desk's own or
        below it (a higher desk does the lower level's work itself, as the district desks did for
        commune procedures before 2025), or no agency of that level stands above it (a level the
        2025 reform abolished, or an agency this data does not know).
        """
        chain = self.chain(receiving, on)
        if not chain or LEVEL_RANK[level] <= LEVEL_RANK[chain[0].level]:
            return None
        return next((a for a in chain[1:] if a.level is level), None)


LEVEL_RANK = {Level.XA: 0, Level.HUYEN: 1, Level.TINH: 2}
