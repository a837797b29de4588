"""The keeper starts a service again when it dies, and stops it when asked."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit


def wait_for(condition: object, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_killed_service_is_started_again_and_sigterm_stops_both(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    # The "service" appends its pid to a file, then sleeps until killed.
    service = (
        f"import os, time; open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n'); time.sleep(600)"
    )
    keeper = subprocess.Popen(
        [sys.executable, "-m", "devstack.keeper", "--", sys.executable, "-c", service]
    )
    try:
        wait_for(lambda: pids.exists() and len(pids.read_text().split()) == 1)
        first = int(pids.read_text().split()[0])
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: len(pids.read_text().split()) == 2)
        second = int(pids.read_text().split()[1])
        assert second != first
        keeper.send_signal(signal.SIGTERM)
        assert keeper.wait(timeout=10) == 0
        wait_for(lambda: not Path(f"/proc/{second}").exists() or b"Z" in _state(second))
    finally:
        keeper.kill()


def _state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().split(b") ")[1][:1]
    except OSError:
        return b"Z"
