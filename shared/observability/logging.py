"""Structured JSON logs; every line carries the case code and event id in scope, if any.

No line carries personal data: ``PersonalDataFilter`` masks ID numbers, phone numbers and e-mail
local parts in every record that reaches the service's handler (uvicorn's included), and the JSON
formatter masks what it adds itself (the log context) as well.
"""

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from shared.observability.masking import mask, mask_value

_context: ContextVar[dict[str, str]] = ContextVar("log_context", default={})  # noqa: B039


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Add fields (e.g. ``case_code``, ``event_id``) to every log line written inside the block."""
    merged = {**_context.get(), **{k: str(v) for k, v in fields.items() if v is not None}}
    token = _context.set(merged)
    try:
        yield
    finally:
        _context.reset(token)


def current_request_id() -> str | None:
    """The id of the HTTP request being served, if any: audit entries name it."""
    return _context.get().get("request_id")


class PersonalDataFilter(logging.Filter):
    """Masks a record in place, so every handler and formatter after it sees it masked.

    Arguments are masked one by one, which keeps their shape for formatters that read them
    (uvicorn's access formatter unpacks ``record.args``); if the formatted message still holds
    personal data (a number split across arguments, an integer argument), the record is reduced to
    that message, masked.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


def mask_record(record: logging.LogRecord) -> None:
    record.msg = mask(record.msg if isinstance(record.msg, str) else str(record.msg))
    if isinstance(record.args, tuple):
        record.args = tuple(mask_value(arg) for arg in record.args)
    elif record.args:
        record.args = {key: mask_value(arg) for key, arg in record.args.items()}
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        message = None  # a broken format string: logging reports it when the record is written
    if message is not None and mask(message) != message:
        record.msg, record.args = mask(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask(record.exc_text)
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    fields = getattr(record, "fields", None)
    if isinstance(fields, dict):
        record.fields = mask_value(fields)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self._service,
            "logger": record.name,
            "message": mask(record.getMessage()),
            **{key: mask(value) for key, value in _context.get().items()},
        }
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            line.update({key: mask_value(value) for key, value in extra.items()})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = mask(record.exc_text)
        return json.dumps(line, ensure_ascii=False, default=str)


# Uvicorn's loggers: a filter on a logger sees only records logged there, so each gets its own,
# for the lines it writes through handlers of its own (before the app starts, or when a deployment
# keeps uvicorn's log config).
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    # On the handler, so records of every logger that propagates to the root are masked.
    handler.addFilter(PersonalDataFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Uvicorn installs its own plain-text handlers; its lines should be JSON like every other. A
    # logger it left without handlers is one it switched off (--no-access-log): it stays off.
    for name in ("uvicorn", "uvicorn.access"):
        server_logger = logging.getLogger(name)
        if server_logger.handlers:
            server_logger.handlers.clear()
            server_logger.propagate = True
    install_on_uvicorn_loggers()


def install_on_uvicorn_loggers() -> None:
    for name in UVICORN_LOGGERS:
        server_logger = logging.getLogger(name)
        if not any(isinstance(f, PersonalDataFilter) for f in server_logger.filters):
            server_logger.addFilter(PersonalDataFilter())


# Also as soon as a service's code is imported, which uvicorn does after configuring its loggers and
# before serving: its own lines from then until the app configures logging are masked too.
install_on_uvicorn_loggers()
