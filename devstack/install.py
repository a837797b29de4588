"""Finding and running the build tools, showing what they download, and knowing when a built
artefact is still current."""

import hashlib
import os
import shutil
import subprocess
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from devstack.errors import StackError
from shared.progress import BYTES, Progress, size

# What to tell a developer whose machine lacks a tool.
_TOOL_HINTS = {
    "java": "Java 17 or newer runs Kafka (Debian: apt-get install openjdk-17-jre-headless)",
    "mvn": "Maven downloads Kafka from Maven Central (Debian: apt-get install maven)",
}


def require_tool(name: str) -> str:
    """The absolute path of a command on PATH, or a StackError saying how to get it."""
    path = shutil.which(name)
    if path is None:
        raise StackError(f"`{name}` is not on PATH. {_TOOL_HINTS.get(name, '')}".strip())
    return path


@dataclass(frozen=True)
class Transfer:
    """A download a build tool reports: the file, and its size in bytes when the tool says it."""

    name: str
    size: int | None
    finished: bool  # the tool reports it done (Maven), or only begun (pip)


@dataclass(frozen=True)
class Downloads:
    """What a build step fetches, and how to read its downloads from the tool's output."""

    title: str  # e.g. "Kafka", the label of its progress lines
    source: str  # what is fetched and from where, said once at the start
    parse: Callable[[str], Transfer | None]


_UNITS = {"B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3}


def transfer_size(number: str, unit: str) -> int:
    """Bytes from a size as Maven and pip print it (decimal units): ``3.9``, ``kB``."""
    return round(float(number) * _UNITS[unit.upper()])


class DownloadMeter:
    """Adds up a build tool's downloads, from its output, as progress in bytes."""

    def __init__(self, downloads: Downloads) -> None:
        self.parse = downloads.parse
        self.progress = Progress(downloads.title, unit=BYTES)
        self.progress.say(f"fetching {downloads.source}")
        self.files = 0
        self._pending: Transfer | None = None  # begun, size known, end not reported (pip)

    def feed(self, line: str) -> None:
        # A tool that reports only the start of a download prints its next line after the end.
        self._settle()
        transfer = self.parse(line)
        if transfer is None:
            return
        if transfer.finished:
            self._count(transfer)
            return
        if transfer.size is not None:
            self.progress.say(f"fetching {transfer.name} ({size(transfer.size)})")
            self._pending = transfer
        self.progress.update(self.progress.done, note=f"{_files(self.files)}, now {transfer.name}")

    def finish(self, *, failed: bool) -> None:
        self._settle()
        if failed:
            note = "failed"
        elif self.files:
            note = f"{_files(self.files)} downloaded"
        else:
            note = "nothing to download, all was in the cache"
        self.progress.finish(note)

    def _settle(self) -> None:
        if self._pending is not None:
            self._count(self._pending)
            self._pending = None

    def _count(self, transfer: Transfer) -> None:
        self.files += 1
        self.progress.advance(transfer.size or 0, note=_files(self.files))


def _files(count: int) -> str:
    return "1 file" if count == 1 else f"{count} files"


def run_tool(
    argv: Sequence[str],
    *,
    what: str,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    downloads: Downloads | None = None,
) -> None:
    """Run a build step to completion; on failure raise a StackError with the end of its output.

    With ``downloads``, what the step downloads is shown while it runs and summed up at the end.
    """
    meter = DownloadMeter(downloads) if downloads else None
    tail: deque[str] = deque(maxlen=40)
    with subprocess.Popen(
        list(argv),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as tool:
        for line in tool.stdout or ():
            tail.append(line.rstrip("\n"))
            if meter:
                meter.feed(line)
        code = tool.wait()
    if meter:
        meter.finish(failed=code != 0)
    if code != 0:
        output = "\n".join(tail)
        raise StackError(f"{what} failed (exit code {code}):\n{output}")


class Stamp:
    """A fingerprint of a build's inputs, stored beside its output.

    The output is current when the stamp matches the inputs as they are now; a changed pom.xml or
    pinned version therefore reinstalls, and an unchanged one costs nothing.
    """

    def __init__(self, path: Path, inputs: Sequence[Path], *, extra: str = "") -> None:
        self.path = path
        self.inputs = inputs
        # Inputs that are not files, e.g. a pinned requirement.
        self.extra = extra

    def is_current(self) -> bool:
        try:
            return self.path.read_text() == self._fingerprint()
        except FileNotFoundError:
            return False

    def record(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self._fingerprint())

    def _fingerprint(self) -> str:
        digest = hashlib.sha256(self.extra.encode())
        for path in self.inputs:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()
