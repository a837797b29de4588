"""Waiting in tests for something that happens in the background: poll it, with a deadline.

Never a fixed sleep: the check runs until it holds, and the test fails with the last value seen
once ``timeout_s`` is over.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

T = TypeVar("T")

DEADLINE_S = 30.0


async def eventually(
    check: Callable[[], Awaitable[T]],
    *,
    until: Callable[[T], bool] = bool,
    what: str = "the condition",
    timeout_s: float = DEADLINE_S,
    interval_s: float = 0.1,
) -> T:
    """The first result of ``check`` for which ``until`` holds (by default: a truthy one)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        value = await check()
        if until(value):
            return value
        if loop.time() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}; last value: {value!r}")
        await asyncio.sleep(interval_s)
