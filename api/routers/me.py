"""``/v1/me``: the caller's account, profile, goal and diet preferences, and progress.

Only ever the caller's own data: the user id comes from the access token, never from the
request. Every successful write bumps the user's tool-cache version (after the commit), so
the coach never answers from data older than the write.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import CurrentUser, DbSession, State, TokenUserId, bump_user_data, ensure_active
from api.schemas.auth import UserOut
from api.schemas.me import (
    GoalOut,
    GoalUpdate,
    MeOut,
    PreferencesOut,
    PreferencesUpdate,
    ProfileOut,
    ProfileUpdate,
)
from api.state import AppState
from persistence.models import DietPreferences, UserGoal, UserProfile
from persistence.repositories import profiles
from tools import ProgressOverview, progress_overview

router = APIRouter(prefix="/me", tags=["me"])


@router.get("", response_model=MeOut)
async def get_me(user_id: TokenUserId, db: DbSession) -> MeOut:
    """The caller's account with profile, goal and preferences (defaults where never set).

    One query: the user and the three one-per-user rows are LEFT JOINed.
    """
    context = await profiles.load_context(db, user_id=user_id)
    user = ensure_active(context.user if context else None)
    assert context is not None
    return MeOut(
        user=UserOut.model_validate(user),
        profile=ProfileOut.of(context.profile or UserProfile(user_id=user.id)),
        goal=GoalOut.of(context.goal or UserGoal(user_id=user.id)),
        preferences=PreferencesOut.of(context.preferences or DietPreferences(user_id=user.id)),
    )


@router.get("/progress", response_model=ProgressOverview)
async def get_progress(
    user: CurrentUser,
    db: DbSession,
    state: State,
    days: Annotated[int, Query(ge=7, le=90, description="Days back from today (7-90).")] = 30,
) -> ProgressOverview:
    """The last ``days`` days for charts: weigh-ins and trend weight, calories against the
    target, adherence. The same formulas as the coach's tools (read-only)."""
    return await progress_overview(db, user_id=user.id, today=state.clock().date(), days=days)


async def _commit_changes(
    db: AsyncSession, state: AppState, user_id: uuid.UUID, *, changed: bool
) -> None:
    """Commit a PATCH that changed something and bump the user's tool-cache version."""
    if changed:
        await db.commit()
        await bump_user_data(state, user_id)


@router.patch("/profile", response_model=ProfileOut)
async def update_profile(
    body: ProfileUpdate, user: CurrentUser, state: State, db: DbSession
) -> ProfileOut:
    """Change the fields sent; the others keep their value."""
    values = body.changes()
    row = await profiles.update_profile(db, user_id=user.id, values=values)
    await _commit_changes(db, state, user.id, changed=bool(values))
    return ProfileOut.of(row)


@router.patch("/goal", response_model=GoalOut)
async def update_goal(body: GoalUpdate, user: CurrentUser, state: State, db: DbSession) -> GoalOut:
    """Change the fields sent; the others keep their value."""
    values = body.changes()
    row = await profiles.update_goal(db, user_id=user.id, values=values)
    await _commit_changes(db, state, user.id, changed=bool(values))
    return GoalOut.of(row)


@router.patch("/preferences", response_model=PreferencesOut)
async def update_preferences(
    body: PreferencesUpdate, user: CurrentUser, state: State, db: DbSession
) -> PreferencesOut:
    """Change the fields sent; lists and macro targets are replaced as a whole."""
    values = body.changes()
    row = await profiles.update_preferences(db, user_id=user.id, values=values)
    await _commit_changes(db, state, user.id, changed=bool(values))
    return PreferencesOut.of(row)


__all__ = ["router"]
