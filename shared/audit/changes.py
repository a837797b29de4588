"""The "before" and "after" of an audit entry: small, plain JSON, identical once stored.

An entry records the fields an action changed, not whole documents: the trail stays small and
holds no more personal data than the action touched.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic_core import to_jsonable_python

from shared.audit.entry import Change, canonical_json

# Both sides of one entry together, as canonical JSON: a few changed fields fit many times over.
MAX_CHANGE_BYTES = 16 * 1024
# BSON integers are 64-bit: a larger one cannot be stored, so it is refused before the unit runs.
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def changed_fields(
    before: Mapping[str, Any], after: Mapping[str, Any], fields: Iterable[str] | None = None
) -> tuple[Change | None, Change | None]:
    """Only the top-level fields whose values differ (among ``fields``, if given), on each side.

    A field present on one side only appears on that side. ``(None, None)`` when nothing changed.
    """
    names = list(fields) if fields is not None else sorted(before.keys() | after.keys())
    differing = [n for n in names if before.get(n) != after.get(n) or (n in before) != (n in after)]
    old = {n: before[n] for n in differing if n in before}
    new = {n: after[n] for n in differing if n in after}
    return old or None, new or None


def plain_change(change: Mapping[str, Any] | None) -> Change | None:
    """``change`` as plain JSON values (dates and enums to their JSON form, keys to text), so that
    the hash taken before storing is the hash of what reads back.

    ``ValueError`` for what JSON or BSON cannot hold (NaN, integers beyond 64 bits).
    """
    if change is None:
        return None
    plain = json.loads(canonical_json(to_jsonable_python(dict(change))))
    _check_integers(plain)
    result: Change = plain
    return result


def check_size(before: Change | None, after: Change | None) -> None:
    size = len(canonical_json([before, after]))
    if size > MAX_CHANGE_BYTES:
        raise ValueError(f"an audit entry records changed fields only ({size} bytes given)")


def _check_integers(value: Any) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _check_integers(item)
    elif isinstance(value, list):
        for item in value:
            _check_integers(item)
    elif isinstance(value, int) and not _INT64_MIN <= value <= _INT64_MAX:
        raise ValueError("an audit value exceeds the 64-bit integer range")
