"""The SMS gateway adapter: the request a gateway gets, shaped by settings, and its answers."""

import json

import httpx
import pytest

from services.notify.adapters.sms_gateway import HttpSmsGateway
from services.notify.domain.messages import SmsContent
from services.notify.domain.sms import SmsEncoding
from services.notify.service_layer.ports import ProviderError
from services.notify.settings import NotifySettings

pytestmark = pytest.mark.unit

SMS = SmsContent(text="Hồ sơ đã được tiếp nhận", encoding=SmsEncoding.UCS2, segments=1)


def gateway(
    answer: httpx.Response, seen: list[httpx.Request], **settings: object
) -> HttpSmsGateway:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    client = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    return HttpSmsGateway(NotifySettings.model_validate(settings), client)


async def test_the_body_takes_the_shape_the_settings_give_with_typed_values() -> None:
    seen: list[httpx.Request] = []
    shape = {
        "Phone": "{to}",
        "Content": "{text}",
        "Brandname": "{sender}",
        "IsUnicode": "{unicode_flag}",
        "Meta": {"parts": "{segments}", "ref": "{reference}", "fixed": "keep me"},
    }
    sms = gateway(
        httpx.Response(200),
        seen,
        sms_gateway_url="https://sms.example.vn/api/send",
        sms_gateway_body=shape,
        sms_sender="SNV-NGHEAN",
        sms_gateway_token="s3cret",
    )
    await sms.send("+84912345678", SMS, "delivery-1")
    [request] = seen
    assert str(request.url) == "https://sms.example.vn/api/send"
    assert request.headers["Authorization"] == "Bearer s3cret"
    # The delivery reference as idempotency key: a repeat of one send can be dropped (issue 11).
    assert request.headers["Idempotency-Key"] == "delivery-1"
    assert json.loads(request.content) == {
        "Phone": "+84912345678",
        "Content": "Hồ sơ đã được tiếp nhận",
        "Brandname": "SNV-NGHEAN",
        "IsUnicode": 1,
        "Meta": {"parts": 1, "ref": "delivery-1", "fixed": "keep me"},
    }


async def test_a_token_header_without_scheme_carries_the_bare_token() -> None:
    seen: list[httpx.Request] = []
    sms = gateway(
        httpx.Response(200),
        seen,
        sms_gateway_token="s3cret",
        sms_gateway_auth_header="X-Api-Key",
        sms_gateway_auth_scheme="",
    )
    await sms.send("+84912345678", SMS, "delivery-1")
    assert seen[0].headers["X-Api-Key"] == "s3cret"


@pytest.mark.parametrize(("status", "permanent"), [(503, False), (429, False), (400, True)])
async def test_refusals_say_whether_another_attempt_may_help(status: int, permanent: bool) -> None:
    sms = gateway(httpx.Response(status, text="no"), [])
    with pytest.raises(ProviderError) as raised:
        await sms.send("+84912345678", SMS, "delivery-1")
    assert raised.value.permanent is permanent
    assert str(status) in raised.value.reason


async def test_an_sms_goes_under_its_agency_s_brandname_else_the_default() -> None:
    seen: list[httpx.Request] = []
    sms = gateway(httpx.Response(200), seen, sms_sender="MOTCUA")
    await sms.send("+84912345678", SMS.model_copy(update={"sender": "SONOIVU NA"}), "d-1")
    await sms.send("+84912345678", SMS, "d-2")
    assert [json.loads(r.content)["sender"] for r in seen] == ["SONOIVU NA", "MOTCUA"]
