"""Headless Chromium (Debian's package) driven through the DevTools protocol over a pipe.

``--remote-debugging-pipe`` makes Chromium read commands on its fd 3 and write answers and events on
its fd 4, as JSON messages ended by a NUL byte: no websocket client is needed. This drives what
``--dump-dom`` cannot: typing into a form, submitting it by POST, reading the page it leads to,
screenshots at chosen widths.
"""

import asyncio
import base64
import json
import os
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]
CALL_TIMEOUT_S = 30
# Puts the pipes on the fds Chromium expects, then becomes Chromium: a trampoline instead of a
# ``preexec_fn``, which is unsafe in a process with threads.
_ONTO_3_AND_4 = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.execv(sys.argv[3], sys.argv[3:])"
)


class Page:
    """One tab: commands go to its session, events are awaited by name."""

    def __init__(self, writer: asyncio.WriteTransport, reader: asyncio.StreamReader) -> None:
        self._writer = writer
        self._reader = reader
        self._next_id = 0
        self._answers: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._waiting: dict[str, list[asyncio.Future[dict[str, Any]]]] = {}
        self._session: str | None = None
        self._reading = asyncio.create_task(self._read())

    async def open(self) -> None:
        target = await self.call("Target.createTarget", url="about:blank", browser=True)
        attached = await self.call(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True, browser=True
        )
        self._session = attached["sessionId"]
        await self.call("Page.enable")

    async def call(self, method: str, *, browser: bool = False, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if not browser:
            message["sessionId"] = self._session
        answer = asyncio.get_running_loop().create_future()
        self._answers[self._next_id] = answer
        self._writer.write(json.dumps(message).encode() + b"\0")
        async with asyncio.timeout(CALL_TIMEOUT_S):
            reply = await answer
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def expect(self, event: str) -> asyncio.Future[dict[str, Any]]:
        """A future of the next ``event``; ask for it before the command that causes it."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(event, []).append(future)
        return future

    async def goto(self, url: str) -> None:
        loaded = self.expect("Page.loadEventFired")
        await self.call("Page.navigate", url=url)
        async with asyncio.timeout(CALL_TIMEOUT_S):
            await loaded

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def submit(self, button: str) -> None:
        """Click ``button`` (a CSS selector) and wait for the page the form leads to."""
        loaded = self.expect("Page.loadEventFired")
        await self.evaluate(f"document.querySelector({json.dumps(button)}).click()")
        async with asyncio.timeout(CALL_TIMEOUT_S):
            await loaded

    async def resize(self, width: int, height: int, *, mobile: bool) -> None:
        await self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    async def screenshot(self, path: Path) -> None:
        """The whole page, as tall as its content, at the current width."""
        layout = await self.call("Page.getLayoutMetrics")
        size = layout["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = await self.call(
            "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
        )
        await asyncio.to_thread(_write, path, base64.b64decode(shot["data"]))

    async def close(self) -> None:
        try:
            await self.call("Browser.close", browser=True)
        finally:
            self._reading.cancel()

    async def _read(self) -> None:
        while True:
            message = json.loads((await self._reader.readuntil(b"\0"))[:-1])
            if "id" in message:
                answer = self._answers.pop(message["id"], None)
                if answer is not None and not answer.done():
                    answer.set_result(message)
                continue
            for waiter in self._waiting.pop(message.get("method", ""), []):
                if not waiter.done():
                    waiter.set_result(message.get("params", {}))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@asynccontextmanager
async def chromium_page() -> AsyncIterator[Page]:
    binary = shutil.which("chromium")
    assert binary, "Debian's chromium is missing: scripts/ensure-system-packages.sh installs it"
    commands_r, commands_w = os.pipe()
    events_r, events_w = os.pipe()

    with tempfile.TemporaryDirectory() as profile:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _ONTO_3_AND_4,
            str(commands_r),
            str(events_w),
            binary,
            *FLAGS,
            f"--user-data-dir={profile}",
            "about:blank",
            pass_fds=(commands_r, events_w),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        os.close(commands_r)
        os.close(events_w)
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=64 * 1024 * 1024)  # screenshots arrive in one message
        await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(events_r, "rb", 0)
        )
        writer, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(commands_w, "wb", 0))
        page = Page(writer, reader)
        try:
            await page.open()
            yield page
        finally:
            await page.close()
            writer.close()
            async with asyncio.timeout(CALL_TIMEOUT_S):
                await process.wait()
