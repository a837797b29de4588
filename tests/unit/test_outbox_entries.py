from datetime import UTC, datetime

import pytest

from shared.events.catalogue import CATALOGUE
from shared.events.examples import example_event
from shared.idempotency import once_filter, once_update
from shared.kafka.deadletter import dlq_topic
from shared.kafka.records import OutboundRecord, record_for
from shared.mongo.updates import merge_updates
from shared.outbox.entries import (
    OUTBOX,
    QUEUED_AT,
    entry_record,
    outbox_entry,
    outbox_fields,
    outbox_update,
    record_entry,
)

pytestmark = pytest.mark.unit

NOW = datetime(2025, 7, 14, 2, 0, tzinfo=UTC)
SUBMITTED = example_event(CATALOGUE.for_topic("case-submitted")[0])
RESOLVED = example_event(CATALOGUE.for_topic("case-resolved")[0])


def test_a_stored_entry_becomes_exactly_the_record_of_its_event() -> None:
    assert entry_record(outbox_entry(SUBMITTED, NOW)) == record_for(SUBMITTED)


def test_any_record_can_be_queued_with_its_own_headers() -> None:
    dead = OutboundRecord(dlq_topic("case-resolved"), "K", b"\x00raw", [("dlq_reason", b"x")])
    entry = record_entry(dead, "e-1", NOW)
    assert entry_record(entry) == dead
    assert entry["id"] == "e-1"


def test_the_update_appends_the_events_in_order() -> None:
    update = outbox_update(SUBMITTED, RESOLVED, now=NOW)
    entries = update["$push"][OUTBOX]["$each"]
    assert [e["id"] for e in entries] == [str(SUBMITTED.id), str(RESOLVED.id)]
    assert [e["topic"] for e in entries] == ["case-submitted", "case-resolved"]
    assert all(e["created_at"] == NOW for e in entries)
    assert list(update) == ["$push"]


def test_entries_are_stamped_with_the_wall_clock_whatever_the_domain_time() -> None:
    before = datetime.now(UTC)
    [entry] = outbox_fields(SUBMITTED, now=NOW)[OUTBOX]
    assert entry["created_at"] == NOW
    assert before <= entry[QUEUED_AT] <= datetime.now(UTC)


def test_no_events_means_nothing_to_merge() -> None:
    assert outbox_update() == {} == outbox_fields()


def test_state_change_events_and_idempotency_merge_into_one_update() -> None:
    state = {"$set": {"status": "resolved"}, "$inc": {"version": 1}}
    update = once_update(merge_updates(state, outbox_update(RESOLVED, now=NOW)), SUBMITTED.id)
    assert update["$set"] == {"status": "resolved"}
    assert update["$inc"] == {"version": 1}
    assert update["$push"]["applied_event_ids"] == str(SUBMITTED.id)
    assert len(update["$push"][OUTBOX]["$each"]) == 1


def test_the_idempotent_filter_only_matches_documents_without_the_event() -> None:
    assert once_filter({"_id": "X"}, SUBMITTED.id) == {
        "_id": "X",
        "applied_event_ids": {"$ne": str(SUBMITTED.id)},
    }


def test_updating_a_field_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        merge_updates({"$push": {OUTBOX: 1}}, outbox_update(RESOLVED))
    with pytest.raises(ValueError, match="not an update operator"):
        merge_updates({"status": "x"})
