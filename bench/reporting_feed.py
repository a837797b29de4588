"""Realistic event feeds for the reporting service's tests and benchmark.

``thanh_chuong_2018`` rebuilds the seed article's figures for the Thanh Chương office: 2,939
dossiers received in 2018, all resolved early or on time; 1,010 housing-support payments worth
29,180,000,000 VND (449 new builds at 40,000,000 and 561 repairs at 20,000,000); 3 gratitude
houses worth 130,000,000 VND. Deterministic (seeded), so two runs give the same events. The
agency and procedure codes are the catalogue's of 2018 (``services/intake/data``), the days the
working days of the official calendar, as the system itself would have published them; the
dossiers go through the live events (submitted, resolved, paid, rated), which the reports read.
The seed's year through the public API is ``devstack.register_year``.
"""

import asyncio
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from aiokafka import AIOKafkaProducer

from shared.calendar import DEFAULT_CALENDAR
from shared.events.codec import new_event
from shared.events.decisions import CaseResolved, Outcome, PaymentApproved, PaymentPeriod
from shared.events.envelope import Envelope
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseRated, CaseSubmitted, RatingIndicators, Satisfaction
from shared.events.values import Beneficiary, SubmissionChannel, Timeliness
from shared.kafka.records import record_for
from shared.settings import ServiceSettings

AGENCY = "TCH"
AGENCY_NAME = "Phòng Lao động - Thương binh và Xã hội huyện Thanh Chương"
HOUSING = "HO_TRO_NHA_O_NCC"
GRATITUDE = "NHA_TINH_NGHIA"
SEED_CASES = 2939
SEED_HOUSING = [40_000_000] * 449 + [20_000_000] * 561
SEED_GRATITUDE = [50_000_000, 50_000_000, 30_000_000]


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str
    days: int


