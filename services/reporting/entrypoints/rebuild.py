"""``python -m services.reporting.entrypoints.rebuild``: rebuild the read models from the topics.

Safe while the service runs and events keep arriving (see ``service_layer/rebuild.py``). Shows the
replay's progress (messages read of those to read, rate, time left) on standard error; prints its
summary as JSON on standard output.
"""

import asyncio
import json
import sys
from dataclasses import asdict

from services.reporting.service_layer.read_models import ReadModels
from services.reporting.service_layer.rebuild import rebuild
from services.reporting.settings import ReportingSettings
from shared.mongo import mongo_client, service_database
from shared.observability.logging import configure_logging


async def main() -> int:
    settings = ReportingSettings()
    configure_logging(f"{settings.service_name}-rebuild", settings.log_level)
    async with mongo_client(settings) as client:
        read_models = ReadModels(service_database(client, settings))
        summary = await rebuild(
            settings, read_models, settings.rebuild_batch_size, progress_to=sys.stderr
        )
    print(json.dumps(asdict(summary)))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
