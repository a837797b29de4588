"""The Zalo OA access token refreshed by notify itself, against the ZNS sink's OAuth stand-in
(which, like Zalo, takes each refresh token once and then only the access tokens it issued)."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from devstack.sinks.running import RunningSinks, running_sinks
from devstack.sinks.zns import ZnsSinkClient
from services.notify.adapters.zalo_oauth import NEVER, TOKENS, ZaloOaTokens, token_cipher
from services.notify.bootstrap import NotifyContainer, bootstrap
from services.notify.domain.channels import ZALO
from services.notify.domain.delivery import DeliveryStatus
from services.notify.service_layer.ports import ProviderError
from services.notify.settings import NotifySettings
from shared.clock import ManualClock, SystemClock
from shared.kafka import EventProducer
from shared.mongo import Document, mongo_client
from shared.settings import ServiceSettings
from tests.integration.notify_support import notify_settings_on
from tests.integration.test_notify_zns import SMS, received, settled, zns_to

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def sinks(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningSinks]:
    async with running_sinks(tmp_path_factory.mktemp("zalo-token-sinks")) as sinks:
        yield sinks


@pytest.fixture(scope="module")
def zns(sinks: RunningSinks) -> ZnsSinkClient:
    return ZnsSinkClient(sinks.http)


@pytest.fixture(scope="module")
def notify_settings(settings: ServiceSettings, sinks: RunningSinks) -> NotifySettings:
    return notify_settings_on(
        settings,
        sinks,
        zns_api_url=f"{sinks.url}/zns",
        zns_oauth_url=f"{sinks.url}/zns/oauth",
        zns_app_id="4312000000000000001",
        zns_app_secret="bi-mat-cua-ung-dung",
        zns_refresh_token="zns-rt-from-the-oa-authorisation",
        notify_backoff_initial_s=0.1,
        notify_backoff_max_s=0.2,
        notify_poll_interval_s=0.05,
        outbox_poll_interval_s=0.05,
    )


@pytest.fixture(scope="module")
async def db(notify_settings: NotifySettings) -> AsyncIterator[AsyncDatabase[Document]]:
    async with mongo_client(notify_settings) as client:
        yield client[notify_settings.mongodb_database]


async def test_two_replicas_asking_at_once_refresh_once_and_share_the_token(
    db: AsyncDatabase[Document], notify_settings: NotifySettings, zns: ZnsSinkClient
) -> None:
    await db[TOKENS].delete_many({})
    before = await zns.refreshes()
    clock = ManualClock(datetime.now(UTC))
    async with httpx.AsyncClient() as http:
        replicas = [ZaloOaTokens(db, notify_settings, clock, http) for _ in range(2)]
        tokens = await asyncio.gather(*(r.current() for r in replicas for _ in range(10)))
        assert len(set(tokens)) == 1 and tokens[0]
        assert await zns.refreshes() == before + 1  # the first refresh token spent once
        # An hour before Zalo's 25 hours, the next one asking refreshes with the new pair.
        clock.advance(timedelta(hours=24, minutes=1))
        renewed = await replicas[1].current()
    assert renewed != tokens[0]
    assert await zns.refreshes() == before + 2
    stored = await db[TOKENS].find_one({"_id": notify_settings.zns_app_id})
    assert stored is not None
    # At rest only under the key derived from the app's secret.
    assert renewed not in str(stored)
    assert notify_settings.zns_app_secret is not None
    cipher = token_cipher(notify_settings.zns_app_secret.get_secret_value())
    assert cipher.decrypt(stored["access_token"].encode()).decode() == renewed


async def test_tokens_sealed_under_another_secret_are_refused_plainly(
    db: AsyncDatabase[Document], notify_settings: NotifySettings
) -> None:
    sealed = token_cipher("an earlier app secret").encrypt(b"refresh-token").decode()
    # The pair refreshed above stays the sink's live one: put it back afterwards.
    live = await db[TOKENS].find_one({"_id": notify_settings.zns_app_id})
    await db[TOKENS].delete_many({})
    await db[TOKENS].insert_one(
        {"_id": notify_settings.zns_app_id, "refresh_token": sealed, "access_token": None}
        | {"expires_at": NEVER, "lease_until": NEVER}
    )
    async with httpx.AsyncClient() as http:
        tokens = ZaloOaTokens(db, notify_settings, ManualClock(datetime.now(UTC)), http)
        with pytest.raises(ProviderError, match="authorise the app again") as refused:
            await tokens.current()
    assert refused.value.permanent
    await db[TOKENS].delete_many({})
    if live is not None:
        await db[TOKENS].insert_one(live)


@pytest.fixture(scope="module")
async def service(notify_settings: NotifySettings) -> AsyncIterator[NotifyContainer]:
    async with bootstrap(notify_settings, clock=SystemClock()) as container:
        yield container


async def test_a_revoked_token_is_renewed_and_the_zalo_message_still_goes(
    service: NotifyContainer, zns: ZnsSinkClient, db: AsyncDatabase[Document]
) -> None:
    async with EventProducer(service.settings) as producer:
        first = await received(service, "SNV.NA-250714-0401", "+84912340401")
        await producer.publish(first)
        log = await settled(service, first)
        assert (log[ZALO].status, log[SMS].status) == (DeliveryStatus.SENT, DeliveryStatus.SKIPPED)
        refreshes = await zns.refreshes()
        await zns.revoke_tokens()  # the OA's admin withdrew and gave consent again
        second = await received(service, "SNV.NA-250714-0402", "+84912340402")
        await producer.publish(second)
        log = await settled(service, second)
    assert (log[ZALO].status, log[SMS].status) == (DeliveryStatus.SENT, DeliveryStatus.SKIPPED)
    # Refused once with the revoked token, then sent with a new one.
    assert [a.error is not None and "-124" in a.error for a in log[ZALO].attempt_log] == [
        True,
        False,
    ]
    assert len(await zns_to(zns, log[ZALO].id)) == 1
    assert await zns.refreshes() == refreshes + 1
