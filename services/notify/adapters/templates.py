"""Rendering messages from the Jinja2 template files, one set per event and channel."""

from pathlib import Path
from typing import Any

import jinja2

from services.notify.domain.formatting import format_date, format_datetime, format_vnd
from services.notify.domain.messages import EmailContent, SmsContent
from services.notify.domain.sms import SmsMode, encode_sms

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


class RenderError(ValueError):
    """A template that is missing or fails to render; ``reason`` is for the delivery log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TemplateRenderer:
    """Files ``<template>.sms.j2``, ``.subject.j2``, ``.email.txt.j2`` and ``.email.html.j2``.

    Undefined variables raise, so a template that names a field the event lacks fails loudly
    instead of sending a message with a hole in it.
    """

    def __init__(
        self, sms_mode: SmsMode, globals_: dict[str, Any], directory: Path = TEMPLATES_DIR
    ) -> None:
        self._sms_mode = sms_mode
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
            keep_trailing_newline=False,
        )
        self._env.filters.update(vnd=format_vnd, date_vn=format_date, datetime_vn=format_datetime)
        self._env.globals.update(globals_)

    def sms(self, template: str, context: dict[str, Any]) -> SmsContent:
        encoded = encode_sms(_one_line(self._render(f"{template}.sms.j2", context)), self._sms_mode)
        return SmsContent(text=encoded.text, encoding=encoded.encoding, segments=encoded.segments)

    def email(self, template: str, context: dict[str, Any]) -> EmailContent:
        return EmailContent(
            subject=_one_line(self._render(f"{template}.subject.j2", context)),
            text=self._render(f"{template}.email.txt.j2", context).strip() + "\n",
            html=self._render(f"{template}.email.html.j2", context).strip() + "\n",
        )

    def _render(self, name: str, context: dict[str, Any]) -> str:
        try:
            return self._env.get_template(name).render(context)
        except jinja2.TemplateNotFound:
            raise RenderError(f"no template {name}") from None
        except (jinja2.TemplateError, TypeError, ValueError, KeyError) as exc:
            raise RenderError(f"template {name} failed: {type(exc).__name__}: {exc}") from None


def _one_line(text: str) -> str:
    """Subjects cannot hold line breaks, and an SMS reads best as one line."""
    return " ".join(text.split())
