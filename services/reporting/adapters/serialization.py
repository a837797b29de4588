"""Read-model documents: case versions with their aggregate change, and aggregate rows."""

from typing import Any

from services.reporting.domain.case import CaseProjection
from services.reporting.domain.contributions import BucketKey, Contribution
from services.reporting.service_layer.ports import CaseWrite, StoredCase
from shared.idempotency import APPLIED

Document = dict[str, Any]


def key_to_document(key: BucketKey) -> Document:
    # A sub-document, not pairs: FerretDB 1.24 stores no nested arrays (BSON keeps key order).
    return {"kind": key.kind, "dims": dict(key.dims), "day": key.day}


def key_from_document(doc: Document) -> BucketKey:
    return BucketKey(doc["kind"], tuple(doc["dims"].items()), doc["day"])


def delta_to_document(delta: Contribution) -> list[Document]:
    return [{"key": key_to_document(k), "counters": c} for k, c in delta.items()]


def delta_from_document(docs: list[Document]) -> Contribution:
    return {key_from_document(d["key"]): d["counters"] for d in docs}


def case_document(write: CaseWrite) -> Document:
    return {
        "_id": f"{write.case_code}|{write.version}",
        "case_code": write.case_code,
        "version": write.version,
        "projection": write.projection.to_document(),
        APPLIED: write.applied,
        # A summarised version's change is in the rebuild's summary rows and is never healed.
        "delta": [] if write.summarised else delta_to_document(write.delta),
        "summarised": write.summarised,
    }


def case_from_document(doc: Document) -> StoredCase:
    return StoredCase(
        projection=CaseProjection.from_document(doc["projection"]),
        version=doc["version"],
        applied=set(doc.get(APPLIED, [])),
        delta=delta_from_document(doc.get("delta", [])),
        summarised=doc.get("summarised", False),
    )


def delta_rows(write: CaseWrite) -> list[Document]:
    """The aggregate rows of one case version: ``_id`` names the version and the bucket."""
    return [
        {"_id": f"{write.case_code}|{write.version}|{key.id}", **key.document(), **counters}
        for key, counters in write.delta.items()
    ]


def summary_rows(summary: Contribution) -> list[Document]:
    """One row per bucket: the summed changes a rebuild recorded."""
    return [
        {"_id": f"summary|{key.id}", **key.document(), **counters}
        for key, counters in summary.items()
        if any(counters.values())
    ]
