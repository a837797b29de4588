"""The audit trail on the real store: entries commit with their action, the chain has no forks or
gaps under concurrent appends and linkers, and edits, removals and a stale head are found by the
check."""

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared.audit import (
    ENTRIES,
    HEAD,
    INDEXES,
    PENDING,
    AuditEntry,
    ChainProblem,
    append_audit,
    changed_fields,
    link_all,
    link_pending,
    verify_chain,
)
from shared.clock import ManualClock
from shared.mongo import Document, Transaction, UnitOfWork, ensure_indexes, mongo_client
from shared.officers import Officer, OfficerRole
from shared.settings import ServiceSettings

pytestmark = pytest.mark.integration

SPECIALIST = Officer(
    id="cv.nguyen",
    name="Nguyễn Văn An",
    roles=frozenset({OfficerRole.SPECIALIST}),
    agency="SLDTBXH.NA",
)
CASE = "SLDTBXH-261202-0001"
NOW = datetime(2026, 12, 2, 3, 15, 42, 987654, tzinfo=UTC)
_numbers = itertools.count()


class Refused(Exception):
    """A domain refusal raised out of a unit of work."""


@pytest.fixture
async def db(settings: ServiceSettings) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of the test's own: each test starts a trail from nothing."""
    client = mongo_client(settings)
    database = client[f"{settings.mongodb_database}_{next(_numbers)}"]
    await ensure_indexes(database, INDEXES)
    yield database
    await client.close()


async def entries(db: AsyncDatabase[Document]) -> list[Document]:
    return [d async for d in db[ENTRIES].find({}, {"_id": 0}, sort=[("sequence", 1)])]


async def record(tx: Transaction, n: int = 0) -> None:
    await append_audit(
        tx, SPECIALIST, OfficerRole.SPECIALIST, "claim", case_code=f"SLDTBXH-261202-{n:04d}"
    )


async def chain_of(db: AsyncDatabase[Document], length: int) -> None:
    uow = UnitOfWork(db)
    for n in range(1, length + 1):
        await uow.run(lambda tx, n=n: record(tx, n))
    await link_all(db)


async def test_an_action_and_its_entry_commit_together(db: AsyncDatabase[Document]) -> None:
    uow = UnitOfWork(db, clock=ManualClock(NOW))
    await uow.run(lambda tx: _insert_case(tx))

    async def complete_step(tx: Transaction) -> None:
        case = await tx.find_one("cases", {"_id": CASE})
        changed = {**case, "step": 2, "assignee": None}
        tx.replace("cases", changed, version=case["version"])
        before, after = changed_fields(case, changed, fields=["step", "assignee", "status"])
        await append_audit(
            tx,
            SPECIALIST,
            OfficerRole.SPECIALIST,
            "complete_step",
            case_code=CASE,
            before=before,
            after=after,
            request_id="req-7",
        )

    await uow.run(complete_step)
    case = await db["cases"].find_one({"_id": CASE})
    assert case is not None and (case["step"], case["version"]) == (2, 2)
    # Committed with the change, pending until linked into the chain.
    assert await db[PENDING].count_documents({}) == 1 and await entries(db) == []
    assert await link_pending(db) == 1
    [stored] = await entries(db)
    entry = AuditEntry.model_validate(stored)
    assert await db[PENDING].count_documents({}) == 0
    assert entry.model_dump(include={"sequence", "officer_id", "role", "agency", "at"}) == {
        "sequence": 1,
        "officer_id": "cv.nguyen",
        "role": OfficerRole.SPECIALIST,
        "agency": "SLDTBXH.NA",
        "at": NOW.replace(microsecond=987000),
    }
    assert entry.before == {"step": 1, "assignee": "cv.nguyen"}
    assert entry.after == {"step": 2, "assignee": None}
    assert await db[HEAD].find_one({}, {"_id": 0}) == {
        "sequence": 1,
        "hash": entry.hash,
        "version": 1,
    }
    assert (await verify_chain(db)).intact


async def test_a_refused_action_leaves_no_entry(db: AsyncDatabase[Document]) -> None:
    uow = UnitOfWork(db)
    await chain_of(db, 2)
    head = await db[HEAD].find_one({})

    async def refused(tx: Transaction) -> None:
        await record(tx, 3)
        raise Refused("the step is not the officer's")

    with pytest.raises(Refused):
        await uow.run(refused)
    with pytest.raises(ValueError, match="does not hold the role leader"):
        await uow.run(lambda tx: append_audit(tx, SPECIALIST, OfficerRole.LEADER, "decide"))
    assert await db[PENDING].count_documents({}) == 0
    await link_all(db)
    assert [e["sequence"] for e in await entries(db)] == [1, 2]
    assert await db[HEAD].find_one({}) == head


