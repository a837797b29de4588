"""Progress of a long task: done (of a total, when known), rate and time left.

On a terminal a task has one line, rewritten in place at most every 0.2 s; tasks running at the
same time (say, two downloads) share that line. Anywhere else (CI logs, files) a task writes a line
every 5 s at most, so an hour's work writes hundreds of lines, never thousands. ``finish`` always
writes the task's last line. Lines carry counts and names of files or topics, never personal data.
"""

import shutil
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self, TextIO

BYTES = "bytes"
TTY_EVERY_S = 0.2
LOG_EVERY_S = 5.0
_CLEAR = "\r\x1b[K"


class Console:
    """One output stream; on a terminal, its status line, shared by the tasks under way."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        isatty = getattr(stream, "isatty", None)
        self.live = bool(isatty and isatty())
        self._status: dict[int, str] = {}
        self._lock = threading.Lock()

    def show(self, task: object, text: str) -> None:
        """The task's state: on the status line (a terminal), else on a line of its own."""
        with self._lock:
            if self.live:
                self._status[id(task)] = text
                self._write("")
            else:
                self._write(text + "\n")

    def print(self, text: str, *, leaving: object = None) -> None:
        """A line that stays, above the status line; ``leaving`` leaves the status line."""
        with self._lock:
            self._status.pop(id(leaving), None)
            self._write(text + "\n")

    def _write(self, text: str) -> None:
        if self.live:
            width = shutil.get_terminal_size().columns - 1
            text = _CLEAR + text + " | ".join(self._status.values())[:width]
        self.stream.write(text)
        self.stream.flush()


_consoles: dict[int, Console] = {}
_consoles_lock = threading.Lock()


def console_for(stream: TextIO) -> Console:
    """The one Console of ``stream``, so that every task writing there shares its status line."""
    with _consoles_lock:
        found = _consoles.get(id(stream))
        if found is None or found.stream is not stream:
            found = _consoles[id(stream)] = Console(stream)
        return found


def say(text: str, stream: TextIO | None = None) -> None:
    """A line of its own (default: on standard error), above the status line of tasks under way."""
    console_for(stream or sys.stderr).print(text)


class Progress:
    """One task's progress, written to ``stream`` (default: standard error).

    ``unit`` names what is counted ("events", "dossiers") or is ``BYTES``, shown as kB/MB/GB.
    """

    def __init__(
        self,
        what: str,
        *,
        total: float | None = None,
        unit: str = "",
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what = what
        self.total = total
        self.unit = unit
        self.done = 0.0
        self.note = ""
        self.console = console_for(stream or sys.stderr)
        self._every_s = TTY_EVERY_S if self.console.live else LOG_EVERY_S
        self._clock = clock
        self._started = self._shown = clock()

    def update(self, done: float, *, note: str | None = None) -> None:
        """``done`` so far (and what it is at now); shown if the last line is old enough."""
        self.done = done
        if note is not None:
            self.note = note
        now = self._clock()
        if now - self._shown >= self._every_s:
            self._shown = now
            self.console.show(self, self.line(now - self._started))

    def advance(self, amount: float = 1, *, note: str | None = None) -> None:
        self.update(self.done + amount, note=note)

    def say(self, text: str) -> None:
        """A line of its own about the task (e.g. what it fetches)."""
        self.console.print(f"{self.what}: {text}")

    def finish(self, note: str = "") -> None:
        """The last line: how much, in how long, at what rate, and ``note``."""
        elapsed = self._clock() - self._started
        text = f"{self.what}: {self._amount(self.done)} in {duration(elapsed)}"
        if elapsed > 0 and self.done:
            text += f" ({self._rate(self.done / elapsed)})"
        self.console.print(f"{text}; {note}" if note else text, leaving=self)

    def line(self, elapsed: float) -> str:
        """The task's state after ``elapsed`` seconds."""
        parts = [self._amount(self.done)]
        rate = self.done / elapsed if elapsed > 0 else 0.0
        if rate > 0:
            parts.append(self._rate(rate))
            if self.total is not None and self.total >= self.done:
                parts.append(f"{duration((self.total - self.done) / rate)} left")
        text = f"{self.what}: {', '.join(parts)}"
        return f"{text} ({self.note})" if self.note else text

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.finish("failed" if exc_type else "")

    def _amount(self, done: float) -> str:
        if self.total is None:
            return self._quantity(done)
        share = f" ({done / self.total:.0%})" if self.total else ""
        if self.unit == BYTES:
            return f"{size(done)}/{size(self.total)}{share}"
        return f"{done:,.0f}/{self._quantity(self.total)}{share}"

    def _quantity(self, amount: float) -> str:
        if self.unit == BYTES:
            return size(amount)
        return f"{amount:,.0f} {self.unit}".rstrip()

    def _rate(self, per_s: float) -> str:
        if self.unit == BYTES:
            return f"{size(per_s)}/s"
        shown = f"{per_s:.1f}" if per_s < 10 else f"{per_s:,.0f}"
        return f"{shown} {self.unit}/s" if self.unit else f"{shown}/s"


def size(amount: float) -> str:
    """Bytes in decimal units, as Maven and pip print them: 512 B, 3.9 kB, 16.9 MB, 1.2 GB."""
    for unit in ("B", "kB", "MB"):
        if amount < 1000:
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1000
    return f"{amount:.1f} GB"


def duration(seconds: float) -> str:
    """42 s, 3 min 05 s, 1 h 02 min."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"
