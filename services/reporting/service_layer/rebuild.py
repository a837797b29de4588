"""Rebuilding the read models by replaying every topic, while the live consumer keeps going.

1. A new generation is announced as *building*. From then on the live consumer writes each event
   into the active generation and into the new one (``ReadModels.apply``).
2. After every live writer has surely seen that (it re-reads the generations at least every
   ``CACHE_TTL_S``), the end offsets of every partition are captured. Any event the live consumer
   handled without writing it to the new generation was fetched before then, so it lies below
   those offsets.
3. The replay applies every event from offset 0 up to those end offsets to the new generation:
   first the ``case-submitted`` topic, then all the others (each batch in event-time order), so
   that, as in live consumption, every other fact of a case meets its reception already known and
   a contradicting event is rejected the same way it was live. Events the live consumer also
   wrote there are recognised by their ids and count once; the projection accepts a case's
   events in any order, so the interleaving with live writes does not matter.
4. The replay writes one aggregate row per bucket (the sums of all its changes) rather than
   rows per case version, so a rebuild also compacts what reports read. Should it fail before
   that, the new generation is abandoned and dropped.
5. The new generation becomes the active one (one single-document write) and the old one is
   dropped. Reports read the old generation until that moment, so they never see a half-built one.
"""

import asyncio
import logging
from dataclasses import asdict, dataclass

from services.reporting.adapters.generations import CACHE_TTL_S
from services.reporting.adapters.mongo_store import Collections
from services.reporting.adapters.replay import TopicReplay
from services.reporting.service_layer.projector import Projector
from services.reporting.service_layer.read_models import ReadModels
from shared.events.catalogue import CATALOGUE
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RebuildSummary:
    generation: int
    messages: int
    applied: int
    duplicates: int
    rejected: int
    undecodable: int


async def rebuild(
    settings: ServiceSettings, read_models: ReadModels, batch_size: int
) -> RebuildSummary:
    generations = await read_models.control.start_building()
    new = generations.building
    assert new is not None
    try:
        await drop(read_models, new)
        store = await read_models.store(new)
        await asyncio.sleep(2 * CACHE_TTL_S)
        totals = Totals()
        projector = Projector(store, summarise=True, fresh_store=True)
        for topics in replay_phases():
            replay = TopicReplay(settings, topics, batch_size)
            await replay_into(projector, replay, totals)
        assert projector.summary is not None
        await store.save_summary(projector.summary)
        await read_models.control.activate(generations)
    except BaseException:
        await read_models.control.abandon(generations)
        await drop(read_models, new)
        raise
    # Writers that still hold the old generations in their cache may write there until it expires.
    await asyncio.sleep(2 * CACHE_TTL_S)
    await drop(read_models, generations.active)
    return RebuildSummary(new, **asdict(totals))


@dataclass
class Totals:
    messages: int = 0
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    undecodable: int = 0


def replay_phases() -> list[list[str]]:
    first = ["case-submitted"]
    return [first, [t for t in CATALOGUE.topics if t not in first]]


async def replay_into(projector: Projector, replay: TopicReplay, totals: Totals) -> None:
    async for batch in replay.batches():
        outcome = await projector.apply(sorted(batch, key=lambda e: e.time))
        totals.applied += outcome.applied
        totals.duplicates += outcome.duplicates
        totals.rejected += len(outcome.rejected)
        for event, error in outcome.rejected:
            log.warning("replayed event %s breaks the projection: %s", event.id, error)
    totals.messages += replay.stats.messages
    totals.undecodable += replay.stats.undecodable


async def drop(read_models: ReadModels, generation: int) -> None:
    for name in Collections(generation).all():
        await read_models.db.drop_collection(name)
