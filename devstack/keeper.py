"""Keeps one service process running: ``python -m devstack.keeper -- <command...>``.

The local stack starts each service under a keeper, which starts the command again (with backoff)
whenever it dies other than by the keeper's own request: killed with -9, or exited non-zero after
giving up on a worker (``shared.supervision``). SIGTERM or SIGINT to the keeper stops the service
and then the keeper. The service dies with its keeper (PR_SET_PDEATHSIG), so no orphan outlives a
``kill -9`` of the keeper.
"""

import ctypes
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

PR_SET_PDEATHSIG = 1
BACKOFF_INITIAL_S = 0.5
BACKOFF_MAX_S = 30.0
# A run this long counts as healthy: the next death starts the backoff over.
HEALTHY_AFTER_S = 60.0
STOP_TIMEOUT_S = 30.0


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Keeper:
    def __init__(self, argv: Sequence[str]) -> None:
        self.argv = list(argv)
        self.stopping = False
        self.child: subprocess.Popen[bytes] | None = None

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)

    def run(self) -> int:
        delay = 0.0
        while True:
            started = time.monotonic()
            self.child = subprocess.Popen(self.argv, preexec_fn=_die_with_parent)
            code = self._wait()
            if self.stopping:
                return 0
            ran = time.monotonic() - started
            healthy = ran > HEALTHY_AFTER_S or delay == 0
            delay = BACKOFF_INITIAL_S if healthy else min(BACKOFF_MAX_S, delay * 2)
            print(f"keeper: the service ended ({code}); restarting in {delay:.1f} s", flush=True)
            time.sleep(delay)
            if self.stopping:
                return 0

    def _wait(self) -> int:
        assert self.child is not None
        while True:
            try:
                return self.child.wait(timeout=STOP_TIMEOUT_S if self.stopping else None)
            except subprocess.TimeoutExpired:
                self.child.kill()


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] != "--" or len(argv) < 2:
        print("usage: python -m devstack.keeper -- <command...>", file=sys.stderr)
        return 2
    keeper = Keeper(argv[1:])
    signal.signal(signal.SIGTERM, keeper.stop)
    signal.signal(signal.SIGINT, keeper.stop)
    return keeper.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
