"""Receiving a dossier: check it, number it, store it with its ``case-submitted`` event.

The case and its event are stored in one unit of work. Its number is drawn just before, on its
own (see ``adapters.case_sequences``): a number drawn for a reception that then stores nothing is
left as a gap in the day's sequence.

Idempotency: a request carrying an ``Idempotency-Key`` that was already used returns the case
stored for it. The key is looked up before a number is drawn, so a retry of a stored reception
consumes none; between concurrent requests with one key the unique index on the key decides: the
losers' units run again, find the winner's case and return it (their numbers stay unused).
Without a key the case is keyed by its own code: every such submission is new.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.intake.domain.agencies import Agency
from services.intake.domain.case import Case
from services.intake.domain.case_code import case_code, sequence_key
from services.intake.domain.catalogue import Catalogue
from services.intake.domain.commands import SubmitDossier
from services.intake.domain.errors import Conflict, InvalidInput
from services.intake.domain.procedures import Procedure
from services.intake.domain.reception import case_submitted, check_dossier, desk_at, procedure_at
from services.intake.service_layer.ports import CaseSequences, CaseStore, CaseUnits, ReceptionKey
from shared.calendar import WorkingCalendar, local_date
from shared.clock import Clock
from shared.events.codec import new_event
from shared.events.envelope import Envelope
from shared.mongo import Conflict as StoreConflict
from shared.officers import Officer, OfficerRole

IDEMPOTENCY_HEADER = "header.idempotency-key"


@dataclass(frozen=True)
class Submission:
    case: Case
    # False when an earlier request with the same key had already stored it.
    created: bool


@dataclass(frozen=True)
class Reception:
    catalogue: Catalogue
    units: CaseUnits
    sequences: CaseSequences
    calendar: WorkingCalendar
    clock: Clock

    async def submit(
        self, cmd: SubmitDossier, idempotency_key: str | None, officer: Officer
    ) -> Submission:
        """A desk officer receives the dossier (status 2, ``case-submitted``); the portal's
        account only registers an online one (status 1, nothing published) until the desk accepts
        or refuses it. Either way the officer's action goes into the audit trail with the case."""
        fingerprint = _fingerprint(cmd)
        if idempotency_key is not None:
            given = ReceptionKey(f"key:{idempotency_key}", fingerprint)
            earlier = await self.units.run(lambda cases: _earlier(cases, given))
            if earlier is not None:
                return Submission(earlier, created=False)
        online = OfficerRole.PORTAL in officer.roles
        case, event = await self._numbered_case(cmd, None if online else officer.id)
        stored = Stored(Case.registered(case.submitted), []) if online else Stored(case, [event])
        unique = f"case:{case.code}" if idempotency_key is None else f"key:{idempotency_key}"
        key = ReceptionKey(unique, fingerprint)
        try:
            return await self.units.run(lambda cases: _store(cases, stored, key, officer))
        except StoreConflict:
            # Only if the unit kept colliding through all its attempts; nothing was stored.
            raise Conflict("case_code", f"Chưa lưu được hồ sơ {case.code}, hãy gửi lại") from None

    async def _numbered_case(
        self, cmd: SubmitDossier, received_by: str | None
    ) -> tuple[Case, Envelope[Any]]:
        """The received case and its event, with the next number: checks come first, so a
        refused dossier draws no number."""
        received_at = self.clock.now()
        procedure, agency = self._catalogue_entries(cmd, received_at)
        documents = check_dossier(cmd, procedure, agency, local_date(received_at))
        assert procedure.processing_days is not None
        due_at = self.calendar.add_time(received_at, procedure.processing_days, procedure.time_unit)
        number = await self.sequences.next_number(sequence_key(agency.code, received_at))
        submitted = case_submitted(
            cmd,
            procedure,
            agency,
            documents,
            case_code=case_code(agency.code, received_at, number),
            received_at=received_at,
            due_at=due_at,
            received_by=received_by,
        )
        return Case.received(submitted), new_event(submitted, time=received_at)

    def _catalogue_entries(
        self, cmd: SubmitDossier, received_at: datetime
    ) -> tuple[Procedure, Agency]:
        day = local_date(received_at)
        lookup = self.catalogue.receivable_procedure
        procedure = procedure_at(lookup, cmd.procedure_code, day, "procedure_code")
        return procedure, desk_at(self.catalogue, cmd.agency_code, day, "agency_code")


def _fingerprint(cmd: SubmitDossier) -> str:
    return hashlib.sha256(cmd.model_dump_json().encode()).hexdigest()


async def _earlier(cases: CaseStore, key: ReceptionKey) -> Case | None:
    """The case stored for ``key``; refused if it was stored for another request."""
    stored = await cases.by_idempotency_key(key.idempotency_key)
    if stored is None:
        return None
    if stored.fingerprint != key.fingerprint:
        raise InvalidInput(
            IDEMPOTENCY_HEADER, "Khóa Idempotency-Key này đã được dùng cho một hồ sơ khác"
        )
    return stored.case


@dataclass(frozen=True)
class Stored:
    """What a reception stores: the case and the events it publishes (none while registered)."""

    case: Case
    events: list[Envelope[Any]]


# The desk's roles that receive: a clerk, or the portal's account for online dossiers.
RECEIVING_ROLES = frozenset({OfficerRole.RECEPTION_CLERK, OfficerRole.PORTAL})


async def _store(
    cases: CaseStore, stored: Stored, key: ReceptionKey, officer: Officer
) -> Submission:
    """Store the new case, unless a concurrent request with the same key stored its own first."""
    earlier = await _earlier(cases, key)
    if earlier is not None:
        return Submission(earlier, created=False)
    case = stored.case
    cases.add(case, key, stored.events)
    role = officer.acting_role(RECEIVING_ROLES)
    assert role is not None, "the route admits only the receiving roles"
    after = {"status": int(case.status), "procedure_code": case.submitted.procedure_code}
    await cases.record(officer, role, "receive", case_code=case.code, after=after)
    return Submission(case.model_copy(update={"version": 1}), created=True)
