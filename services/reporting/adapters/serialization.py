"""Read-model documents: a case's projection, an aggregate bucket's update, a dimension's name."""

from typing import Any

from services.reporting.domain.case import CaseProjection
from services.reporting.domain.contributions import Contribution, Counters
from services.reporting.service_layer.ports import Dimension, StoredCase

Document = dict[str, Any]


def case_document(case: StoredCase) -> Document:
    return {"_id": case.projection.case_code, **case.projection.to_document()}


def case_from_document(doc: Document) -> StoredCase:
    return StoredCase(CaseProjection.from_document(doc), doc["version"])


def month_key(day: str) -> str:
    """``YYYY-MM`` of an ISO day."""
    return day[:7]


def bucket_updates(delta: Contribution) -> list[tuple[str, Document]]:
    """``(_id, update)`` of every changed day bucket and of its month bucket, in ``_id`` order.

    A bucket's fields (``kind``, its dimensions, ``day`` or ``month``) and counters sit at the
    top level, so reports filter and ``$group`` on them directly; the fields are set when it is
    created. The days of one month in ``delta`` add up into one write to that month's bucket.
    """
    totals: dict[str, tuple[Document, Counters]] = {}
    for key, changes in delta.items():
        day = key.document()
        month = {name: value for name, value in day.items() if name != "day"}
        month["month"] = month_key(key.day)
        month_id = "|".join([key.kind, *(v for _, v in key.dims), month["month"]])
        for bucket_id, fields in ((key.id, day), (month_id, month)):
            _, total = totals.setdefault(bucket_id, (fields, {}))
            for name, value in changes.items():
                total[name] = total.get(name, 0) + value
    updates = []
    for bucket_id in sorted(totals):
        fields, total = totals[bucket_id]
        counters = {name: value for name, value in sorted(total.items()) if value}
        if counters:
            updates.append((bucket_id, {"$inc": counters, "$setOnInsert": fields}))
    return updates


def dimension_id(dim: Dimension) -> str:
    return f"{dim.kind}|{dim.code}"


def dimension_update(dim: Dimension) -> Document:
    return {"$set": {"kind": dim.kind, "code": dim.code, "name": dim.name}}
