"""Daily check-ins: upsert by date, list newest first, delete, offline sync."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api import checkin_sync
from api.data_common import check_range, decode_date_cursor, encode_date_cursor
from api.deps import CurrentUser, DbSession, State, bump_user_data
from api.schemas.checkins import (
    CheckInOut,
    CheckInPage,
    CheckInWrite,
    SyncRequest,
    SyncResponse,
    SyncResult,
)
from api.schemas.dates import IsoDate, LogDay
from persistence.repositories import checkins

router = APIRouter(prefix="/check-ins", tags=["check-ins"])

MAX_PAGE = 366


@router.put(
    "/{date}",
    response_model=CheckInOut,
    responses={201: {"model": CheckInOut, "description": "created"}},
)
async def put_check_in(
    date: LogDay,
    body: CheckInWrite,
    user: CurrentUser,
    db: DbSession,
    state: State,
    response: Response,
) -> CheckInOut:
    """Create (201) or replace (200) the check-in of ``date`` (not after today in the user's
    timezone). ``adherence_score`` is computed from that day's nutrition."""
    row, created = await checkin_sync.upsert_one(
        db, user_id=user.id, day=date, body=body, now=state.clock()
    )
    await db.commit()
    await bump_user_data(state, user.id)
    response.status_code = 201 if created else 200
    return CheckInOut.of(row)


@router.get("", response_model=CheckInPage)
async def list_check_ins(
    user: CurrentUser,
    db: DbSession,
    start: Annotated[IsoDate | None, Query(alias="from", description="inclusive")] = None,
    end: Annotated[IsoDate | None, Query(alias="to", description="inclusive")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 30,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> CheckInPage:
    """The user's check-ins between ``from`` and ``to``, newest first, by keyset pages."""
    check_range(start, end)
    before = decode_date_cursor(cursor)
    rows = await checkins.list_for_user(
        db, user_id=user.id, start=start, end=end, limit=limit + 1, before=before
    )
    page = rows[:limit]
    next_cursor = encode_date_cursor(page[-1].date) if len(rows) > limit else None
    return CheckInPage(items=[CheckInOut.of(row) for row in page], next_cursor=next_cursor)


@router.get("/{date}", response_model=CheckInOut)
async def get_check_in(date: dt.date, user: CurrentUser, db: DbSession) -> CheckInOut:
    """The check-in of ``date`` (404 when there is none)."""
    return CheckInOut.of(await checkins.get_for_date(db, user_id=user.id, day=date))


@router.delete("/{date}", status_code=204)
async def delete_check_in(date: dt.date, user: CurrentUser, db: DbSession, state: State) -> None:
    """Delete the check-in of ``date`` (404 when there is none)."""
    await checkins.delete_for_date(db, user_id=user.id, day=date)
    await db.commit()
    await bump_user_data(state, user.id)


@router.post("/sync", response_model=SyncResponse)
async def sync_check_ins(
    body: SyncRequest, user: CurrentUser, db: DbSession, state: State
) -> SyncResponse:
    """Apply up to 500 offline edits; last writer wins by ``client_updated_at``.

    Each item answers ``created``, ``updated``, ``unchanged`` or ``conflict`` with the
    server's version of its date after the batch. Items are applied in order, so two items
    for one date are each answered against the state the earlier one left.
    """
    outcome = await checkin_sync.sync(db, user_id=user.id, items=body.items, now=state.clock())
    await db.commit()
    if any(status in ("created", "updated") for _, status in outcome.statuses):
        await bump_user_data(state, user.id)
    results = []
    for index, (day, status) in enumerate(outcome.statuses):
        row = outcome.rows.get(day)
        results.append(
            SyncResult(
                index=index,
                date=day,
                status=status,
                check_in=CheckInOut.of(row) if row is not None else None,
            )
        )
    return SyncResponse(results=results)
