"""Reacting to partitions moving between the members of a consumer group."""

from collections.abc import Awaitable, Callable

from aiokafka import ConsumerRebalanceListener, TopicPartition

Partitions = set[TopicPartition]


class CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    """Before partitions go to another member, commit what was processed on them.

    Otherwise the new owner would start at the last commit and process those messages a second
    time (harmless, consumers are idempotent, but avoidable).
    """

    def __init__(
        self,
        commit: Callable[[Partitions], Awaitable[None]],
        assigned: Callable[[Partitions], None],
    ) -> None:
        self._commit = commit
        self._assigned = assigned

    async def on_partitions_revoked(self, revoked: Partitions) -> None:
        await self._commit(set(revoked))

    def on_partitions_assigned(self, assigned: Partitions) -> None:
        self._assigned(set(assigned))
