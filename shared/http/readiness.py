"""Running the named readiness checks behind /readyz: concurrently, each bounded by a timeout."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

# A check returns when its dependency answers and raises when it does not.
ReadinessCheck = Callable[[], Awaitable[None]]

_MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class CheckResult:
    name: str
    duration_ms: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {
            "status": "ok" if self.ok else "failed",
            "duration_ms": round(self.duration_ms, 1),
        }
        if self.error is not None:
            body["error"] = self.error
        return body


async def run_checks(checks: Mapping[str, ReadinessCheck], timeout_s: float) -> list[CheckResult]:
    """Run every check at once, so one slow dependency costs the probe one timeout, not several."""
    runs = (_run(name, check, timeout_s) for name, check in checks.items())
    return list(await asyncio.gather(*runs))


async def _run(name: str, check: ReadinessCheck, timeout_s: float) -> CheckResult:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            await check()
    except TimeoutError:
        error: str | None = f"no answer within {timeout_s:g} s"
    # A probe must report any failure of a dependency, whatever its type, rather than crash.
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_CHARS]
    else:
        error = None
    return CheckResult(name, (time.perf_counter() - started) * 1000, error)
