"""Read-model documents: a case's projection, an aggregate bucket's update, a dimension's name."""

from typing import Any

from services.reporting.domain.case import CaseProjection
from services.reporting.domain.contributions import BucketKey, Counters
from services.reporting.service_layer.ports import Dimension, StoredCase

Document = dict[str, Any]


def case_document(case: StoredCase) -> Document:
    return {"_id": case.projection.case_code, **case.projection.to_document()}


def case_from_document(doc: Document) -> StoredCase:
    return StoredCase(CaseProjection.from_document(doc), doc["version"])


def bucket_update(key: BucketKey, counters: Counters) -> Document:
    """The bucket's fields (``kind``, its dimensions, ``day``) and counters sit at the top level,
    so reports filter and ``$group`` on them directly; the fields are set when it is created."""
    return {"$inc": counters, "$setOnInsert": key.document()}


def dimension_id(dim: Dimension) -> str:
    return f"{dim.kind}|{dim.code}"


def dimension_update(dim: Dimension) -> Document:
    return {"$set": {"kind": dim.kind, "code": dim.code, "name": dim.name}}
