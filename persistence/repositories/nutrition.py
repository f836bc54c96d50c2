"""Nutrition days: upsert by (user, date), range queries and aggregates."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from persistence.errors import NotFound
from persistence.models import NutritionDay
from persistence.repositories._common import delete_by_date, select_range, upsert_by_date

WRITABLE = frozenset(
    {
        "calories",
        "protein_g",
        "carbs_g",
        "fat_g",
        "fiber_g",
        "source",
        "notes",
    }
)


async def upsert_for_date(
    db: AsyncSession, *, user_id: uuid.UUID, day: dt.date, values: Mapping[str, Any]
) -> NutritionDay:
    """Create or update the nutrition day of ``day``; only the given fields are written."""
    unknown = set(values) - WRITABLE
    if unknown:
        raise ValueError(f"nutrition_day has no writable field(s) {sorted(unknown)}")
    return await upsert_by_date(db, NutritionDay, user_id=user_id, day=day, values=values)


async def find_for_date(
    db: AsyncSession, *, user_id: uuid.UUID, day: dt.date
) -> NutritionDay | None:
    """The nutrition day of ``day``, if any."""
    stmt = sa.select(NutritionDay).where(
        col(NutritionDay.user_id) == user_id, col(NutritionDay.date) == day
    )
    return (await db.scalars(stmt)).one_or_none()


async def get_for_date(db: AsyncSession, *, user_id: uuid.UUID, day: dt.date) -> NutritionDay:
    """The nutrition day of ``day``, or ``NotFound``."""
    row = await find_for_date(db, user_id=user_id, day=day)
    if row is None:
        raise NotFound("nutrition day", day.isoformat())
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
) -> list[NutritionDay]:
    """Check-ins between ``start`` and ``end`` inclusive, newest first by default."""
    return await select_range(
        db,
        NutritionDay,
        user_id=user_id,
        start=start,
        end=end,
        limit=limit,
        before=before,
        newest_first=newest_first,
    )


async def delete_for_date(db: AsyncSession, *, user_id: uuid.UUID, day: dt.date) -> None:
    """Delete the nutrition day of ``day``, or ``NotFound``."""
    if not await delete_by_date(db, NutritionDay, user_id=user_id, day=day):
        raise NotFound("nutrition day", day.isoformat())


async def find_for_dates(
    db: AsyncSession, *, user_id: uuid.UUID, days: list[dt.date]
) -> dict[dt.date, NutritionDay]:
    """The stored days among ``days``, keyed by date."""
    if not days:
        return {}
    stmt = sa.select(NutritionDay).where(
        col(NutritionDay.user_id) == user_id,
        col(NutritionDay.date).in_(days),
    )
    return {row.date: row for row in (await db.scalars(stmt)).all()}
