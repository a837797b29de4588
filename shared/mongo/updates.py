"""Combining update documents, so state changes, outbox entries and idempotency marks become ONE
single-document write."""

from collections.abc import Mapping
from typing import Any


def merge_updates(*updates: Mapping[str, Any]) -> dict[str, Any]:
    """Merge MongoDB update documents operator by operator.

    ``{"$set": {"a": 1}}`` and ``{"$set": {"b": 2}, "$push": {...}}`` give one update with both
    fields set and the push. A field named twice (under any operators) raises ``ValueError``: the
    server would reject the conflict anyway, later and less clearly.
    """
    merged: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for update in updates:
        for operator, fields in update.items():
            if not operator.startswith("$"):
                raise ValueError(f"not an update operator: {operator!r}")
            clash = seen.intersection(fields)
            if clash:
                raise ValueError(f"fields updated twice: {sorted(clash)}")
            seen.update(fields)
            merged.setdefault(operator, {}).update(fields)
    return merged
