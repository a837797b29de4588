"""HTTP routes: a case's delivery log, an officer's resend, citizens' opt-outs."""

from enum import StrEnum
from typing import Annotated, cast

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from services.notify.bootstrap import NotifyContainer
from services.notify.domain.contacts import InvalidContact
from services.notify.domain.delivery import Delivery
from services.notify.domain.optout import OptOut
from services.notify.service_layer import officers
from shared.events.envelope import CaseCode
from shared.events.values import NotificationChannel
from shared.http import field_error
from shared.http.access import CurrentOfficer
from shared.http.openapi import refusals

router = APIRouter()


def container(request: Request) -> NotifyContainer:
    return cast(NotifyContainer, request.app.state.container)


Services = Annotated[NotifyContainer, Depends(container)]


# What ``contacts.normalise`` accepts, as the OpenAPI document states it: a Vietnamese mobile
# (0… or +84…, digits separated by up to two spaces, dots, hyphens or parentheses; the service
# takes more in a row) for SMS, an e-mail address for e-mail.
_SEP = r"[\s.()-]{0,2}"
SMS_ADDRESS = rf"^{_SEP}(?:\+{_SEP}8{_SEP}4|0){_SEP}[35789](?:{_SEP}[0-9]){{8}}{_SEP}$"
# Special-use domains (RFC 6761: .test, .local, ...) take no mail; ``email_validator`` refuses
# them. Spelled in either case, as domains are.
_SPECIAL_USE = "|".join(
    "".join(f"[{c}{c.upper()}]" for c in name) for name in SPECIAL_USE_DOMAIN_NAMES
)
SPECIAL_USE_DOMAIN = rf"[.@](?:{_SPECIAL_USE})\.?$"
ADDRESS_OF_CHANNEL: list[JsonValue] = [
    {"properties": {"channel": {"const": "sms"}, "address": {"pattern": SMS_ADDRESS}}},
    {
        "properties": {
            "channel": {"const": "email"},
            "address": {"format": "email", "not": {"pattern": SPECIAL_USE_DOMAIN}},
        }
    },
]


class AddressChannel(StrEnum):
    """The channels an address belongs to. A Zalo message goes to the mobile number's account,
    so the number is looked up, and opted out, as the SMS channel's (which then covers Zalo)."""

    SMS = "sms"
    EMAIL = "email"


class OptOutRequest(BaseModel):
    """A citizen's address on a channel: a mobile number for SMS, an e-mail address for e-mail."""

    model_config = ConfigDict(json_schema_extra={"oneOf": ADDRESS_OF_CHANNEL})

    channel: AddressChannel
    address: str = Field(min_length=1, max_length=254)

    @property
    def kind(self) -> NotificationChannel:
        return NotificationChannel(self.channel)


BAD_ADDRESS = refusals({422: "Not a Vietnamese mobile number (SMS) or e-mail address (e-mail)."})
NOT_OPTED_OUT = refusals({404: "This address has not opted out."})


@router.get("/cases/{code}/deliveries")
async def case_deliveries(code: CaseCode, app: Services, _: CurrentOfficer) -> list[Delivery]:
    """Every message about the case: one per event and channel, with its attempts (the
    recipient masked, the content named by template and parameters' hash)."""
    return await app.deliveries.for_case(code)


@router.post(
    "/deliveries/{delivery_id}/resend",
    status_code=status.HTTP_202_ACCEPTED,
    responses=refusals(
        {
            404: "No message with this id.",
            409: "The message is waiting or being sent, or its content is no longer kept.",
        }
    ),
)
async def resend(delivery_id: str, app: Services, officer: CurrentOfficer) -> Delivery:
    """Send a sent or dead message again (e.g. the citizen lost it, or the address was fixed)."""
    try:
        return await officers.resend(
            app.deliveries, delivery_id, app.clock.now(), app.dispatcher.wake, officer
        )
    except officers.NotFound:
        raise field_error(404, "path.delivery_id", "Không tìm thấy tin nhắn") from None
    except officers.NotResendable as exc:
        reason = (
            "Nội dung tin nhắn không còn được lưu"
            if str(exc) == officers.CONTENT_GONE
            else f"Tin nhắn đang ở trạng thái {exc}"
        )
        raise field_error(409, "path.delivery_id", f"{reason}, không gửi lại được") from None


@router.post("/deliveries/search", responses=BAD_ADDRESS)
async def deliveries_to(body: OptOutRequest, app: Services, _: CurrentOfficer) -> list[Delivery]:
    """Every message sent to an address, however it is written (by POST: addresses stay out of
    URLs and access logs; the log finds them by their keyed hash)."""
    try:
        return await officers.deliveries_to(
            app.deliveries, app.identity.keys, body.kind, body.address
        )
    except InvalidContact as exc:
        raise field_error(422, "body.address", exc.reason) from None


@router.post("/opt-outs", status_code=status.HTTP_201_CREATED, responses=BAD_ADDRESS)
async def add_opt_out(body: OptOutRequest, app: Services, officer: CurrentOfficer) -> OptOut:
    """Record a citizen's request to get no more messages at this number or address."""
    try:
        return await officers.opt_out(
            app.optouts, body.kind, body.address, officer, app.clock.now()
        )
    except InvalidContact as exc:
        raise field_error(422, "body.address", exc.reason) from None


@router.post("/opt-outs/status", responses={**BAD_ADDRESS, **NOT_OPTED_OUT})
async def get_opt_out(body: OptOutRequest, app: Services, _: CurrentOfficer) -> OptOut:
    """Whether this number or address gets no messages (by POST: addresses stay out of URLs and
    access logs)."""
    try:
        return await officers.opt_out_status(app.optouts, body.kind, body.address)
    except InvalidContact as exc:
        raise field_error(422, "body.address", exc.reason) from None
    except officers.NotFound:
        raise field_error(404, "body.address", "Địa chỉ này chưa từ chối nhận tin") from None


@router.post(
    "/opt-outs/removals",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**BAD_ADDRESS, **NOT_OPTED_OUT},
)
async def remove_opt_out(body: OptOutRequest, app: Services, officer: CurrentOfficer) -> Response:
    """The citizen wants messages again."""
    try:
        await officers.opt_in(app.optouts, body.kind, body.address, officer)
    except InvalidContact as exc:
        raise field_error(422, "body.address", exc.reason) from None
    except officers.NotFound:
        raise field_error(404, "body.address", "Địa chỉ này chưa từ chối nhận tin") from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)
