"""Daily check-ins: upsert by (user, date), range queries."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from persistence.errors import NotFound
from persistence.models import CheckIn
from persistence.repositories._common import delete_by_date, select_range, upsert_by_date

WRITABLE = frozenset(
    {
        "weight_kg",
        "notes",
        "energy_level",
        "sleep_quality",
        "mood",
        "adherence_score",
        "client_updated_at",
    }
)


async def upsert_for_date(
    db: AsyncSession, *, user_id: uuid.UUID, day: dt.date, values: Mapping[str, Any]
) -> CheckIn:
    """Create or update the check-in of ``day``; only the given fields are written."""
    unknown = set(values) - WRITABLE
    if unknown:
        raise ValueError(f"check_in has no writable field(s) {sorted(unknown)}")
    return await upsert_by_date(db, CheckIn, user_id=user_id, day=day, values=values)


async def find_for_date(db: AsyncSession, *, user_id: uuid.UUID, day: dt.date) -> CheckIn | None:
    """The check-in of ``day``, if any."""
    stmt = sa.select(CheckIn).where(col(CheckIn.user_id) == user_id, col(CheckIn.date) == day)
    return (await db.scalars(stmt)).one_or_none()


async def get_for_date(db: AsyncSession, *, user_id: uuid.UUID, day: dt.date) -> CheckIn:
    """The check-in of ``day``, or ``NotFound``."""
    row = await find_for_date(db, user_id=user_id, day=day)
    if row is None:
        raise NotFound("check-in", day.isoformat())
    return row


async def list_for_user(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int | None = None,
    before: dt.date | None = None,
    newest_first: bool = True,
) -> list[CheckIn]:
    """Check-ins between ``start`` and ``end`` inclusive, newest first by default."""
    return await select_range(
        db,
        CheckIn,
        user_id=user_id,
        start=start,
        end=end,
        limit=limit,
        before=before,
        newest_first=newest_first,
    )


async def delete_for_date(db: AsyncSession, *, user_id: uuid.UUID, day: dt.date) -> None:
    """Delete the check-in of ``day``, or ``NotFound``."""
    if not await delete_by_date(db, CheckIn, user_id=user_id, day=day):
        raise NotFound("check-in", day.isoformat())
