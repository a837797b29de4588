"""Audit entries: the seal, the canonical form it covers, what a change may hold, page cursors."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from shared.audit import AuditEntry, AuditQuery, PageCursor, changed_fields
from shared.audit.changes import MAX_CHANGE_BYTES, check_size, plain_change
from shared.audit.entry import GENESIS_HASH, utc_millis
from shared.officers import OfficerRole

AT = datetime(2026, 12, 2, 8, 30, 15, 123000, tzinfo=UTC)
FIELDS = {
    "sequence": 1,
    "at": AT,
    "officer_id": "cv.nguyen",
    "role": OfficerRole.SPECIALIST,
    "agency": "SLDTBXH.NA",
    "action": "complete_step",
    "case_code": "SLDTBXH-261202-0001",
    "before": {"step": 1, "status": "processing"},
    "after": {"step": 2, "status": "processing"},
    "request_id": "req-1",
}


def test_the_hash_covers_every_recorded_fact_and_the_previous_hash() -> None:
    entry = AuditEntry.seal(FIELDS, GENESIS_HASH)
    assert entry.hash == entry.expected_hash()
    changed = {
        "sequence": 2,
        "at": AT + timedelta(milliseconds=1),
        "officer_id": "cv.tran",
        "role": OfficerRole.LEADER,
        "agency": "SLDTBXH.HT",
        "action": "decide",
        "case_code": "SLDTBXH-261202-0002",
        "before": None,
        "after": {"step": 3, "status": "processing"},
        "request_id": None,
    }
    for name, value in changed.items():
        other = AuditEntry.seal({**FIELDS, name: value}, GENESIS_HASH)
        assert other.hash != entry.hash, name
    assert AuditEntry.seal(FIELDS, "1" * 64).hash != entry.hash


def test_an_entry_read_back_in_another_form_keeps_its_hash() -> None:
    entry = AuditEntry.seal(FIELDS, GENESIS_HASH)
    stored = entry.document()
    # Keys in another order, the instant naive (a client without tz_aware) or in another zone.
    shuffled = {k: stored[k] for k in reversed(list(stored))}
    shuffled["before"] = {"status": "processing", "step": 1}
    naive = AuditEntry.model_validate({**shuffled, "at": AT.replace(tzinfo=None)})
    in_hanoi = AT.astimezone(timezone(timedelta(hours=7)))
    hanoi = AuditEntry.model_validate({**shuffled, "at": in_hanoi})
    assert naive.expected_hash() == hanoi.expected_hash() == entry.hash


def test_an_altered_entry_no_longer_matches_its_hash() -> None:
    stored = AuditEntry.seal(FIELDS, GENESIS_HASH).document()
    altered = AuditEntry.model_validate({**stored, "after": {"step": 9, "status": "processing"}})
    assert altered.expected_hash() != altered.hash


def test_instants_are_kept_to_the_millisecond_in_utc() -> None:
    local = datetime(2026, 12, 2, 15, 30, 15, 123456, tzinfo=timezone(timedelta(hours=7)))
    assert utc_millis(local) == datetime(2026, 12, 2, 8, 30, 15, 123000, tzinfo=UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        utc_millis(datetime(2026, 12, 2))


def test_changed_fields_keep_only_what_differs() -> None:
    before = {"status": "processing", "step": 1, "assignee": "a", "phone": "+84901234567"}
    after = {"status": "processing", "step": 2, "note": "ok", "phone": "+84901234567"}
    assert changed_fields(before, after) == (
        {"assignee": "a", "step": 1},
        {"note": "ok", "step": 2},
    )
    assert changed_fields(before, after, fields=["step"]) == ({"step": 1}, {"step": 2})
    assert changed_fields(before, dict(before)) == (None, None)


def test_a_change_becomes_plain_json() -> None:
    change = {"due": date(2026, 12, 31), "role": OfficerRole.LEADER, "at": AT, 5: (1, 2)}
    assert plain_change(change) == {
        "due": "2026-12-31",
        "role": "leader",
        "at": "2026-12-02T08:30:15.123000Z",
        "5": [1, 2],
    }
    assert plain_change(None) is None


@pytest.mark.parametrize(
    "change", [{"amount": 2**63}, {"nested": [{"amount": -(2**63) - 1}]}, {"x": float("nan")}]
)
def test_a_change_the_store_cannot_hold_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        plain_change(change)


def test_a_change_must_stay_small() -> None:
    check_size({"note": "x" * 100}, None)
    with pytest.raises(ValueError, match="changed fields only"):
        check_size({"note": "x" * MAX_CHANGE_BYTES}, None)


def test_a_page_cursor_reads_back_what_it_wrote() -> None:
    cursor = PageCursor(AT, 42)
    assert PageCursor.decode(cursor.encode()) == cursor
    before_epoch = PageCursor(datetime(1900, 1, 1, tzinfo=UTC), 1)
    assert PageCursor.decode(before_epoch.encode()) == before_epoch


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "1.", ".1", "999999999999999.1", "1.-2"])
def test_a_page_cursor_it_did_not_write_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a page cursor"):
        PageCursor.decode(text)


@pytest.mark.parametrize("limit", [0, 501])
def test_a_query_asks_for_1_to_500_entries(limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        AuditQuery(limit=limit)


def test_a_query_period_is_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        AuditQuery(start=datetime(2026, 12, 1))
