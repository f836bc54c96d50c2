"""get_user_profile and list_progress_photos."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, Field

from persistence.enums import DietType, GoalType, PacePreference
from tools.data import load_coach_photos, load_profile, load_weights
from tools.deps import ToolDeps
from tools.formulas import age_from_birth_year, bmi, bmi_category
from tools.handlers._common import (
    WEIGHT_LOOKBACK_DAYS,
    NoArgs,
    ToolArgs,
    ToolResult,
    current_weight,
    window,
)


class GoalInfo(BaseModel):
    """The user's goal."""

    goal_type: GoalType
    pace: PacePreference
    target_weight_kg: float | None
    target_date: dt.date | None


class PreferencesInfo(BaseModel):
    """The user's diet preferences."""

    diet_type: DietType
    allergies: list[str]
    disliked_foods: list[str]
    meals_per_day: int
    macro_targets: dict[str, Any] | None


class UserProfileResult(ToolResult):
    """Profile facts the coach may use; no email or other contact data."""

    display_name: str | None
    sex: str | None
    age: int | None
    height_cm: float | None
    activity_level: str | None
    timezone: str
    current_weight_kg: float | None = Field(description="Trend weight from recent weigh-ins.")
    bmi: float | None
    bmi_category: str | None
    goal: GoalInfo
    preferences: PreferencesInfo
    missing_fields: list[str]

    def audit_summary(self) -> str:
        """No name, no free text."""
        return (
            f"profile: goal {self.goal.goal_type.value}, bmi {self.bmi}, "
            f"missing {','.join(self.missing_fields) or 'none'}"
        )


async def get_user_profile(deps: ToolDeps, args: NoArgs) -> UserProfileResult:
    """Get the user's profile: display name, sex, age, height, activity level, current trend
    weight, BMI, goal (type, pace, target weight and date) and diet preferences (diet type,
    allergies, disliked foods, meals per day, custom macro targets). Lists missing fields so
    you can ask the user for them. Contains no contact details."""
    today = deps.today()
    start, end = window(today, WEIGHT_LOOKBACK_DAYS)
    async with deps.session_factory() as session:
        profile = await load_profile(session, deps.user_id)
        weights = await load_weights(session, deps.user_id, start, end)
    weight = current_weight(weights, today)
    age = age_from_birth_year(profile.birth_year, today) if profile.birth_year else None
    value = bmi(weight, profile.height_cm) if weight and profile.height_cm else None
    missing = [
        name
        for name, present in (
            ("sex", profile.sex),
            ("birth_year", profile.birth_year),
            ("height_cm", profile.height_cm),
            ("activity_level", profile.activity_level),
            ("recent weigh-in", weight),
            ("target_weight_kg", profile.target_weight_kg),
        )
        if present is None
    ]
    return UserProfileResult(
        display_name=profile.display_name,
        sex=profile.sex.value if profile.sex else None,
        age=age,
        height_cm=profile.height_cm,
        activity_level=profile.activity_level.value if profile.activity_level else None,
        timezone=profile.timezone,
        current_weight_kg=round(weight, 2) if weight is not None else None,
        bmi=round(value, 1) if value is not None else None,
        bmi_category=bmi_category(value) if value is not None else None,
        goal=GoalInfo(
            goal_type=profile.goal_type,
            pace=profile.pace,
            target_weight_kg=profile.target_weight_kg,
            target_date=profile.target_date,
        ),
        preferences=PreferencesInfo(
            diet_type=profile.diet_type,
            allergies=profile.allergies,
            disliked_foods=profile.disliked_foods,
            meals_per_day=profile.meals_per_day,
            macro_targets=profile.macro_targets,
        ),
        missing_fields=missing,
    )


class ListPhotosArgs(ToolArgs):
    """Which photos to list."""

    days: int | None = Field(
        default=None, ge=1, le=3650, description="Only photos from the last N days (1-3650)."
    )
    limit: int = Field(
        default=20, ge=1, le=100, description="Most recent photos to return (1-100)."
    )


class PhotoInfo(BaseModel):
    """A progress photo's date and safe metadata (never the image or its storage key)."""

    id: uuid.UUID
    date: dt.date
    metadata: dict[str, Any]


class PhotoListResult(ToolResult):
    """Photos the user shared with the coach, newest first."""

    photos: list[PhotoInfo]
    count: int

    def audit_summary(self) -> str:
        """Count and date range."""
        if not self.photos:
            return "0 photos"
        return f"{self.count} photos {self.photos[-1].date}..{self.photos[0].date}"


async def list_progress_photos(deps: ToolDeps, args: ListPhotosArgs) -> PhotoListResult:
    """List the dates and metadata (size, pose) of progress photos the user shared with the
    coach (visibility coach_only), newest first. Private photos are never listed. Use it to
    reference when the user took photos; the images themselves are not available."""
    start = deps.today() - dt.timedelta(days=args.days - 1) if args.days else None
    async with deps.session_factory() as session:
        rows = await load_coach_photos(session, deps.user_id, start=start, limit=args.limit)
    photos = [PhotoInfo(id=r.id, date=r.date, metadata=r.metadata) for r in rows]
    return PhotoListResult(photos=photos, count=len(photos))