async def test_concurrent_appends_make_one_chain_without_gaps(
    db: AsyncDatabase[Document],
) -> None:
    # Fifty audited units at the same instant with the default attempts: none waits on another
    # (each writes only its own pending entry); three linkers at once chain them without a fork.
    uow = UnitOfWork(db)

    async def act(tx: Transaction, n: int) -> None:
        tx.insert("cases", {"_id": f"SLDTBXH-261202-{n:04d}"})
        await record(tx, n)

    await asyncio.gather(*(uow.run(lambda tx, n=n: act(tx, n)) for n in range(1, 51)))
    await asyncio.gather(*(link_pending(db, limit=7) for _ in range(3)))
    await link_all(db)
    stored = await entries(db)
    assert [e["sequence"] for e in stored] == list(range(1, 51))
    assert [e["previous_hash"] for e in stored[1:]] == [e["hash"] for e in stored[:-1]]
    assert sorted(e["case_code"] for e in stored) == sorted(
        [d["_id"] async for d in db["cases"].find({})]
    )
    report = await verify_chain(db)
    assert (report.intact, report.checked, report.head_sequence) == (True, 50, 50)


async def test_entries_appended_in_one_unit_follow_each_other(
    db: AsyncDatabase[Document],
) -> None:
    async def two(tx: Transaction) -> None:
        await record(tx, 1)
        await record(tx, 2)

    await UnitOfWork(db).run(two)
    await link_all(db)
    first, second = await entries(db)
    assert (first["sequence"], second["sequence"]) == (1, 2)
    assert [first["case_code"], second["case_code"]] == [f"SLDTBXH-261202-{n:04d}" for n in (1, 2)]
    assert second["previous_hash"] == first["hash"]
    assert (await verify_chain(db)).intact


async def test_an_edited_entry_is_named(db: AsyncDatabase[Document]) -> None:
    await chain_of(db, 5)
    await db[ENTRIES].update_one({"sequence": 3}, {"$set": {"after": {"step": 9}}})
    await _assert_broken(db, ChainProblem.EDITED, 3)


async def test_an_entry_edited_and_sealed_again_breaks_the_next_link(
    db: AsyncDatabase[Document],
) -> None:
    await chain_of(db, 5)
    stored = await db[ENTRIES].find_one({"sequence": 2}, {"_id": 0})
    assert stored is not None
    forged = AuditEntry.seal(
        {**_fields(stored), "case_code": "SLDTBXH-261202-9999"}, stored["previous_hash"]
    )
    await db[ENTRIES].replace_one({"sequence": 2}, forged.document())
    await _assert_broken(db, ChainProblem.BROKEN_LINK, 3)


async def test_a_removed_entry_is_named(db: AsyncDatabase[Document]) -> None:
    await chain_of(db, 5)
    await db[ENTRIES].delete_one({"sequence": 2})
    await _assert_broken(db, ChainProblem.MISSING, 2)


async def test_a_removed_last_entry_is_found_through_the_head(
    db: AsyncDatabase[Document],
) -> None:
    await chain_of(db, 5)
    await db[ENTRIES].delete_one({"sequence": 5})
    await _assert_broken(db, ChainProblem.MISSING, 5)


async def test_a_head_that_does_not_match_the_last_entry_is_named(
    db: AsyncDatabase[Document],
) -> None:
    await chain_of(db, 3)
    await db[HEAD].update_one({}, {"$set": {"hash": "f" * 64}})
    await _assert_broken(db, ChainProblem.HEAD_MISMATCH, 3)


async def test_a_head_altered_out_of_shape_matches_no_entry(
    db: AsyncDatabase[Document],
) -> None:
    await chain_of(db, 3)
    await db[HEAD].update_one({}, {"$unset": {"sequence": ""}})
    await _assert_broken(db, ChainProblem.HEAD_MISMATCH, 1)


async def test_an_entry_written_around_the_trail_is_found(db: AsyncDatabase[Document]) -> None:
    await chain_of(db, 3)
    last = await db[ENTRIES].find_one({"sequence": 3}, {"_id": 0})
    assert last is not None
    extra = AuditEntry.seal({**_fields(last), "sequence": 4}, last["hash"])
    await db[ENTRIES].insert_one(extra.document())
    await _assert_broken(db, ChainProblem.HEAD_MISMATCH, 4)


async def test_a_malformed_entry_is_named(db: AsyncDatabase[Document]) -> None:
    await chain_of(db, 3)
    await db[ENTRIES].update_one({"sequence": 2}, {"$unset": {"officer_id": ""}})
    await _assert_broken(db, ChainProblem.MALFORMED, 2)


async def test_a_client_reading_naive_dates_verifies_the_same(
    db: AsyncDatabase[Document], settings: ServiceSettings
) -> None:
    await chain_of(db, 3)
    # A client opened without tz_aware, as an operator's script would be.
    client: AsyncMongoClient[Document] = AsyncMongoClient(settings.mongodb_uri)
    plain = client[db.name]
    try:
        assert (await plain[ENTRIES].find_one({}))["at"].tzinfo is None
        report = await verify_chain(plain)
    finally:
        await client.close()
    assert (report.intact, report.checked) == (True, 3)


async def _insert_case(tx: Transaction) -> None:
    case = {"_id": CASE, "step": 1, "status": "processing", "assignee": "cv.nguyen"}
    tx.replace("cases", case, version=0)


def _fields(stored: Document) -> dict[str, Any]:
    return {k: v for k, v in stored.items() if k not in {"hash", "previous_hash"}}


async def _assert_broken(db: AsyncDatabase[Document], problem: ChainProblem, at: int) -> None:
    report = await verify_chain(db)
    assert not report.intact
    assert (report.problem, report.first_bad_sequence) == (problem, at), report.reason
    assert report.reason and str(at) in report.reason
