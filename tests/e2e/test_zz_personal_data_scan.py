"""After the other end-to-end tests (pytest runs files in name order, hence ``zz``): no raw ID
number and no raw phone number in any log of the services they ran, nor in notify's delivery log.

The services' logs are the files ``tests/e2e/running_services.py`` and ``fault_support.py`` write,
one per service (``intake.log`` ...), in the session's temporary folders. The delivery logs are
the ``deliveries`` collections of the notify databases the end-to-end modules used, which are told
apart from older runs' by the time their entries were written. Run on its own, this module fails:
it has nothing to scan, and a scan of nothing proves nothing.
"""

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from shared.observability.masking import mask
from shared.settings import ServiceSettings
from tests.e2e.running_services import SERVICES
from tests.personal_data import raw_numbers

DELIVERIES = "deliveries"
# Service logs exist before any delivery is written; the margin covers clock granularity.
MARGIN = timedelta(minutes=2)


def service_logs(root: Path) -> list[Path]:
    names = {f"{service}.log" for service in SERVICES}
    return sorted(path for path in root.rglob("*.log") if path.name in names)


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def is_json(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def findings_in(path: Path) -> Iterator[str]:
    for number, line in enumerate(read_lines(path), start=1):
        if raw_numbers(line):
            yield f"{path}:{number}: {mask(line)}"


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    found = service_logs(tmp_path_factory.getbasetemp())
    assert found, (
        f"no service log under {tmp_path_factory.getbasetemp()}: run this module after the other "
        "end-to-end tests, in the same session (pytest tests/e2e)"
    )
    return found


def test_no_service_log_holds_a_raw_id_or_phone_number(logs: list[Path]) -> None:
    with_content = [path for path in logs if path.stat().st_size > 0]
    assert {path.name.removesuffix(".log") for path in with_content} == set(SERVICES), logs
    # The services' own JSON lines, not only what uvicorn printed before the app configured logs.
    structured = {path.name for path in with_content if any(map(is_json, read_lines(path)))}
    assert structured == {path.name for path in with_content}, structured
    findings = [finding for path in with_content for finding in findings_in(path)]
    assert not findings, "raw personal numbers in service logs:\n" + "\n".join(findings)


def session_start(logs: list[Path]) -> datetime:
    """When the first of this session's services started: its log folder got its files then."""
    earliest = min(os.stat(path.parent).st_mtime for path in logs)
    return datetime.fromtimestamp(earliest, UTC) - MARGIN


async def deliveries_since(
    settings: ServiceSettings, since: datetime
) -> dict[str, list[dict[str, Any]]]:
    """This session's delivery-log entries, by notify database (``t_<module>_<token>_notify``)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongodb_uri)
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        for name in await client.list_database_names():
            if not (name.startswith("t_") and name.endswith("_notify")):
                continue
            entries = client[name][DELIVERIES].find({"created_at": {"$gte": since}})
            documents = [doc async for doc in entries]
            if documents:
                found[name] = documents
    finally:
        await client.close()
    return found


async def test_no_delivery_log_entry_holds_a_raw_id_or_phone_number(
    settings: ServiceSettings, logs: list[Path]
) -> None:
    since = session_start(logs)
    found = await deliveries_since(settings, since)
    assert found, f"no delivery-log entry written since {since.isoformat()}: nothing was scanned"
    findings = []
    for database, documents in found.items():
        for doc in documents:
            text = json.dumps(doc, default=str, ensure_ascii=False)
            if raw_numbers(text):
                findings.append(f"{database}.{DELIVERIES} _id={doc['_id']}: {mask(text)}")
    assert not findings, "raw personal numbers in the delivery log:\n" + "\n".join(findings)