# In force in 2018; working days. Housing support has no legal time: 15 is the feed's appointment.
PROCEDURES = [
    Procedure("1.011607", "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", "Giảm nghèo", 7),
    Procedure("2.002821", "Hỗ trợ đào tạo nghề cho lao động nông thôn", "Việc làm", 7),
    Procedure("1.010803", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công", 27),
    Procedure("LOCAL.NCC.003", "Hỗ trợ người có công với cách mạng về nhà ở", "Người có công", 15),
]
HOUSING_PROCEDURE = PROCEDURES[3]


def event_id(rng: random.Random) -> UUID:
    return UUID(int=rng.getrandbits(128), version=4)


class FeedBuilder:
    """Makes the events of many cases from the catalogue's examples, varying what reports read."""

    def __init__(self, agency: str = AGENCY, agency_name: str = AGENCY_NAME, seed: int = 2018):
        self.agency, self.agency_name = agency, agency_name
        self.rng = random.Random(seed)
        self.numbers: dict[date, int] = {}

    def case_code(self, received: datetime) -> str:
        day = received.date()
        self.numbers[day] = self.numbers.get(day, 0) + 1
        return f"{self.agency}-{day:%y%m%d}-{self.numbers[day]:04d}"

    def submitted(
        self, received: datetime, procedure: Procedure, channel: SubmissionChannel
    ) -> Envelope:
        due = DEFAULT_CALENDAR.add_working_days(received, procedure.days)
        data = EXAMPLES[CaseSubmitted].model_copy(
            update={
                "case_code": self.case_code(received),
                "procedure_code": procedure.code,
                "procedure_name": procedure.name,
                "field": procedure.field,
                "agency_code": self.agency,
                "agency_name": self.agency_name,
                "channel": channel,
                "received_at": received,
                "processing_days": procedure.days,
                "due_at": due,
            }
        )
        return new_event(data, event_id=event_id(self.rng), time=received)

    def resolved(self, submitted: Envelope, timeliness: Timeliness) -> Envelope:
        due = submitted.data.due_at
        received = submitted.data.received_at
        at = {
            Timeliness.EARLY: received + (due - received) / 2,
            Timeliness.ON_TIME: due - timedelta(hours=1),
            Timeliness.LATE: due + timedelta(days=3),
        }[timeliness]
        data = EXAMPLES[CaseResolved].model_copy(
            update={
                "case_code": submitted.subject,
                "outcome": Outcome.APPROVED,
                "resolved_at": at,
                "due_at": due,
                "timeliness": timeliness,
                "agency_code": self.agency,
                "procedure_code": submitted.data.procedure_code,
            }
        )
        return new_event(data, event_id=event_id(self.rng), time=at)

    def payment(self, resolved: Envelope, programme: str, amount: int, number: int) -> Envelope:
        data = EXAMPLES[PaymentApproved].model_copy(
            update={
                "case_code": resolved.subject,
                "decision_number": f"{number}/QĐ-UBND",
                "beneficiary": Beneficiary(
                    full_name="Nguyễn Văn An", citizen_id=f"0401{number:08d}"
                ),
                "programme_code": programme,
                "amount_vnd": amount,
                "period": PaymentPeriod(label="Một lần"),
                "approved_at": resolved.data.resolved_at,
                "agency_code": self.agency,
                "procedure_code": resolved.data.procedure_code,
            }
        )
        return new_event(data, event_id=event_id(self.rng), time=resolved.data.resolved_at)

    def rated(self, resolved: Envelope, overall: Satisfaction) -> Envelope:
        points = {"not_satisfied": 0, "satisfied": 1, "very_satisfied": 2}[overall.value]
        indicators = RatingIndicators(**{k: points for k in RatingIndicators.model_fields})
        at = resolved.data.resolved_at + timedelta(hours=2)
        data = CaseRated(
            case_code=resolved.subject,
            indicators=indicators,
            total_points=points * 9,
            overall=overall,
            agency_code=self.agency,
            rated_at=at,
        )
        return new_event(data, event_id=event_id(self.rng), time=at)


def working_days(year: int) -> list[datetime]:
    """The official working days from 2 January to 15 November, 08:00 local (01:00 UTC): the
    last dossiers of the year are resolved within it."""
    day, end, out = date(year, 1, 2), date(year, 11, 15), []
    while day <= end:
        if DEFAULT_CALENDAR.is_working_day(day):
            out.append(datetime(day.year, day.month, day.day, 1, tzinfo=UTC))
        day += timedelta(days=1)
    return out


def thanh_chuong_2018(ratings: int = 0) -> list[Envelope]:
    """The seed's 2018 figures as events, in the order they happened."""
    feed = FeedBuilder()
    days = working_days(2018)
    channels = [SubmissionChannel.DIRECT] * 8 + [SubmissionChannel.ONLINE, SubmissionChannel.POSTAL]
    payments = [(HOUSING, a) for a in SEED_HOUSING] + [(GRATITUDE, a) for a in SEED_GRATITUDE]
    events: list[Envelope] = []
    for i in range(SEED_CASES):
        received = days[i * len(days) // SEED_CASES] + timedelta(minutes=3 * (i % 100))
        procedure = HOUSING_PROCEDURE if i < len(payments) else PROCEDURES[i % 3]
        submitted = feed.submitted(received, procedure, channels[i % len(channels)])
        timeliness = Timeliness.EARLY if i % 5 else Timeliness.ON_TIME
        resolved = feed.resolved(submitted, timeliness)
        events += [submitted, resolved]
        if i < len(payments):
            events.append(feed.payment(resolved, *payments[i], number=i + 1))
        if i < ratings:
            events.append(feed.rated(resolved, list(Satisfaction)[i % 3]))
    return sorted(events, key=lambda e: e.time)


def random_cases(cases: int, *, seed: int, agencies: int = 5) -> Iterator[Envelope]:
    """A mixed load for the benchmark: several agencies and procedures, some late, some open."""
    rng = random.Random(seed)
    builders = [FeedBuilder(f"BENCH{n}.NA", f"Đơn vị thử {n}", seed + n) for n in range(agencies)]
    days = working_days(2024)
    for i in range(cases):
        feed = builders[i % agencies]
        received = days[rng.randrange(len(days))] + timedelta(minutes=i % 480)
        channel = rng.choice(list(SubmissionChannel))
        submitted = feed.submitted(received, rng.choice(PROCEDURES), channel)
        yield submitted
        roll = rng.random()
        if roll < 0.9:
            late = Timeliness.LATE if roll < 0.1 else Timeliness.EARLY
            yield feed.resolved(submitted, late)


async def publish(settings: ServiceSettings, events: list[Envelope]) -> None:
    """Publish in one batch (sends pipelined, then awaited together), keyed by case code."""
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, linger_ms=20, enable_idempotence=True
    )
    await producer.start()
    try:
        futures = []
        for event in events:
            record = record_for(event)
            topic, key = settings.topic(record.topic), record.key.encode()
            futures.append(
                await producer.send(topic, record.value, key=key, headers=record.headers)
            )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
