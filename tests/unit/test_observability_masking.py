"""Personal data out of logs: ID numbers, phone numbers and e-mail local parts masked in every line.

The masking is checked on text, on log records as the service's handler writes them, and on a real
uvicorn server whose access log quotes a phone number in a path.
"""

import asyncio
import io
import json
import logging
import logging.config
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, Field, ValidationError
from uvicorn.config import LOGGING_CONFIG

from shared.http.observe import RequestObservationMiddleware
from shared.observability.logging import (
    UVICORN_LOGGERS,
    JsonFormatter,
    PersonalDataFilter,
    configure_logging,
    log_context,
)
from shared.observability.masking import mask, mask_value
from tests.personal_data import raw_numbers

pytestmark = pytest.mark.unit

CITIZEN_ID = "040152406813"
PHONE = "0912345678"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("GET /opt-outs/sms/0912345678 HTTP/1.1", "GET /opt-outs/sms/09******78 HTTP/1.1"),
        ("+84912345678", "+84*******78"),
        ("84912345678", "84*******78"),
        ("sđt 0912 345 678.", "sđt 09** *** *78."),
        ("0912.345.678", "09**.***.*78"),
        ("0912-345-678", "09**-***-*78"),
        ("(+84) 912 345 678", "(+84) *** *** *78"),
        ("+84 24 3825 1234", "+84 ** **** **34"),
        ("024 3825 1234", "02* **** **34"),
        ("phone=0912345678&x=1", "phone=09******78&x=1"),
        ("CCCD 040152406813", "CCCD 04********13"),
        ("CCCD040152406813", "CCCD04********13"),
        ("040 152 406 813", "04* *** *** *13"),
        ("/cases?citizen_id=040152406813", "/cases?citizen_id=04********13"),
        ("CMND: 186123456", "CMND: 18*****56"),
        ("giang.nguyenthihuong@example.vn", "g***@example.vn"),
        ("to <0912345678@sms.example.vn>", "to <0***@sms.example.vn>"),
    ],
)
def test_id_numbers_phones_and_email_local_parts_are_masked(text: str, masked: str) -> None:
    assert mask(text) == masked
    assert mask(masked) == masked  # masking twice changes nothing


@pytest.mark.parametrize(
    "text",
    [
        "event 3f2a6b1c-0000-4000-8000-123456789012",  # a UUID's last group: twelve digits
        "request 5b8e0d0c0a3f4b1d9e2f0a1b2c3d4e5f",
        "hash 1234567890123456789012345678901234567890123456789012345678901abc",
        "2026-12-02T14:51:40.123456+00:00",
        "case SLDTBXH-240115-0001",
        "amount 1,234,567,890 VND",
        "took 0.912345678 s",
        "13 digits 1234567890123",
        "duration 0.0912345678",
    ],
)
def test_ids_dates_amounts_and_decimals_are_left_alone(text: str) -> None:
    assert mask(text) == text


def test_names_addresses_and_validation_inputs_are_masked_by_what_they_are() -> None:
    applicant = {"full_name": "Nguyễn Thị Hoa", "address": "Xóm 1", "agency_name": "UBND xã"}
    assert mask(str(applicant)) == str({**applicant, "full_name": "***", "address": "***"})
    assert mask(json.dumps(applicant, ensure_ascii=False)).startswith('{"full_name": "***"')
    assert mask("Beneficiary(full_name='Lê Văn Toàn')") == "Beneficiary(full_name='***')"
    with pytest.raises(ValidationError) as raised:
        Named(full_name="Nguyễn Thị Hương Giang")
    assert "Giang" in str(raised.value)
    assert "Giang" not in mask(str(raised.value))
    assert "input_value=***, input_type=str" in mask(str(raised.value))
    assert mask_value({"full_name": "Lê Văn Toàn", "n": 1}) == {"full_name": "***", "n": 1}


class Named(BaseModel):
    full_name: str = Field(max_length=8)


def test_field_values_are_masked_inside_containers_and_money_stays_a_number() -> None:
    fields = {"path": f"/x/{PHONE}", "to": [PHONE, ("a", CITIZEN_ID)], "amount_vnd": 500_000_000}
    assert mask_value(fields) == {
        "path": "/x/09******78",
        "to": ["09******78", ("a", "04********13")],
        "amount_vnd": 500_000_000,
    }
    assert mask_value(84912345678) == "84*******78"


