"""Records the national portal refused, parked on the ``portal-sync.dlq`` topic for people to
inspect, fix and send again.

The message is published through the outbox in the unit of work that settles the send, so a
refusal is parked exactly when its outcome is stored. The value is JSON: the case code, the id of
the event whose record was refused (the portal's ``Idempotency-Key``), the reason, the attempts,
when, and the body that was sent. Headers repeat what tools filter on, like the consumers' dead
letters (``shared/kafka/deadletter.py``).
"""

import json
from typing import Any

from services.reporting.service_layer.portal_ports import Claim, Settlement
from shared.kafka.deadletter import MAX_REASON_BYTES, truncate
from shared.kafka.records import OutboundRecord

PORTAL_DLQ = "portal-sync.dlq"
SOURCE = b"reporting/portal-sync"


def refusal_record(claim: Claim, state: Settlement) -> OutboundRecord:
    """The dead letter of a refused send, keyed by case code so a case's refusals stay in order."""
    reason = state.error or ""
    attempts = claim.attempts + 1
    body: dict[str, Any] = {
        "case_code": claim.case_code,
        "event_id": claim.event_id,
        "reason": reason,
        "attempts": attempts,
        "refused_at": state.now.isoformat(),
        "payload": claim.payload,
    }
    headers = [
        ("content-type", b"application/json"),
        ("dlq_reason", truncate(reason, MAX_REASON_BYTES)),
        ("dlq_source", SOURCE),
        ("dlq_event_id", claim.event_id.encode()),
        ("dlq_attempts", str(attempts).encode()),
    ]
    value = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return OutboundRecord(PORTAL_DLQ, claim.case_code, value, headers)
