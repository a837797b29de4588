"""What stands before the citizen's routes (lookup, its page, rating): limits per client and per
case code, counted in the service's database so that every replica shares them.

The rating checks the code and ID number as the lookup does, so it draws on the same allowance:
otherwise it would be a second, unlimited way of guessing an ID number.
"""

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, FastAPI, Request
from starlette.exceptions import HTTPException

from services.intake.bootstrap import IntakeContainer
from shared.http.rate_limit import (
    INDEXES,
    RATE_LIMITS,
    Limit,
    RateLimiter,
    RateLimitSettings,
    client_address,
)
from shared.mongo import ensure_indexes

# One answer for a wrong ID number and an unknown code: neither tells which it was.
NOT_FOUND = "Không tìm thấy hồ sơ với mã và số định danh đã nhập"


@dataclass(frozen=True)
class Refusal:
    """Why a request waits: the field it is about and when to come back."""

    field: str
    reason: str
    retry_after_s: int

    def error(self) -> HTTPException:
        """The uniform 429 body, with ``Retry-After``."""
        return HTTPException(
            429,
            detail=[{"field": self.field, "reason": self.reason}],  # type: ignore[arg-type]
            headers={"Retry-After": str(self.retry_after_s)},
        )


class CitizenGuard:
    def __init__(self, limiter: RateLimiter, settings: RateLimitSettings) -> None:
        self._limiter = limiter
        self._proxies = settings.trusted_proxies
        self._per_client = Limit(
            "citizen-client", settings.rate_limit_per_client, settings.rate_limit_client_window_s
        )
        self._per_case = Limit(
            "citizen-case", settings.rate_limit_per_case, settings.rate_limit_case_window_s
        )

    async def admit(self, request: Request, code: str) -> Refusal | None:
        """Count this attempt on ``code``; a refusal once the client or the code is over its
        limit. A client already refused does not use up the code's allowance."""
        wait = await self._limiter.hit(self._per_client, client_address(request, self._proxies))
        if wait is not None:
            reason = f"Quá nhiều lượt tra cứu từ thiết bị này, vui lòng thử lại sau {_vn(wait)}"
            return Refusal("client", reason, wait)
        wait = await self._limiter.hit(self._per_case, code)
        if wait is not None:
            reason = f"Hồ sơ này đã được tra cứu quá nhiều lần, vui lòng thử lại sau {_vn(wait)}"
            return Refusal("code", reason, wait)
        return None


def _vn(seconds: int) -> str:
    return f"{seconds} giây" if seconds < 60 else f"{math.ceil(seconds / 60)} phút"


@asynccontextmanager
async def guard_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs inside the app's own lifespan, once its container is open."""
    container = cast(IntakeContainer, app.state.container)
    db = container.connections.db
    await ensure_indexes(db, INDEXES)
    app.state.citizen_guard = CitizenGuard(RateLimiter(db[RATE_LIMITS]), container.settings)
    yield


def _guard(request: Request) -> CitizenGuard:
    return cast(CitizenGuard, request.app.state.citizen_guard)


GuardDep = Annotated[CitizenGuard, Depends(_guard)]
