"""Finding and running the build tools, and knowing when a built artefact is still current."""

import hashlib
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from devstack.errors import StackError

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


def run_tool(
    argv: Sequence[str], *, what: str, cwd: Path, env: Mapping[str, str] | None = None
) -> None:
    """Run a build step to completion; on failure raise a StackError with the end of its output."""
    done = subprocess.run(
        list(argv),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        output = "\n".join(done.stdout.splitlines()[-40:])
        raise StackError(f"{what} failed (exit code {done.returncode}):\n{output}")


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
