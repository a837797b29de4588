"""E-mails per second the notify service delivers to the local SMTP sink, next to its ceiling.

The ceiling is a raw aiosmtplib loop sending the same rendered message over one connection to the
same sink in the same run. The figure is the whole service: ``case-submitted`` events on Kafka,
the shared consumer runner, planning and rendering, the delivery-log claim in the MongoDB-wire
store, the SMTP send, the outcome and its ``notification-sent`` outbox entry, the relay. Each
event's SMS is skipped (the bench phone is opted out) so both sides send one e-mail per message.
Run against the local stack (started if needed): ``.venv/bin/python -m bench.notify_throughput``.
"""

import argparse
import asyncio
import platform
import secrets
import time
from datetime import UTC, datetime
from email.headerregistry import Address
from typing import Any

import aiosmtplib
import httpx
from aiokafka.admin import AIOKafkaAdminClient
from pymongo.asynchronous.collection import AsyncCollection

import devstack
from bench.kafka_load import RawRecord, publish_raw, raw_records
from services.notify.bootstrap import bootstrap, template_renderer
from services.notify.domain.messages import build_email
from services.notify.domain.milestones import message_context
from services.notify.service_layer import officers
from services.notify.settings import NotifySettings
from shared.events.codec import new_event
from shared.events.examples import APPLICANT, EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.events.values import NotificationChannel
from shared.kafka.connection import client_options
from shared.officers import Officer, OfficerRole

TIME_LIMIT_S = 45.0
BENCH_PHONE = "+84900000000"
# The desk clerk who records that the benchmark's number wants no SMS (only e-mails are timed).
BENCH_CLERK = Officer(
    id="bench.clerk",
    name="bench.clerk",
    roles=frozenset({OfficerRole.RECEPTION_CLERK}),
    agency="SNV",
)


def events(count: int) -> list[RawRecord]:
    applicant = APPLICANT.model_copy(update={"phone": BENCH_PHONE})
    base = EXAMPLES[CaseSubmitted].model_copy(update={"applicant": applicant})
    return raw_records(
        new_event(base.model_copy(update={"case_code": f"SNV.NA-250714-{n + 1:04d}"}))
        for n in range(count)
    )


async def sink_count(settings: NotifySettings, sinks_url: str) -> int:
    """Messages in the SMTP sink carrying this run's Message-ID domain."""
    async with httpx.AsyncClient(base_url=sinks_url, timeout=30) as client:
        listed = (await client.get("/mail")).raise_for_status().json()
    domain = f"@{settings.mail_message_id_domain}>"
    return sum(1 for item in listed if (item["message_id"] or "").endswith(domain))


async def raw_ceiling(settings: NotifySettings, count: int) -> float:
    """Messages per second one aiosmtplib connection sends to the sink, same content."""
    context = message_context(new_event(EXAMPLES[CaseSubmitted]))
    content = template_renderer(settings).email("case-submitted", context)
    sender = Address(settings.mail_from_name, addr_spec=settings.mail_from_address)
    messages = [
        build_email(
            content,
            sender=sender,
            to=APPLICANT.email or "",
            message_id=f"<raw-{n}@{settings.mail_message_id_domain}>",
            date=datetime.now(UTC),
        )
        for n in range(count)
    ]
    client = aiosmtplib.SMTP(hostname=settings.smtp_host, port=settings.smtp_port)
    await client.connect()
    began = time.perf_counter()
    for message in messages:
        await client.send_message(message)
    elapsed = time.perf_counter() - began
    await client.quit()
    return count / elapsed


async def service_rate(settings: NotifySettings, count: int) -> float:
    """E-mails per second from the first event published to the last e-mail recorded as sent."""
    async with bootstrap(settings) as service:
        await officers.opt_out(
            service.optouts, NotificationChannel.SMS, BENCH_PHONE, BENCH_CLERK, datetime.now(UTC)
        )
        # One event first, so the consumer has joined its group before the clock starts.
        await publish_raw(settings, "case-submitted", events(1), linger_ms=5)
        await sent_emails(service.deliveries.collection, 1)
        records = events(count + 1)[1:]
        began = time.perf_counter()
        await publish_raw(settings, "case-submitted", records, linger_ms=5)
        await sent_emails(service.deliveries.collection, count + 1)
        return count / (time.perf_counter() - began)


async def sent_emails(deliveries: AsyncCollection[dict[str, Any]], count: int) -> None:
    """Return once ``count`` e-mails are recorded as sent (polling: the log is the only signal)."""
    async with asyncio.timeout(TIME_LIMIT_S):
        while True:
            if await deliveries.count_documents({"channel": "email", "status": "sent"}) >= count:
                return
            await asyncio.sleep(0.02)


async def clean_up(settings: NotifySettings) -> None:
    # The database stays (dropping one can hang SecantusDB: devstack/store/secantus.py).
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(settings.topic_prefix)]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


async def main(count: int) -> None:
    endpoints = devstack.up()
    token = secrets.token_hex(4)
    settings = NotifySettings.model_validate(
        {
            **{key.lower(): value for key, value in endpoints.environment.items()},
            "topic_prefix": f"bench-{token}.",
            "mongodb_database": f"bench_notify_{token}",
            "mail_message_id_domain": f"bench-{token}.local",
            "log_level": "WARNING",
        }
    )
    try:
        ceiling = await raw_ceiling(settings, count)
        rate = await service_rate(settings, count)
        received = await sink_count(settings, endpoints.environment["SINKS_URL"])
    finally:
        await clean_up(settings)
    print(f"notify throughput, {platform.node()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"e-mails per side: {count}; in the SMTP sink for this run: {received}")
    print(f"ceiling  raw aiosmtplib loop, one connection   {ceiling:8.0f} msg/s")
    print(f"notify   Kafka -> service -> SMTP sink         {rate:8.0f} msg/s")
    print(f"ratio                                          {rate / ceiling:8.1%}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=150, help="e-mails on each side")
    asyncio.run(main(parser.parse_args().count))