class Hostile:
    def __str__(self) -> str:
        return f"applicant {CITIZEN_ID}"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging is process-wide: give pytest its handlers, levels and filters back."""
    loggers = [logging.getLogger(name) for name in ("", *UVICORN_LOGGERS)]
    saved = [(lg, lg.handlers[:], lg.filters[:], lg.level, lg.propagate) for lg in loggers]
    yield
    for logger, handlers, filters, level, propagate in saved:
        logger.handlers[:] = handlers
        logger.filters[:] = filters
        logger.setLevel(level)
        logger.propagate = propagate


def written(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


@pytest.mark.usefixtures("restore_logging")
def test_every_part_of_a_service_log_line_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("masking-test")
    log = logging.getLogger("services.somewhere")
    with log_context(request_id=PHONE, case_code="SLDTBXH-240115-0001"):
        log.warning("sent to %s for %s", PHONE, Hostile(), extra={"fields": {"to": PHONE}})
        log.warning("split %s%d", "0912", 345678)  # only the whole message shows the number
        log.warning(f"plain {CITIZEN_ID}")
        try:
            raise ValueError(f"bad citizen_id {CITIZEN_ID}")
        except ValueError:
            log.exception("failed for %(who)s", {"who": "giang@example.vn"})
    lines = written(capsys)
    assert len(lines) == 4
    assert not raw_numbers(json.dumps(lines)), lines
    first, split, plain, failed = lines
    assert first["message"] == "sent to 09******78 for applicant 04********13"
    assert (first["to"], first["request_id"]) == ("09******78", "09******78")
    assert first["case_code"] == "SLDTBXH-240115-0001"
    assert split["message"] == "split 09******78"
    assert plain["message"] == "plain 04********13"
    assert failed["message"] == "failed for g***@example.vn"
    assert "ValueError: bad citizen_id 04********13" in str(failed["exception"])


@pytest.mark.usefixtures("restore_logging")
def test_uvicorn_loggers_mask_even_with_their_own_handlers() -> None:
    """Before the app configures logging, uvicorn writes through its own formatters, which unpack
    the record's arguments: the filter masks them in place and keeps their shape."""
    logging.config.dictConfig(LOGGING_CONFIG)
    configure_logging("masking-test")
    logging.config.dictConfig(LOGGING_CONFIG)  # a deployment that keeps uvicorn's log config
    access = logging.getLogger("uvicorn.access")
    stream = io.StringIO()
    access.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    path = f"/opt-outs/sms/{PHONE}"
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", path, "1.1", 200)
    assert "/opt-outs/sms/09******78" in stream.getvalue()
    assert PHONE not in stream.getvalue()
    for name in UVICORN_LOGGERS:
        assert any(isinstance(f, PersonalDataFilter) for f in logging.getLogger(name).filters)


def service_like_app() -> FastAPI:
    """What every service's app does about logs: JSON logging configured when it starts serving,
    and the request observation middleware (see shared/http/app.py)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        configure_logging("masking-test")
        yield

    app = FastAPI(lifespan=lifespan)
    app.add_middleware(RequestObservationMiddleware)
    return app


@pytest.mark.usefixtures("restore_logging")
async def test_a_real_uvicorn_access_log_shows_a_phone_in_a_path_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = service_like_app()

    @app.delete("/opt-outs/sms/{phone}")
    async def opt_in(phone: str) -> dict[str, str]:
        logging.getLogger("services.notify").warning("opt-out removed for %s", phone)
        return {"removed": phone}

    # A socket already listening: the request waits in its backlog until the server is up.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_config=LOGGING_CONFIG, access_log=True, log_level="info")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                url = f"http://127.0.0.1:{port}/opt-outs/sms/{PHONE}"
                assert (await client.delete(url)).status_code == 200
        finally:
            server.should_exit = True
            await serving
    lines = written(capsys)
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert access, lines
    assert '"DELETE /opt-outs/sms/09******78 HTTP/1.1" 200' in str(access[0]["message"])
    ours = next(line for line in lines if line["logger"] == "shared.http.access")
    assert (ours["path"], ours["route"]) == ("/opt-outs/sms/09******78", "/opt-outs/sms/{phone}")
    assert any(line["message"] == "opt-out removed for 09******78" for line in lines)
    assert not raw_numbers(json.dumps(lines)), lines


def test_the_json_formatter_masks_on_its_own() -> None:
    """A handler that was given the formatter without the filter still writes no raw number."""
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "to %s", (PHONE,), None)
    record.fields = {"recipient": PHONE}
    line = json.loads(JsonFormatter("s").format(record))
    assert (line["message"], line["recipient"]) == ("to 09******78", "09******78")
