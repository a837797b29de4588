"""The procedure catalogue: procedures and agencies, each valid over dated periods.

Built by catalogue_loading.load_catalogue from the data files; pure lookups from then on. A date
may be given as an aware datetime, read in Viet Nam time.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import TypeVar

from services.intake.domain.agencies import Agency
from services.intake.domain.catalogue_errors import (
    CatalogueLookupError,
    NotInEffect,
    NotReceivable,
    UnknownCode,
)
from services.intake.domain.catalogue_values import Dated, Level, ProcedureField
from services.intake.domain.procedures import Procedure
from services.intake.domain.vietnamese_text import matches
from shared.calendar import local_date

DatedT = TypeVar("DatedT", bound=Dated)


def _as_date(at: date) -> date:
    return local_date(at) if isinstance(at, datetime) else at


def _group(entries: Iterable[DatedT], code_of: Callable[[DatedT], str]) -> dict[str, list[DatedT]]:
    grouped: dict[str, list[DatedT]] = defaultdict(list)
    for entry in entries:
        grouped[code_of(entry)].append(entry)
    return dict(grouped)


def _version_at(kind: str, code: str, versions: Sequence[DatedT], at: date) -> DatedT:
    if not versions:
        raise UnknownCode(kind, code)
    for version in versions:
        if version.in_effect(at):
            return version
    raise NotInEffect(kind, code, at, [version.period for version in versions])


class Catalogue:
    def __init__(
        self,
        procedures: Sequence[Procedure],
        agencies: Sequence[Agency],
    ) -> None:
        self._procedures = list(procedures)
        self._agencies = list(agencies)
        self._procedure_versions = _group(procedures, lambda p: p.code)
        self._agency_versions = _group(agencies, lambda a: a.code)

    # ---------------------------------------------------------------- procedures
    def procedures(self, at: date | None = None) -> list[Procedure]:
        """All versions, or those in effect on `at`, in data-file order."""
        if at is None:
            return list(self._procedures)
        day = _as_date(at)
        return [procedure for procedure in self._procedures if procedure.in_effect(day)]

    def search(
        self,
        text: str = "",
        *,
        at: date | None = None,
        field: ProcedureField | None = None,
        level: Level | None = None,
        agency_level: Level | None = None,
        is_benefit: bool | None = None,
    ) -> list[Procedure]:
        """Procedures whose code, name or field match `text` (accent-insensitive) and filters.

        `level` is the deciding level; `agency_level` keeps those a desk of that level receives.
        """
        return [
            procedure
            for procedure in self.procedures(at)
            if matches(text, procedure.code, procedure.name, procedure.field)
            and (field is None or procedure.field is field)
            and (level is None or procedure.level is level)
            and (agency_level is None or agency_level in procedure.receiving_levels)
            and (is_benefit is None or procedure.is_benefit is is_benefit)
        ]

    def procedure(self, code: str, at: date) -> Procedure:
        """The version of `code` in effect on `at`; NotInEffect if the code exists but not then."""
        return _version_at("procedure", code, self._procedure_versions.get(code, []), _as_date(at))

    def receivable_procedure(self, code: str, at: date) -> Procedure:
        """Like procedure(), and refuses a version too incomplete for a desk to receive."""
        procedure = self.procedure(code, at)
        reason = procedure.not_receivable_because
        if reason:
            raise NotReceivable(code, reason)
        return procedure

    # ---------------------------------------------------------------- agencies
    def agencies(
        self, at: date | None = None, level: Level | None = None, receives: bool | None = None
    ) -> list[Agency]:
        day = None if at is None else _as_date(at)
        return [
            agency
            for agency in self._agencies
            if (day is None or agency.in_effect(day))
            and (level is None or agency.level is level)
            and (receives is None or agency.receives is receives)
        ]

    def desks_receiving(self, code: str, at: date) -> list[Agency]:
        """The desks that can receive procedure `code` on `at`: none when no version of it is
        receivable then, else the agencies in effect whose level its version names."""
        try:
            procedure = self.receivable_procedure(code, at)
        except CatalogueLookupError:
            return []
        levels = procedure.receiving_levels
        return [agency for agency in self.agencies(at, receives=True) if agency.level in levels]

    def agency(self, code: str, at: date) -> Agency:
        return _version_at("agency", code, self._agency_versions.get(code, []), _as_date(at))
