"""Registering an online dossier (status 1): numbered and stored, but not yet received.

The portal files it; nothing is published until the desk checks it and accepts it (status 2,
``case-submitted``, so the workflow starts then) or refuses it (status 3, ``case-refused``). The
checks, numbering and idempotency are the reception's own (``service_layer.reception``).
"""

from services.intake.domain.case import Case
from services.intake.domain.commands import SubmitDossier
from services.intake.domain.errors import Conflict
from services.intake.service_layer.ports import CaseStore, ReceptionKey
from services.intake.service_layer.reception import (
    Reception,
    Submission,
    _earlier,
    _fingerprint,
)
from shared.mongo import Conflict as StoreConflict


async def register_online(
    reception: Reception, cmd: SubmitDossier, idempotency_key: str | None
) -> Submission:
    fingerprint = _fingerprint(cmd)
    if idempotency_key is not None:
        given = ReceptionKey(f"key:{idempotency_key}", fingerprint)
        earlier = await reception.units.run(lambda cases: _earlier(cases, given))
        if earlier is not None:
            return Submission(earlier, created=False)
    received, _ = await reception._numbered_case(cmd, None)
    case = Case.registered(received.submitted)
    unique = f"case:{case.code}" if idempotency_key is None else f"key:{idempotency_key}"
    key = ReceptionKey(unique, fingerprint)
    try:
        return await reception.units.run(lambda cases: _store(cases, case, key))
    except StoreConflict:
        raise Conflict("case_code", f"Chưa lưu được hồ sơ {case.code}, hãy gửi lại") from None


async def _store(cases: CaseStore, case: Case, key: ReceptionKey) -> Submission:
    earlier = await _earlier(cases, key)
    if earlier is not None:
        return Submission(earlier, created=False)
    # No event: the dossier is only registered until the desk accepts or refuses it.
    cases.add(case, key, [])
    return Submission(case.model_copy(update={"version": 1}), created=True)
