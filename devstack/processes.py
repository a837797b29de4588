"""Long-running server processes tracked by pid files, so any later command can find or stop them.

A process is started detached (its own session, reparented to init once the launching shell
exits) so that it survives the command or test session that started it.
"""

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from devstack.errors import StackError

# The shell backgrounds the server with its output in the log file and prints the server's pid:
# the server is then nobody's child here, which is what lets it outlive us without a zombie.
_LAUNCHER = 'log=$1; shift; "$@" >>"$log" 2>&1 </dev/null & echo $!'
_POLL_S = 0.05
_EXEC_TIMEOUT_S = 10.0


class ManagedProcess:
    """One named server process: its pid file, its console log, and how to start and stop it."""

    def __init__(self, name: str, run_dir: Path, log_file: Path) -> None:
        self.name = name
        self.pid_file = run_dir / f"{name}.pid"
        self.log_file = log_file

    def pid(self) -> int | None:
        """The pid of the running process, or None (a stale pid file is removed)."""
        record = self._live_record()
        return None if record is None else record["pid"]

    def start(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> int:
        """Start ``argv`` detached, appending its output to the log file; return its pid."""
        argv = list(argv)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log_start = log_size(self.log_file)
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        launched = subprocess.run(
            ["/bin/sh", "-c", _LAUNCHER, "sh", str(self.log_file), *argv],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            start_new_session=True,
            check=False,
        )
        if launched.returncode != 0 or not launched.stdout.strip().isdigit():
            raise StackError(f"could not launch {self.name}: {launched.stderr.strip()}")
        pid = int(launched.stdout)
        if not _wait_until(lambda: _runs(pid, argv), _EXEC_TIMEOUT_S):
            raise StackError(
                f"{self.name} did not start ({argv[0]}); it wrote:\n"
                f"{written_since(self.log_file, log_start) or '(nothing)'}"
            )
        self.pid_file.write_text(json.dumps({"pid": pid, "argv": argv}))
        return pid

    def stop(self, timeout_s: float = 30.0) -> bool:
        """SIGTERM, wait up to ``timeout_s``, then SIGKILL. False if it was not running."""
        record = self._live_record()
        if record is None:
            return False
        pid, argv = record["pid"], record["argv"]
        _signal(pid, signal.SIGTERM)
        if not _wait_until(lambda: not _runs(pid, argv), timeout_s):
            _signal(pid, signal.SIGKILL)
            _wait_until(lambda: not _runs(pid, argv), timeout_s)
        self.pid_file.unlink(missing_ok=True)
        return True

    def _live_record(self) -> dict[str, Any] | None:
        try:
            record: dict[str, Any] = json.loads(self.pid_file.read_text())
        except (FileNotFoundError, ValueError):
            return None
        if _runs(record.get("pid"), record.get("argv")):
            return record
        self.pid_file.unlink(missing_ok=True)
        return None


def log_size(path: Path) -> int:
    """Where the next line of an append-only log will start (0 if it does not exist yet)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def written_since(path: Path, offset: int, lines: int = 30) -> str:
    """The last lines a log received after ``offset``: this run's, not an earlier run's."""
    try:
        with path.open("rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _runs(pid: object, argv: object) -> bool:
    """Whether ``pid`` is a live process running exactly ``argv``.

    A pid can be reused by an unrelated process, and a dead server can linger as a zombie whose
    command line is empty: only the command we started counts.
    """
    if not isinstance(pid, int) or not isinstance(argv, list):
        return False
    if not Path("/proc/self").exists():
        return _exists(pid)
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return cmdline.split(b"\0")[:-1] == [os.fsencode(arg) for arg in argv]


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by another user
        return True
    return True


def _signal(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def _wait_until(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(_POLL_S)
    return True
