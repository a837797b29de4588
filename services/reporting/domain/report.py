"""The one-stop report (Biểu 06/VPCP/KSTT figures), computed from summed aggregate counters.

Input per row: the ``flow`` counters summed over the days before the period (``before``) and over
the period's days (``within``). See ``contributions.py`` for why those two sums are enough.
"""

from dataclasses import dataclass

from services.reporting.domain.contributions import Counters


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 2) if whole else 0.0


@dataclass(frozen=True)
class Received:
    carried_over: int
    online: int
    direct_or_postal: int

    @property
    def new(self) -> int:
        return self.online + self.direct_or_postal

    @property
    def total(self) -> int:
        return self.carried_over + self.new


@dataclass(frozen=True)
class Resolved:
    early: int
    on_time: int
    late: int

    @property
    def total(self) -> int:
        return self.early + self.on_time + self.late


@dataclass(frozen=True)
class InProgress:
    within_deadline: int
    overdue: int

    @property
    def total(self) -> int:
        return self.within_deadline + self.overdue


@dataclass(frozen=True)
class OneStopRow:
    """One line of the report: the figures of one agency, field or procedure (or all of them)."""

    key: str
    label: str
    received: Received
    resolved: Resolved
    in_progress: InProgress
    stopped: int
    # Withdrawn by the applicant (status 7, "rút hồ sơ"): closed like a stop, counted apart.
    withdrawn: int

    def as_dict(self) -> dict[str, object]:
        rec, res, prog = self.received, self.resolved, self.in_progress
        return {
            "key": self.key,
            "label": self.label,
            "received": {
                "total": rec.total,
                "carried_over": rec.carried_over,
                "new": rec.new,
                "online": rec.online,
                "direct_or_postal": rec.direct_or_postal,
                "online_pct": percent(rec.online, rec.new),
            },
            "resolved": {
                "total": res.total,
                "early": res.early,
                "on_time": res.on_time,
                "late": res.late,
                "early_pct": percent(res.early, res.total),
                "on_time_pct": percent(res.on_time, res.total),
                "late_pct": percent(res.late, res.total),
                "share_of_received_pct": percent(res.total, rec.total),
            },
            "in_progress": {
                "total": prog.total,
                "within_deadline": prog.within_deadline,
                "overdue": prog.overdue,
                "within_deadline_pct": percent(prog.within_deadline, prog.total),
                "overdue_pct": percent(prog.overdue, prog.total),
            },
            "stopped": self.stopped,
            "withdrawn": self.withdrawn,
        }


def one_stop_row(key: str, label: str, before: Counters, within: Counters) -> OneStopRow:
    def at_end(name: str) -> int:
        return before.get(name, 0) + within.get(name, 0)

    in_progress = at_end("received") - at_end("closed")
    overdue = at_end("due") - at_end("due_closed")
    return OneStopRow(
        key=key,
        label=label,
        received=Received(
            carried_over=before.get("received", 0) - before.get("closed", 0),
            online=within.get("received_online", 0),
            direct_or_postal=within.get("received_direct", 0) + within.get("received_postal", 0),
        ),
        resolved=Resolved(
            early=within.get("resolved_early", 0),
            on_time=within.get("resolved_on_time", 0),
            late=within.get("resolved_late", 0),
        ),
        in_progress=InProgress(within_deadline=in_progress - overdue, overdue=overdue),
        stopped=within.get("stopped", 0),
        withdrawn=within.get("withdrawn", 0),
    )
