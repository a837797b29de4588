"""What one case adds to the aggregate counters, and the change between two projections.

Aggregates are counters in buckets keyed by kind x dimensions x local day (Asia/Ho_Chi_Minh):

- ``flow`` (agency x field x procedure x day): ``received`` (+ per channel) on the day received;
  ``resolved`` (+ per timeliness), ``stopped``, ``withdrawn`` and ``closed`` on the day processing
  ended (a withdrawal closes a case like a stop, and is counted apart); ``due``
  on the day of the current appointment; ``due_closed`` on the later of the due day and the
  closing day.
- ``pay`` (programme x agency x day approved): ``beneficiaries``, ``amount_vnd``.
- ``sat`` (agency x day rated): ``ratings``, ``points``, one sum per indicator, one count per
  overall judgement.

So figures "at the end of day d" need no scan of cases (see ``report.py``):
in progress(d) = sum over days <= d of (received - closed);
overdue(d) = sum over days <= d of (due - due_closed), since a case counts there exactly when its
due day is <= d and it is not closed by d (receipt always precedes the due day).

Because a case's contribution is a pure function of its facts, the change an event makes is
``contribution(after) - contribution(before)``, whatever order the facts arrived in.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from services.reporting.domain.case import CaseProjection
from shared.calendar import local_date

Counters = dict[str, int]

INDICATORS = (
    "total_time",
    "unit_time",
    "contacts",
    "agencies_contacted",
    "one_stop",
    "publicly_posted",
    "staff_attitude",
    "feedback_handling",
    "online_quality",
)
OVERALL = ("not_satisfied", "satisfied", "very_satisfied")
# Every counter each kind of bucket may hold: what a report sums.
COUNTERS = {
    "flow": (
        *("received", "received_online", "received_direct", "received_postal"),
        *("closed", "resolved", "resolved_early", "resolved_on_time", "resolved_late"),
        *("stopped", "withdrawn", "due", "due_closed"),
    ),
    "pay": ("beneficiaries", "amount_vnd"),
    "sat": (
        *("ratings", "points"),
        *(f"ind_{name}" for name in INDICATORS),
        *(f"overall_{level}" for level in OVERALL),
    ),
}


@dataclass(frozen=True, order=True)
class BucketKey:
    kind: str  # "flow" | "pay" | "sat"
    dims: tuple[tuple[str, str], ...]
    day: str  # ISO local date: sorts and compares as text

    @property
    def id(self) -> str:
        return "|".join([self.kind, *(v for _, v in self.dims), self.day])

    def document(self) -> dict[str, str]:
        return {"kind": self.kind, **dict(self.dims), "day": self.day}


Contribution = dict[BucketKey, Counters]


def local_day(instant: datetime) -> str:
    return local_date(instant).isoformat()


def contribution(case: CaseProjection) -> Contribution:
    out: Contribution = defaultdict(lambda: defaultdict(int))
    add_flow(case, out)
    for p in case.payments:
        key = BucketKey(
            "pay", (("programme", p.programme), ("agency", p.agency)), local_day(p.approved_at)
        )
        out[key]["beneficiaries"] += 1
        out[key]["amount_vnd"] += p.amount_vnd
    for r in case.ratings:
        key = BucketKey("sat", (("agency", r.agency),), local_day(r.rated_at))
        out[key]["ratings"] += 1
        out[key]["points"] += r.total_points
        out[key][f"overall_{r.overall}"] += 1
        for name, points in r.indicators.items():
            out[key][f"ind_{name}"] += points
    return out


def add_flow(case: CaseProjection, out: Contribution) -> None:
    """Reception, closing and due-day counters; none until the reception fact is known."""
    rec = case.reception
    if rec is None or case.due is None:
        return
    dims = (("agency", rec.agency), ("field", rec.field), ("procedure", rec.procedure))

    def bump(day: str, *counters: str) -> None:
        for name in counters:
            out[BucketKey("flow", dims, day)][name] += 1

    bump(local_day(rec.received_at), "received", f"received_{rec.channel}")
    due_day = local_day(case.due.at)
    bump(due_day, "due")
    closure = case.closure
    if closure is not None:
        closed_day = local_day(closure.at)
        detail = f"resolved_{closure.timeliness}" if closure.timeliness else None
        bump(closed_day, "closed", closure.kind, *([detail] if detail else []))
        bump(max(due_day, closed_day), "due_closed")


def difference(before: Contribution, after: Contribution) -> Contribution:
    """Per bucket, the counters that changed (zero changes and empty buckets left out)."""
    delta: Contribution = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, {}), after.get(key, {})
        changed = {n: new.get(n, 0) - old.get(n, 0) for n in set(old) | set(new)}
        changed = {n: v for n, v in sorted(changed.items()) if v}
        if changed:
            delta[key] = changed
    return delta


def merge(into: Contribution, more: Contribution) -> None:
    for key, counters in more.items():
        bucket = into.setdefault(key, {})
        for name, value in counters.items():
            bucket[name] = bucket.get(name, 0) + value
