"""The deadline watch: on a schedule, raise the warnings due, once per case and threshold."""

import logging

from services.workflow.service_layer.handlers import Workflow
from shared.polling import PollingWorker

log = logging.getLogger(__name__)


class DeadlineWatch(PollingWorker):
    def __init__(self, workflow: Workflow, interval_s: float) -> None:
        super().__init__("deadline watch", interval_s)
        self._workflow = workflow

    async def run_once(self) -> None:
        raised = await self._workflow.watch_deadlines()
        if raised:
            log.info("deadline warnings raised: %d", raised)
