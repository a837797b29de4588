"""Rendering messages from the Jinja2 template files, one set per event and channel."""

import logging
from pathlib import Path
from typing import Any

import jinja2

from services.notify.adapters.zns_templates import ZnsTemplates
from services.notify.domain.contacts import redact
from services.notify.domain.formatting import (
    format_date,
    format_datetime,
    format_vnd,
    lookup_link,
    per_period,
)
from services.notify.domain.messages import EmailContent, SmsContent, ZnsContent
from services.notify.domain.sms import EncodedSms, SmsMode, encode_sms, excess, shorten

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
# The one value an SMS may shorten to stay within its segments (``sms.MAX_SEGMENTS``): the
# procedure's name. Everything else in an SMS template is bounded by design, and a test renders
# every template with the longest values the catalogue and the settings allow.
ELASTIC = "procedure"
# What a ZNS parameter's value may use besides the filters: the SMS templates' macros.
ZNS_MACROS = '{% import "_macros.j2" as m %}'


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
        self,
        sms_mode: SmsMode,
        globals_: dict[str, Any],
        directory: Path = TEMPLATES_DIR,
        zns: ZnsTemplates | None = None,
    ) -> None:
        self._sms_mode = sms_mode
        self._zns = zns or {}
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
            keep_trailing_newline=False,
        )
        lookup_url = str(globals_.get("lookup_url", ""))
        self._env.filters.update(
            vnd=format_vnd,
            date_vn=format_date,
            datetime_vn=format_datetime,
            per_period=per_period,
            lookup_link=lambda case_code: lookup_link(lookup_url, case_code),
        )
        self._env.globals.update(globals_)

    def sms(self, template: str, context: dict[str, Any]) -> SmsContent:
        """The SMS, with the procedure's name cut (at a word) as far as it takes to fit."""
        encoded = self._encoded(template, context)
        elastic = context.get(ELASTIC)
        while excess(encoded) and isinstance(elastic, str) and elastic:
            elastic = shorten(elastic, len(elastic) - excess(encoded))
            encoded = self._encoded(template, {**context, ELASTIC: elastic})
        if excess(encoded):  # sent all the same: a costly message beats none
            log.warning("%s SMS takes %d segments, over its budget", template, encoded.segments)
        return SmsContent(text=encoded.text, encoding=encoded.encoding, segments=encoded.segments)

    def _encoded(self, template: str, context: dict[str, Any]) -> EncodedSms:
        return encode_sms(_one_line(self._render(f"{template}.sms.j2", context)), self._sms_mode)

    def email(self, template: str, context: dict[str, Any]) -> EmailContent:
        return EmailContent(
            subject=_one_line(self._render(f"{template}.subject.j2", context)),
            text=self._render(f"{template}.email.txt.j2", context).strip() + "\n",
            html=self._render(f"{template}.email.html.j2", context).strip() + "\n",
        )

    def zns(self, template: str, context: dict[str, Any]) -> ZnsContent:
        """The registered template's id and its parameters' values (``zns_templates``)."""
        registered = self._zns.get(template)
        if registered is None:
            raise RenderError(f"no ZNS template for {template}")
        params = {
            name: _one_line(self._render(f"zns:{template}.{name}", context, ZNS_MACROS + source))
            for name, source in registered.params.items()
        }
        return ZnsContent(template_id=registered.template_id, params=params)

    def _render(self, name: str, context: dict[str, Any], source: str | None = None) -> str:
        """The file ``name``, or ``source`` (named ``name`` in errors), rendered."""
        try:
            loaded = (
                self._env.get_template(name) if source is None else self._env.from_string(source)
            )
            return loaded.render(context)
        except jinja2.TemplateNotFound:
            raise RenderError(f"no template {name}") from None
        except (jinja2.TemplateError, TypeError, ValueError, KeyError, ArithmeticError) as exc:
            # ArithmeticError: a value out of any range (an overflowing date or number) is the
            # event's defect, to be recorded and dead-lettered like any other, never retried.
            reason = redact(f"template {name} failed: {type(exc).__name__}: {exc}")
            raise RenderError(reason) from None


def _one_line(text: str) -> str:
    """Subjects cannot hold line breaks, and an SMS reads best as one line."""
    return " ".join(text.split())
