"""Profile, goal and diet preferences: one row each per user, created on first use."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from persistence.models import DietPreferences, User, UserGoal, UserProfile, table_of

OneRow = TypeVar("OneRow", UserProfile, UserGoal, DietPreferences)

_READ_ONLY = frozenset({"id", "user_id", "created_at", "updated_at"})


@dataclass(frozen=True, slots=True)
class UserContext:
    """A user with the three optional one-per-user rows, loaded in one query."""

    user: User
    profile: UserProfile | None
    goal: UserGoal | None
    preferences: DietPreferences | None


async def _get_or_create(db: AsyncSession, model: type[OneRow], *, user_id: uuid.UUID) -> OneRow:
    table = table_of(model)
    # ON CONFLICT DO NOTHING makes concurrent first calls safe under the unique index.
    await db.execute(
        insert(table).values(user_id=user_id).on_conflict_do_nothing(index_elements=["user_id"])
    )
    row = (
        await db.scalars(
            sa.select(model)
            .where(col(model.user_id) == user_id)
            .execution_options(populate_existing=True)
        )
    ).one()
    return row


async def _update(
    db: AsyncSession, model: type[OneRow], *, user_id: uuid.UUID, values: Mapping[str, Any]
) -> OneRow:
    row = await _get_or_create(db, model, user_id=user_id)
    for key, value in values.items():
        if key in _READ_ONLY or key not in model.model_fields:
            raise ValueError(f"{model.__tablename__} has no writable field {key!r}")
        setattr(row, key, value)
    await db.flush()
    await db.refresh(row)
    return row


async def get_or_create_profile(db: AsyncSession, *, user_id: uuid.UUID) -> UserProfile:
    """The user's profile, created with defaults when missing."""
    return await _get_or_create(db, UserProfile, user_id=user_id)


async def update_profile(
    db: AsyncSession, *, user_id: uuid.UUID, values: Mapping[str, Any]
) -> UserProfile:
    """Set profile fields (creating the row when missing)."""
    return await _update(db, UserProfile, user_id=user_id, values=values)


async def get_or_create_goal(db: AsyncSession, *, user_id: uuid.UUID) -> UserGoal:
    """The user's goal, created with defaults when missing."""
    return await _get_or_create(db, UserGoal, user_id=user_id)


async def update_goal(
    db: AsyncSession, *, user_id: uuid.UUID, values: Mapping[str, Any]
) -> UserGoal:
    """Set goal fields (creating the row when missing)."""
    return await _update(db, UserGoal, user_id=user_id, values=values)


async def get_or_create_preferences(db: AsyncSession, *, user_id: uuid.UUID) -> DietPreferences:
    """The user's diet preferences, created with defaults when missing."""
    return await _get_or_create(db, DietPreferences, user_id=user_id)


async def update_preferences(
    db: AsyncSession, *, user_id: uuid.UUID, values: Mapping[str, Any]
) -> DietPreferences:
    """Set diet-preference fields (creating the row when missing)."""
    return await _update(db, DietPreferences, user_id=user_id, values=values)


async def load_context(db: AsyncSession, *, user_id: uuid.UUID) -> UserContext | None:
    """User, profile, goal and preferences in one query (LEFT JOINs); None if no user."""
    stmt = (
        sa.select(User, UserProfile, UserGoal, DietPreferences)
        .outerjoin(UserProfile, col(UserProfile.user_id) == col(User.id))
        .outerjoin(UserGoal, col(UserGoal.user_id) == col(User.id))
        .outerjoin(DietPreferences, col(DietPreferences.user_id) == col(User.id))
        .where(col(User.id) == user_id)
    )
    row = (await db.execute(stmt)).one_or_none()
    if row is None:
        return None
    return UserContext(user=row[0], profile=row[1], goal=row[2], preferences=row[3])


__all__ = [
    "UserContext",
    "get_or_create_goal",
    "get_or_create_preferences",
    "get_or_create_profile",
    "load_context",
    "update_goal",
    "update_preferences",
    "update_profile",
]
