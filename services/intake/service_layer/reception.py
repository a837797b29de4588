"""Receiving a dossier: check it, number it, store it with its ``case-submitted`` event.

Idempotency: a request carrying an ``Idempotency-Key`` that was already used returns the case
stored for it (a unique index on the key decides between concurrent requests). The key is checked
before a number is drawn, and requests with one key take turns within a replica, so retries
consume no numbers. Only when replicas race with the same key does the loser draw a number; it
gives it back if no later number was drawn meanwhile (otherwise that one number stays unused).
Without a key the case gets one no request can repeat: every submission is new.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4

from services.intake.domain.agencies import Agency
from services.intake.domain.case import Case
from services.intake.domain.case_code import case_code, sequence_key
from services.intake.domain.catalogue import Catalogue
from services.intake.domain.catalogue_errors import NotInEffect, NotReceivable, UnknownCode
from services.intake.domain.commands import SubmitDossier
from services.intake.domain.errors import InvalidInput
from services.intake.domain.procedures import Procedure
from services.intake.domain.reception import case_submitted, check_dossier
from services.intake.service_layer.ports import (
    CaseRepository,
    CaseSequences,
    CodeTaken,
    DuplicateIdempotencyKey,
)
from shared.calendar import WorkingCalendar, local_date
from shared.clock import Clock
from shared.events.codec import new_event
from shared.mongo import Turns

IDEMPOTENCY_HEADER = "header.idempotency-key"
# Draws of a number before giving up; only a race between replicas on FerretDB needs two.
MAX_DRAWS = 20


@dataclass(frozen=True)
class Submission:
    case: Case
    # False when an earlier request with the same key had already stored it.
    created: bool


@dataclass(frozen=True)
class Reception:
    catalogue: Catalogue
    cases: CaseRepository
    sequences: CaseSequences
    calendar: WorkingCalendar
    clock: Clock
    # Called once new events are stored, so the relay publishes them without waiting to poll.
    stored: Callable[[], None] = lambda: None
    turns: Turns = field(default_factory=Turns)

    async def submit(self, cmd: SubmitDossier, idempotency_key: str | None) -> Submission:
        if idempotency_key is None:
            return await self._submit(cmd, f"none:{uuid4()}", _fingerprint(cmd))
        # Retries of one key take turns, so that in one replica only the first draws a number.
        async with self.turns.of(idempotency_key):
            fingerprint = _fingerprint(cmd)
            earlier = await self._earlier(idempotency_key, fingerprint)
            if earlier is not None:
                return Submission(earlier, created=False)
            return await self._submit(cmd, f"key:{idempotency_key}", fingerprint)

    async def _submit(self, cmd: SubmitDossier, key: str, fingerprint: str) -> Submission:
        received_at = self.clock.now()
        procedure, agency = self._catalogue_entries(cmd, received_at)
        documents = check_dossier(cmd, procedure, agency, local_date(received_at))
        assert procedure.processing_days is not None
        due_at = self.calendar.add_time(received_at, procedure.processing_days, procedure.time_unit)
        sequence = sequence_key(agency.code, received_at)
        for _ in range(MAX_DRAWS):
            number = await self.sequences.next_number(sequence)
            submitted = case_submitted(
                cmd,
                procedure,
                agency,
                documents,
                case_code=case_code(agency.code, received_at, number),
                received_at=received_at,
                due_at=due_at,
            )
            case = Case.received(submitted)
            event = new_event(submitted, time=received_at)
            try:
                await self.cases.insert(case, key, fingerprint, [event])
            except CodeTaken:
                continue
            except DuplicateIdempotencyKey:
                await self.sequences.give_back(sequence, number)
                return await self._replay(key, fingerprint)
            self.stored()
            return Submission(case, created=True)
        raise CodeTaken(sequence)

    async def _replay(self, key: str, fingerprint: str) -> Submission:
        """The case a concurrent request with the same key stored first."""
        earlier = await self._earlier(key.removeprefix("key:"), fingerprint)
        assert earlier is not None
        return Submission(earlier, created=False)

    async def _earlier(self, idempotency_key: str, fingerprint: str) -> Case | None:
        stored = await self.cases.by_idempotency_key(f"key:{idempotency_key}")
        if stored is None:
            return None
        if stored.fingerprint != fingerprint:
            raise InvalidInput(
                IDEMPOTENCY_HEADER,
                "Khóa Idempotency-Key này đã được dùng cho một hồ sơ khác",
            )
        return stored.case

    def _catalogue_entries(
        self, cmd: SubmitDossier, received_at: datetime
    ) -> tuple[Procedure, Agency]:
        day = local_date(received_at)
        try:
            procedure = self.catalogue.receivable_procedure(cmd.procedure_code, day)
        except UnknownCode:
            raise InvalidInput("procedure_code", "Không có thủ tục với mã này") from None
        except NotInEffect:
            raise InvalidInput(
                "procedure_code", "Thủ tục không có hiệu lực vào ngày nộp hồ sơ"
            ) from None
        except NotReceivable:
            raise InvalidInput(
                "procedure_code", "Thủ tục chưa đủ dữ liệu để tiếp nhận hồ sơ"
            ) from None
        try:
            agency = self.catalogue.agency(cmd.agency_code, day)
        except UnknownCode:
            raise InvalidInput("agency_code", "Không có cơ quan với mã này") from None
        except NotInEffect:
            raise InvalidInput("agency_code", "Cơ quan không hoạt động vào ngày nộp") from None
        return procedure, agency


def _fingerprint(cmd: SubmitDossier) -> str:
    return hashlib.sha256(cmd.model_dump_json().encode()).hexdigest()
