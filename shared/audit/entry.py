"""One audit entry, sealed into the chain by a hash over its content and its predecessor's hash.

The hash is taken over a canonical JSON form built here field by field (sorted keys, no spaces,
UTC instants to the millisecond), not over a library's serialisation, so that an entry written
today still verifies after pydantic or the driver change their output.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from shared.events.values import AgencyCode, Code, StaffId
from shared.officers import OfficerRole

# The predecessor of the first entry.
GENESIS_HASH = "0" * 64
HASH_PATTERN = r"^[0-9a-f]{64}$"
MAX_REQUEST_ID_LENGTH = 64

Change = dict[str, Any]
Hash = Annotated[str, StringConstraints(pattern=HASH_PATTERN)]


def utc_millis(instant: datetime) -> datetime:
    """``instant`` in UTC, cut to the millisecond BSON keeps, so that it reads back unchanged."""
    if instant.tzinfo is None:
        raise ValueError("an audit instant must be timezone-aware")
    instant = instant.astimezone(UTC)
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


def _as_utc(value: Any) -> Any:
    # A client opened without tz_aware (e.g. an operator's script) reads BSON dates naive; they
    # are UTC all the same.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class AuditEntry(BaseModel):
    """Who (officer, the role acted in, agency) did what (action, case) when, with the changed
    fields before and after, under which request; ``hash`` seals it to ``previous_hash``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sequence: int = Field(ge=1)
    at: Annotated[datetime, BeforeValidator(_as_utc)]
    officer_id: StaffId
    role: OfficerRole
    agency: AgencyCode
    action: Code
    case_code: Code | None = None
    before: Change | None = None
    after: Change | None = None
    request_id: Annotated[str, StringConstraints(max_length=MAX_REQUEST_ID_LENGTH)] | None = None
    previous_hash: Hash
    hash: Hash

    @classmethod
    def seal(cls, fields: dict[str, Any], previous_hash: str) -> "AuditEntry":
        """The entry of ``fields`` (all but the two hashes), chained to ``previous_hash``."""
        draft = cls.model_validate({**fields, "previous_hash": previous_hash, "hash": GENESIS_HASH})
        return draft.model_copy(update={"hash": draft.expected_hash()})

    def content(self) -> dict[str, Any]:
        """What the hash covers besides the previous hash: every recorded fact."""
        return {
            "sequence": self.sequence,
            "at": self.at.astimezone(UTC).isoformat(timespec="milliseconds"),
            "officer_id": self.officer_id,
            "role": self.role.value,
            "agency": self.agency,
            "action": self.action,
            "case_code": self.case_code,
            "before": self.before,
            "after": self.after,
            "request_id": self.request_id,
        }

    def expected_hash(self) -> str:
        """sha256 of the canonical JSON of the content followed by the previous hash.

        Raises ``TypeError`` or ``ValueError`` when ``before``/``after`` hold something JSON has
        no form for (only possible if the stored entry was altered).
        """
        payload = canonical_json(self.content()) + self.previous_hash.encode()
        return hashlib.sha256(payload).hexdigest()

    def document(self) -> dict[str, Any]:
        """The stored form: plain values, ``at`` as a BSON date (range queries, indexes)."""
        return {**self.model_dump(mode="json"), "at": self.at}


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()
