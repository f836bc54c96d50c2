"""Reads of user data for the tools: one range query per table, plain values out.

Check-ins and nutrition days are read as column tuples rather than ORM objects: a tool over
a year of days would otherwise spend most of its time building objects it never updates.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from persistence.enums import (
    ActivityLevel,
    DietType,
    GoalType,
    PacePreference,
    PhotoVisibility,
    Sex,
)
from persistence.models import CheckIn, NutritionDay
from persistence.repositories import photos, profiles
from tools.errors import DataErrorCode, ToolDataMissing


@dataclass(frozen=True, slots=True)
class ProfileData:
    """Profile, goal and preferences of a user, with defaults for rows not created yet."""

    display_name: str | None
    sex: Sex | None
    birth_year: int | None
    height_cm: float | None
    activity_level: ActivityLevel | None
    timezone: str
    goal_type: GoalType
    pace: PacePreference
    target_weight_kg: float | None
    target_date: dt.date | None
    diet_type: DietType
    allergies: list[str]
    disliked_foods: list[str]
    meals_per_day: int
    macro_targets: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class CheckInRow:
    """One check-in as plain values."""

    date: dt.date
    weight_kg: float | None
    energy_level: int | None
    sleep_quality: int | None
    mood: int | None
    adherence_score: float | None
    notes: str | None


@dataclass(frozen=True, slots=True)
class NutritionRow:
    """One nutrition day as plain values."""

    date: dt.date
    calories: int | None
    protein_g: float | None
    carbs_g: float | None
    fat_g: float | None
    fiber_g: float | None


@dataclass(frozen=True, slots=True)
class PhotoRow:
    """A coach-visible photo: no storage key, no content hash."""

    id: uuid.UUID
    date: dt.date
    metadata: dict[str, Any]


def _f(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


async def load_profile(session: AsyncSession, user_id: uuid.UUID) -> ProfileData:
    """Profile, goal and preferences in one query; ``ToolDataMissing`` for an unknown user."""
    ctx = await profiles.load_context(session, user_id=user_id)
    if ctx is None:
        raise ToolDataMissing(DataErrorCode.UNKNOWN_USER, "the user does not exist")
    p, g, d = ctx.profile, ctx.goal, ctx.preferences
    return ProfileData(
        display_name=p.display_name if p else None,
        sex=p.sex if p else None,
        birth_year=p.birth_year if p else None,
        height_cm=_f(p.height_cm) if p else None,
        activity_level=p.activity_level if p else None,
        timezone=p.timezone if p else "UTC",
        goal_type=g.goal_type if g else GoalType.MAINTENANCE,
        pace=g.pace_preference if g else PacePreference.MODERATE,
        target_weight_kg=_f(g.target_weight_kg) if g else None,
        target_date=g.target_date if g else None,
        diet_type=d.diet_type if d else DietType.NONE,
        allergies=list(d.allergies) if d else [],
        disliked_foods=list(d.disliked_foods) if d else [],
        meals_per_day=d.meals_per_day if d else 3,
        macro_targets=dict(d.macro_targets) if d and d.macro_targets else None,
    )


async def load_checkins(
    session: AsyncSession, user_id: uuid.UUID, start: dt.date, end: dt.date
) -> list[CheckInRow]:
    """Check-ins between ``start`` and ``end`` inclusive, oldest first."""
    stmt = (
        sa.select(
            col(CheckIn.date),
            col(CheckIn.weight_kg),
            col(CheckIn.energy_level),
            col(CheckIn.sleep_quality),
            col(CheckIn.mood),
            col(CheckIn.adherence_score),
            col(CheckIn.notes),
        )
        .where(col(CheckIn.user_id) == user_id, col(CheckIn.date).between(start, end))
        .order_by(col(CheckIn.date))
    )
    rows = (await session.execute(stmt)).all()
    return [
        CheckInRow(
            date=r[0],
            weight_kg=_f(r[1]),
            energy_level=r[2],
            sleep_quality=r[3],
            mood=r[4],
            adherence_score=_f(r[5]),
            notes=r[6],
        )
        for r in rows
    ]


async def load_weights(
    session: AsyncSession, user_id: uuid.UUID, start: dt.date, end: dt.date
) -> dict[dt.date, float]:
    """Weigh-ins between ``start`` and ``end`` inclusive, by date."""
    stmt = sa.select(col(CheckIn.date), col(CheckIn.weight_kg)).where(
        col(CheckIn.user_id) == user_id,
        col(CheckIn.date).between(start, end),
        col(CheckIn.weight_kg).is_not(None),
    )
    return {r[0]: float(r[1]) for r in (await session.execute(stmt)).all() if r[1] is not None}


async def load_nutrition(
    session: AsyncSession, user_id: uuid.UUID, start: dt.date, end: dt.date
) -> list[NutritionRow]:
    """Nutrition days between ``start`` and ``end`` inclusive, oldest first."""
    stmt = (
        sa.select(
            col(NutritionDay.date),
            col(NutritionDay.calories),
            col(NutritionDay.protein_g),
            col(NutritionDay.carbs_g),
            col(NutritionDay.fat_g),
            col(NutritionDay.fiber_g),
        )
        .where(col(NutritionDay.user_id) == user_id, col(NutritionDay.date).between(start, end))
        .order_by(col(NutritionDay.date))
    )
    return [
        NutritionRow(
            date=r[0],
            calories=r[1],
            protein_g=_f(r[2]),
            carbs_g=_f(r[3]),
            fat_g=_f(r[4]),
            fiber_g=_f(r[5]),
        )
        for r in (await session.execute(stmt)).all()
    ]


#: Photo metadata keys safe to show the model; anything else (EXIF, GPS, device) is dropped.
SAFE_PHOTO_METADATA = frozenset(
    {"width", "height", "size_bytes", "content_type", "format", "pose", "angle", "view"}
)


async def load_coach_photos(
    session: AsyncSession, user_id: uuid.UUID, *, start: dt.date | None, limit: int
) -> list[PhotoRow]:
    """``coach_only`` photos, newest first; ``private`` ones are never read."""
    rows = await photos.list_for_user(
        session, user_id=user_id, visibility=PhotoVisibility.COACH_ONLY, start=start, limit=limit
    )
    return [
        PhotoRow(
            id=r.id,
            date=r.date,
            metadata={
                k: v for k, v in (r.photo_metadata or {}).items() if k in SAFE_PHOTO_METADATA
            },
        )
        for r in rows
        if r.visibility == PhotoVisibility.COACH_ONLY
    ]
