"""Rebuilding the read models by replaying every topic, while the live consumer keeps going.

1. A new generation is announced as *building*, its collections start empty. From then on the
   live consumer applies each event to the active generation and to the new one, in the same
   unit of work (``ReadModels.apply_in``).
2. After every live writer has surely seen that (it re-reads the generations at least every
   ``CACHE_TTL_S``), the end offsets of every partition are captured. Any event the live consumer
   applied without writing it to the new generation was fetched before then, so it lies below
   those offsets.
3. The replay applies every event from offset 0 up to those end offsets to the new generation,
   a batch per unit of work: first the ``case-submitted`` topic, then all the others (each batch
   in event-time order), so that, as in live consumption, every other fact of a case meets its
   reception already known and a contradicting event is rejected the same way it was live.
   The live consumer may apply some of those events to the new generation too, so while it is
   being built the generation keeps the ids of the events it applied (``seen_g<n>``): whichever
   writer comes second skips the event (the two transactions conflict and one retries).
4. The new generation becomes the active one (one single-document write). Reports read the old
   generation until the switch, so they never see a half-built one. Should the replay fail, the
   new generation is abandoned. The old generation and the marks stay until the next rebuild
   drops them: dropping a collection while a late writer's transaction is still open in it can
   deadlock SecantusDB, and by then no writer has used them for a long time.
"""

import asyncio
import logging
import re
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass
from typing import Any, TextIO

from services.reporting.adapters.generations import CACHE_TTL_S
from services.reporting.adapters.mongo_store import Collections, Marks, MongoReadModelBook
from services.reporting.adapters.replay import TopicReplay
from services.reporting.service_layer.projector import Outcome, project
from services.reporting.service_layer.read_models import ReadModels
from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope
from shared.mongo import UnitOfWork
from shared.progress import Progress
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)
GENERATION_NAME = re.compile(r"[a-z]+_g\d+")


@dataclass(frozen=True)
class RebuildSummary:
    generation: int
    messages: int
    applied: int
    duplicates: int
    rejected: int
    undecodable: int


@dataclass
class Totals:
    messages: int = 0
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    undecodable: int = 0

    def add(self, outcome: Outcome) -> None:
        self.applied += outcome.applied
        self.duplicates += outcome.duplicates
        self.rejected += len(outcome.rejected)


async def rebuild(
    settings: ServiceSettings,
    read_models: ReadModels,
    batch_size: int,
    *,
    progress_to: TextIO | None = None,
) -> RebuildSummary:
    """Replay into a new generation, then make it the active one; with ``progress_to``, show the
    replay's progress there."""
    control = read_models.control
    new = await control.next_generation()
    # Nobody writes the generations left over by earlier rebuilds (nor ``new``, unannounced), so
    # they can go now; right after a switch a late writer might still be in one of them.
    await drop_all_but(read_models, (await control.current()).active)
    await read_models.prepare(new)
    generations = await control.start_building(new)
    try:
        await asyncio.sleep(2 * CACHE_TTL_S)
        totals = await replay_topics(
            settings, read_models.uow, Collections(new), batch_size, progress_to=progress_to
        )
        await control.activate(generations)
    except BaseException:
        await control.abandon(generations)
        raise
    finally:
        # Writers that still hold the old generations in their cache may write there until it
        # expires: the caller must not drop anything before then.
        await asyncio.sleep(2 * CACHE_TTL_S)
    return RebuildSummary(new, **asdict(totals))


def replay_phases() -> list[list[str]]:
    first = ["case-submitted"]
    return [first, [t for t in CATALOGUE.topics if t not in first]]


async def replay_topics(
    settings: ServiceSettings,
    uow: UnitOfWork,
    target: Collections,
    batch_size: int,
    *,
    progress_to: TextIO | None = None,
) -> Totals:
    """Every catalogue topic from offset 0 to its end now, into the ``target`` generation."""
    totals = Totals()
    for topics in replay_phases():
        with phase_progress(topics, progress_to) as progress:
            replay = TopicReplay(settings, topics, batch_size, progress)
            async for batch in replay.batches():
                totals.add(await replay_batch(uow, target, sorted(batch, key=lambda e: e.time)))
        totals.messages += replay.stats.messages
        totals.undecodable += replay.stats.undecodable
    return totals


def phase_progress(
    topics: list[str], stream: TextIO | None
) -> AbstractContextManager[Progress | None]:
    """The progress of replaying ``topics``, shown on ``stream``; none without one."""
    if stream is None:
        return nullcontext()
    what = topics[0] if len(topics) == 1 else f"{len(topics)} topics"
    return Progress(f"replay of {what}", unit="messages", stream=stream)


async def replay_batch(
    uow: UnitOfWork, target: Collections, events: list[Envelope[Any]]
) -> Outcome:
    outcome = await uow.run(
        lambda tx: project(MongoReadModelBook(tx, target, marks=Marks.KEEP), events)
    )
    for event, error in outcome.rejected:
        log.warning("replayed event %s breaks the projection: %s", event.id, error)
    return outcome


async def drop_all_but(read_models: ReadModels, active: int) -> None:
    """Drop the collections of every generation but ``active``."""
    keep = set(Collections(active).all())
    for name in await read_models.db.list_collection_names():
        if GENERATION_NAME.fullmatch(name) and name not in keep:
            await read_models.db.drop_collection(name)
