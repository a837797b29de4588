"""The connections every service opens at start: its database and its event producer.

A service's ``bootstrap`` opens them through ``open_container``; its own repositories and handlers
are built on top as they are written.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar

from fastapi import Request
from pymongo.asynchronous.database import AsyncDatabase

from shared.http.readiness import ReadinessCheck
from shared.kafka.producer import EventProducer
from shared.mongo.client import Document, mongo_client, ping, service_database
from shared.settings import ServiceSettings
from shared.supervision import Supervisor

SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


@dataclass(frozen=True)
class Container(Generic[SettingsT]):
    settings: SettingsT
    db: AsyncDatabase[Document]
    producer: EventProducer
    # Runs the service's background workers (consumers, relay, pollers); stops them first.
    workers: Supervisor

    @property
    def readiness_checks(self) -> Mapping[str, ReadinessCheck]:
        """/readyz asks the very connections the routes use, and names dead workers."""
        return {
            "mongodb": partial(ping, self.db),
            "kafka": self.producer.ping,
            "workers": self.workers.check,
        }


@dataclass(frozen=True)
class ServiceContainer(Generic[SettingsT]):
    """Base of each service's container: the connections, then the service's own parts."""

    connections: Container[SettingsT]

    @property
    def settings(self) -> SettingsT:
        return self.connections.settings

    @property
    def readiness_checks(self) -> Mapping[str, ReadinessCheck]:
        return self.connections.readiness_checks


@asynccontextmanager
async def open_container(settings: SettingsT) -> AsyncIterator[Container[SettingsT]]:
    """Open the connections for the life of the app; close them, in reverse, at its end."""
    async with (
        mongo_client(settings) as client,
        EventProducer(settings) as producer,
        Supervisor() as workers,
    ):
        yield Container(settings, service_database(client, settings), producer, workers)


def container_database(request: Request) -> AsyncDatabase[Document]:
    """The open service's database, as a route dependency (the audit trail's reader)."""
    container: ServiceContainer[ServiceSettings] = request.app.state.container
    return container.connections.db
