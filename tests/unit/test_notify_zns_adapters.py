"""The ZNS template registry (checked at startup) and the ZNS HTTP adapter's request and answers."""

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from services.notify.adapters.templates import TemplateRenderer
from services.notify.adapters.zns import HttpZnsSender
from services.notify.adapters.zns_templates import (
    ZNS_TEMPLATES_FILE,
    ZnsTemplatesError,
    load_zns_templates,
)
from services.notify.bootstrap import template_renderer
from services.notify.domain.messages import ZnsContent
from services.notify.domain.milestones import MILESTONE_TEMPLATES, message_context
from services.notify.domain.sms import SmsMode
from services.notify.service_layer.ports import ProviderError
from services.notify.settings import NotifySettings
from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.examples import example_event

pytestmark = pytest.mark.unit

CONTENT = ZnsContent(template_id="412301", params={"ma_ho_so": "SNV-250714-0001"})


def test_the_shipped_file_has_a_template_for_every_event_notify_sends() -> None:
    templates = load_zns_templates(ZNS_TEMPLATES_FILE, MILESTONE_TEMPLATES.values())
    assert set(templates) == set(MILESTONE_TEMPLATES.values())


@pytest.mark.parametrize("topic", list(MILESTONE_TEMPLATES))
def test_every_template_renders_its_event_in_vietnamese(topic: str) -> None:
    renderer = template_renderer(NotifySettings(sms_mode=SmsMode.UNICODE))
    [spec] = CATALOGUE.for_topic(topic)
    event = new_event(example_event(spec).data)
    content = renderer.zns(MILESTONE_TEMPLATES[topic], message_context(event))
    assert all(value.strip() for value in content.params.values())
    assert content.params["ma_ho_so"] == event.subject
    assert content.params["tra_cuu"].endswith(f"?ma={event.subject}")


def test_a_missing_template_stops_the_service_at_startup(tmp_path: Path) -> None:
    shipped = ZNS_TEMPLATES_FILE.read_text(encoding="utf-8")
    without = tmp_path / "zns.yaml"
    without.write_text(shipped.replace("case-withdrawn:", "case-withdrawn-old:"), encoding="utf-8")
    with pytest.raises(ZnsTemplatesError, match="no template for case-withdrawn"):
        template_renderer(NotifySettings(zns_templates_file=without))


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("case-submitted: {template_id: '1', params: {a: '{{ case_code'}}", "case-submitted.a"),
        ("case-submitted: {template_id: '1'}", "params"),
        ("case-submitted: [", "ZNS templates"),
    ],
)
def test_a_broken_file_stops_the_service_at_startup(tmp_path: Path, text: str, error: str) -> None:
    broken = tmp_path / "zns.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ZnsTemplatesError, match=error):
        load_zns_templates(broken, ["case-submitted"])


def test_an_event_without_a_registered_template_is_a_render_failure() -> None:
    renderer = TemplateRenderer(SmsMode.UNICODE, {})
    with pytest.raises(ValueError, match="no ZNS template for case-submitted"):
        renderer.zns("case-submitted", {})


class Zns:
    """ZNS's answers, and what it was asked."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers.pop(0)


def sender(zns: Zns, token: str | None = "oa-token") -> HttpZnsSender:
    settings = NotifySettings(
        zns_api_url="https://zns.example/message/template",
        zns_access_token=SecretStr(token) if token else None,
    )
    return HttpZnsSender(settings, client=httpx.AsyncClient(transport=httpx.MockTransport(zns)))


def answer(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


async def test_a_send_is_zns_shaped_and_carries_the_reference_as_tracking_id() -> None:
    zns = Zns(answer({"error": 0, "message": "Success", "data": {"msg_id": "a1"}}))
    await sender(zns).send("+84912345678", CONTENT, "delivery-1")
    [request] = zns.requests
    assert request.headers["access_token"] == "oa-token"
    assert json.loads(request.content) == {
        "phone": "84912345678",
        "template_id": "412301",
        "template_data": {"ma_ho_so": "SNV-250714-0001"},
        "tracking_id": "delivery-1",
    }


@pytest.mark.parametrize(
    ("response", "permanent"),
    [
        (answer({"error": -118, "message": "Zalo account not existed", "data": {}}), True),
        (answer({"error": -124, "message": "Access token is invalid"}), True),
        (answer({"error": -100, "message": "Unknown exception"}), False),
        (answer("<html>proxy</html>"), False),
        (answer({"error": -1}, status=503), False),
        (answer({"error": -1}, status=400), True),
    ],
)
async def test_zns_refusals_come_in_a_200_body_and_most_are_final(
    response: httpx.Response, permanent: bool
) -> None:
    with pytest.raises(ProviderError) as raised:
        await sender(Zns(response)).send("+84912345678", CONTENT, "delivery-1")
    assert raised.value.permanent is permanent


async def test_a_refusal_quoting_the_number_is_logged_masked() -> None:
    refusal = answer({"error": -108, "message": "Phone 84912345678 is invalid"})
    with pytest.raises(ProviderError) as raised:
        await sender(Zns(refusal), token=None).send("+84912345678", CONTENT, "delivery-1")
    assert "84912345678" not in raised.value.reason


async def test_without_a_token_no_header_is_sent() -> None:
    zns = Zns(answer({"error": -124, "message": "Access token is invalid"}))
    with pytest.raises(ProviderError):
        await sender(zns, token=None).send("+84912345678", CONTENT, "delivery-1")
    assert "access_token" not in zns.requests[0].headers


def test_the_settings_read_the_zns_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZNS_API_URL", "https://business.openapi.zalo.me/message/template")
    monkeypatch.setenv("ZNS_ACCESS_TOKEN", "secret-token")
    settings = NotifySettings()
    assert settings.zns_api_url == "https://business.openapi.zalo.me/message/template"
    assert settings.zns_access_token is not None
    assert "secret-token" not in repr(settings)
