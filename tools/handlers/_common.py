"""Base models and computations shared by several tools."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

from persistence.enums import GoalType, PacePreference
from tools.data import ProfileData
from tools.errors import DataErrorCode, ToolDataMissing
from tools.formulas import (
    ACTIVITY_MULTIPLIERS,
    age_from_birth_year,
    calorie_target,
    macro_target,
    mifflin_st_jeor,
    tdee_from_activity,
    trend_series,
)

#: How far back the "current weight" looks for weigh-ins.
WEIGHT_LOOKBACK_DAYS: Final = 60
#: Days before a window also read so the trend is warmed up when the window starts.
TREND_WARMUP_DAYS: Final = 30


#: Largest weekly change a request may name (kg); the safety policy decides what is safe.
MAX_REQUESTED_WEEKLY_KG: Final = 3.0
#: A weekly weight change the user asked for, as a tool argument.
RequestedWeeklyKg = Annotated[
    float | None,
    Field(
        ge=-MAX_REQUESTED_WEEKLY_KG,
        le=MAX_REQUESTED_WEEKLY_KG,
        description="A weekly weight change the user asked for (kg, negative: loss); replaces "
        "the pace; checked for safety.",
    ),
]


class ToolArgs(BaseModel):
    """Base of argument models: unknown fields are errors the model can correct."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoArgs(ToolArgs):
    """This tool takes no arguments."""


class ToolResult(BaseModel):
    """Base of result models; ``audit_summary`` is what the audit log keeps (no PII)."""

    policy_notes: list[str] = Field(
        default_factory=list,
        description="Changes a safety policy made to your arguments before the call ran.",
    )

    def audit_summary(self) -> str:
        """A short, PII-free description of the result."""
        return type(self).__name__


def window(today: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The inclusive date range of the last ``days`` days ending today."""
    return today - dt.timedelta(days=days - 1), today


def current_weight(weights: dict[dt.date, float], today: dt.date) -> float | None:
    """Trend weight today from recent weigh-ins (carried forward after the last one)."""
    if not weights:
        return None
    return trend_series(weights, end=today)[-1].trend_kg


class MacroGrams(BaseModel):
    """Daily macronutrients in grams."""

    protein_g: float
    carbs_g: float
    fat_g: float
    fibre_g: float


class TargetsResult(ToolResult):
    """Energy needs and daily targets for the user's goal."""

    weight_kg: float = Field(description="Weight the targets are computed for (trend weight).")
    age: int
    bmr_kcal: int = Field(description="Mifflin-St Jeor basal metabolic rate.")
    bmr_note: str | None
    activity_level: str
    activity_multiplier: float
    tdee_kcal: int
    tdee_basis: str = Field(
        description="adaptive (measured from logged intake and weight change) or formula."
    )
    tdee_source: str
    goal_type: GoalType
    pace: PacePreference
    calories_kcal: int
    delta_kcal: int = Field(description="Calories minus TDEE (negative: deficit).")
    expected_weekly_change_kg: float
    requested_weekly_change_kg: float | None = Field(
        default=None, description="The weekly change the user asked for, when they named one."
    )
    calorie_floor_kcal: int
    macros: MacroGrams
    protein_g_per_kg: float
    adjustments: list[str]
    notes: list[str]

    def audit_summary(self) -> str:
        """Numbers only."""
        m = self.macros
        return (
            f"{self.goal_type.value}/{self.pace.value}: tdee {self.tdee_kcal}, target "
            f"{self.calories_kcal} kcal, P{m.protein_g:.0f} C{m.carbs_g:.0f} F{m.fat_g:.0f} g"
        )


#: Profile fields as the user would name them.
_FIELD_WORDS: Final = {"height_cm": "height", "birth_year": "birth year"}


def compute_targets(
    profile: ProfileData,
    *,
    weight_kg: float | None,
    today: dt.date,
    goal: GoalType | None = None,
    pace: PacePreference | None = None,
    tdee_kcal: float | None = None,
    tdee_source: str | None = None,
    tdee_basis: str = "formula",
    weekly_change_kg: float | None = None,
) -> TargetsResult:
    """BMR, TDEE, calories and macros; ``ToolDataMissing`` names any missing input."""
    profile_missing = tuple(
        name
        for name, value in (("height_cm", profile.height_cm), ("birth_year", profile.birth_year))
        if value is None
    )
    if profile_missing:
        also = "" if weight_kg is not None else " and a recent weigh-in"
        raise ToolDataMissing(
            DataErrorCode.MISSING_PROFILE_FIELDS,
            "cannot compute targets without the user's "
            + " and ".join(_FIELD_WORDS[f] for f in profile_missing)
            + also
            + "; ask the user for them",
            fields=profile_missing + (() if weight_kg is not None else ("weight_kg",)),
        )
    if weight_kg is None:
        raise ToolDataMissing(
            DataErrorCode.NOT_ENOUGH_DATA,
            "cannot compute targets without a recent weigh-in; ask the user for their weight "
            "or pass weight_kg",
            fields=("weight_kg",),
        )
    assert profile.height_cm is not None and profile.birth_year is not None
    assert weight_kg is not None
    age = age_from_birth_year(profile.birth_year, today)
    bmr = mifflin_st_jeor(
        weight_kg=weight_kg, height_cm=profile.height_cm, age=age, sex=profile.sex
    )
    notes: list[str] = [bmr.note] if bmr.note else []
    if profile.activity_level is None:
        notes.append("activity level not set: sedentary multiplier used")
    activity = profile.activity_level
    tdee = tdee_kcal if tdee_kcal is not None else tdee_from_activity(bmr.kcal, activity)
    goal_type = goal or profile.goal_type
    pace_pref = pace or profile.pace
    target = calorie_target(
        tdee_kcal=tdee,
        weight_kg=weight_kg,
        height_cm=profile.height_cm,
        age=age,
        sex=profile.sex,
        goal=goal_type,
        pace=pace_pref,
        weekly_change_kg=weekly_change_kg,
    )
    macros = macro_target(
        calories_kcal=target.calories_kcal,
        weight_kg=weight_kg,
        height_cm=profile.height_cm,
        goal=goal_type,
    )
    notes.extend(macros.notes)
    return TargetsResult(
        weight_kg=round(weight_kg, 2),
        age=age,
        bmr_kcal=round(bmr.kcal),
        bmr_note=bmr.note,
        activity_level=(activity.value if activity else "sedentary (default)"),
        activity_multiplier=ACTIVITY_MULTIPLIERS[activity] if activity else 1.2,
        tdee_kcal=round(tdee),
        tdee_basis=tdee_basis if tdee_kcal is not None else "formula",
        tdee_source=tdee_source or "Mifflin-St Jeor x activity multiplier",
        goal_type=goal_type,
        pace=pace_pref,
        calories_kcal=round(target.calories_kcal),
        delta_kcal=round(target.delta_kcal),
        expected_weekly_change_kg=round(target.expected_weekly_change_kg, 2),
        requested_weekly_change_kg=weekly_change_kg,
        calorie_floor_kcal=round(target.floor_kcal),
        macros=MacroGrams(
            protein_g=round(macros.protein_g, 1),
            carbs_g=round(macros.carbs_g, 1),
            fat_g=round(macros.fat_g, 1),
            fibre_g=round(macros.fibre_g, 1),
        ),
        protein_g_per_kg=macros.protein_g_per_kg,
        adjustments=target.adjustments,
        notes=notes,
    )
