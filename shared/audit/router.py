"""``GET /audit``: a service's audit trail, filtered, newest first, optionally with its check.

The service decides who may read it: it passes its authorisation as ``dependencies`` (e.g. a
dependency admitting managers and administrators), and how to reach its database as ``database``.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, params
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from shared.audit.chain import ChainReport, verify_chain
from shared.audit.entry import AuditEntry
from shared.audit.reader import (
    CURSOR_PATTERN,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    AuditQuery,
    PageCursor,
    read_audit,
)
from shared.audit.trail import link_all
from shared.calendar.working_calendar import LOCAL_TZ
from shared.http.errors import ErrorBody, field_error
from shared.http.openapi import IsoDate
from shared.mongo import Document

FIRST_YEAR, LAST_YEAR = 1900, 2100


class AuditPageBody(BaseModel):
    entries: list[AuditEntry]
    next_cursor: str | None
    chain: ChainReport | None = None


def audit_query(
    case_code: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    officer_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    first_day: Annotated[
        IsoDate | None, Query(alias="from", description="First local day, YYYY-MM-DD.")
    ] = None,
    last_day: Annotated[
        IsoDate | None, Query(alias="to", description="Last local day (included), YYYY-MM-DD.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(
            max_length=40,
            pattern=CURSOR_PATTERN,
            description="next_cursor of the previous page.",
        ),
    ] = None,
) -> AuditQuery:
    """The query parameters as an ``AuditQuery``; days are Vietnam's (Asia/Ho_Chi_Minh)."""
    _check_year("from", first_day)
    _check_year("to", last_day)
    if first_day and last_day and last_day < first_day:
        raise field_error(422, "query.to", "Ngày kết thúc không được trước ngày bắt đầu")
    return AuditQuery(
        case_code=case_code,
        officer_id=officer_id,
        start=_day_start(first_day),
        end=_day_start(last_day + timedelta(days=1) if last_day else None),
        limit=limit,
        cursor=_cursor(cursor),
    )


def audit_router(
    database: Callable[..., Any], *, dependencies: Sequence[params.Depends] = ()
) -> APIRouter:
    """The router of ``GET /audit``; ``database`` is a FastAPI dependency giving the service's
    database, ``dependencies`` run before every request (authorisation)."""
    router = APIRouter(tags=["audit"], dependencies=list(dependencies))
    Database = Annotated[AsyncDatabase[Document], Depends(database)]

    @router.get(
        "/audit",
        response_model=AuditPageBody,
        responses={422: {"model": ErrorBody}},
        summary="Audit trail of officer actions, newest first",
    )
    async def audit(
        db: Database,
        query: Annotated[AuditQuery, Depends(audit_query)],
        verify: Annotated[bool, Query(description="Also check the whole chain.")] = False,
    ) -> AuditPageBody:
        # What committed a moment ago is in the trail too, not only what the linker reached.
        await link_all(db)
        page = await read_audit(db, query)
        chain = await verify_chain(db) if verify else None
        return AuditPageBody(entries=page.entries, next_cursor=page.next_cursor, chain=chain)

    return router


def _check_year(name: str, day: date | None) -> None:
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        reason = f"Năm phải nằm trong khoảng từ {FIRST_YEAR} đến {LAST_YEAR}"
        raise field_error(422, f"query.{name}", reason)


def _day_start(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def _cursor(text: str | None) -> PageCursor | None:
    if text is None:
        return None
    try:
        return PageCursor.decode(text)
    except ValueError:
        raise field_error(422, "query.cursor", "Con trỏ trang không hợp lệ") from None
