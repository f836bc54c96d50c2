"""The server-computed ``check_in.adherence_score``: a day's logged intake against targets.

Formula (documented here, the one place it is computed)::

    targets  = diet_preferences.macro_targets (calories, protein_g, carbs_g, fat_g, fiber_g;
               any subset), with calories, when absent there, from the profile-based
               estimate: Mifflin-St Jeor x activity multiplier, adjusted for the goal and
               pace by tools.formulas.calorie_target (needs height, birth year and a
               weigh-in on or before the day; sex and activity have documented defaults)

    for each nutrient with both a positive target t and a logged value x:
        calories, carbs_g, fat_g (aim at the target):   s = max(0, 1 - |x - t| / t)
        protein_g, fiber_g       (floors, more is fine): s = min(1, x / t)

    score = 0.5 * s_calories + 0.5 * mean(s_macros)     when calories and macros both scored
          = s_calories  or  mean(s_macros)               when only one side is scored
          = NULL                                         when nothing can be scored
            (no nutrition logged that day, or no target at all)

rounded half-up to 2 decimals (the column is NUMERIC(3,2), CHECK 0..1).

Calories carry half the weight because energy balance drives the weight outcome the coach
tracks; macros share the other half (policy choice). The score is recomputed whenever the
check-in or that date's nutrition is written; it is not recomputed retroactively when the
targets change later (a day is judged against the targets in force when it was logged).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.enums import ActivityLevel, GoalType, PacePreference, Sex
from persistence.models import (
    CheckIn,
    DietPreferences,
    NutritionDay,
    User,
    UserGoal,
    UserProfile,
    table_of,
)
from tools.formulas.energy import age_from_birth_year, mifflin_st_jeor, tdee_from_activity
from tools.formulas.targets import calorie_target

NUTRIENTS: tuple[str, ...] = ("calories", "protein_g", "carbs_g", "fat_g", "fiber_g")
#: Nutrients where exceeding the target is not a miss (protein and fibre targets are floors).
FLOOR_NUTRIENTS = frozenset({"protein_g", "fiber_g"})
CALORIE_WEIGHT = 0.5
_TWO_PLACES = Decimal("0.01")
_UPDATE_SCORES = sa.text(
    "UPDATE check_in SET adherence_score = t.score"
    " FROM unnest(CAST(:dates AS date[]), CAST(:scores AS numeric[])) AS t(day, score)"
    " WHERE check_in.user_id = :user_id AND check_in.date = t.day"
)


@dataclass(frozen=True, slots=True)
class TargetInputs:
    """What the targets of a user are computed from (profile, goal, preferences)."""

    macro_targets: Mapping[str, Any] | None = None
    height_cm: float | None = None
    sex: Sex | None = None
    birth_year: int | None = None
    activity_level: ActivityLevel | None = None
    goal_type: GoalType = GoalType.MAINTENANCE
    pace: PacePreference = PacePreference.MODERATE
    timezone: str = "UTC"


def _positive(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = float(value)
    return number if number > 0 else None


def estimated_calories(
    inputs: TargetInputs, *, weight_kg: float | None, day: dt.date
) -> float | None:
    """Calories from the profile (Mifflin-St Jeor x activity, goal-adjusted), if computable."""
    if weight_kg is None or inputs.height_cm is None or inputs.birth_year is None:
        return None
    if inputs.birth_year > day.year:
        return None
    age = age_from_birth_year(inputs.birth_year, day)
    bmr = mifflin_st_jeor(weight_kg=weight_kg, height_cm=inputs.height_cm, age=age, sex=inputs.sex)
    tdee = tdee_from_activity(bmr.kcal, inputs.activity_level)
    target = calorie_target(
        tdee_kcal=tdee,
        weight_kg=weight_kg,
        height_cm=inputs.height_cm,
        age=age,
        sex=inputs.sex,
        goal=inputs.goal_type,
        pace=inputs.pace,
    )
    return target.calories_kcal


def resolve_targets(
    inputs: TargetInputs, *, weight_kg: float | None, day: dt.date
) -> dict[str, float]:
    """Positive targets by nutrient: explicit ``macro_targets`` first, estimated calories next."""
    targets: dict[str, float] = {}
    for name in NUTRIENTS:
        value = _positive((inputs.macro_targets or {}).get(name))
        if value is not None:
            targets[name] = value
    if "calories" not in targets:
        estimate = estimated_calories(inputs, weight_kg=weight_kg, day=day)
        if estimate is not None and estimate > 0:
            targets["calories"] = estimate
    return targets


def adherence_score(intake: Mapping[str, Any], targets: Mapping[str, float]) -> Decimal | None:
    """The score of one day (see the module docstring), or ``None`` when nothing is scored."""
    calorie_part: float | None = None
    macro_parts: list[float] = []
    for name in NUTRIENTS:
        target = targets.get(name)
        logged = intake.get(name)
        if target is None or target <= 0 or logged is None:
            continue
        x = float(logged)
        if name in FLOOR_NUTRIENTS:
            part = min(1.0, max(0.0, x / target))
        else:
            part = max(0.0, 1.0 - abs(x - target) / target)
        if name == "calories":
            calorie_part = part
        else:
            macro_parts.append(part)
    if calorie_part is None and not macro_parts:
        return None
    if calorie_part is None:
        score = sum(macro_parts) / len(macro_parts)
    elif not macro_parts:
        score = calorie_part
    else:
        score = CALORIE_WEIGHT * calorie_part + (1 - CALORIE_WEIGHT) * (
            sum(macro_parts) / len(macro_parts)
        )
    return Decimal(repr(min(1.0, max(0.0, score)))).quantize(_TWO_PLACES, ROUND_HALF_UP)


def intake_of(row: NutritionDay | Mapping[str, Any] | None) -> dict[str, Any]:
    """The nutrient values of a nutrition row (empty when there is none)."""
    if row is None:
        return {}
    if isinstance(row, NutritionDay):
        return {name: getattr(row, name) for name in NUTRIENTS}
    return {name: row.get(name) for name in NUTRIENTS}


def user_today(timezone: str, now: dt.datetime) -> dt.date:
    """Today's date in the user's timezone (UTC when the stored zone is unknown)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def _inputs_from_row(row: Any) -> TargetInputs:
    return TargetInputs(
        macro_targets=row.macro_targets,
        height_cm=float(row.height_cm) if row.height_cm is not None else None,
        sex=row.sex,
        birth_year=row.birth_year,
        activity_level=row.activity_level,
        goal_type=row.goal_type or GoalType.MAINTENANCE,
        pace=row.pace_preference or PacePreference.MODERATE,
        timezone=row.timezone or "UTC",
    )


# The two SELECTs below are built once (on first use) with bind parameters: building a
# statement costs more CPU than running it on a warm connection, and they run on every
# check-in write.
@functools.cache
def _context_select() -> sa.Select[Any]:
    user = table_of(User)
    profile = table_of(UserProfile)
    goal = table_of(UserGoal)
    prefs = table_of(DietPreferences)
    return (
        sa.select(
            prefs.c.macro_targets,
            profile.c.height_cm,
            profile.c.sex,
            profile.c.birth_year,
            profile.c.activity_level,
            profile.c.timezone,
            goal.c.goal_type,
            goal.c.pace_preference,
        )
        .select_from(user)
        .outerjoin(profile, profile.c.user_id == user.c.id)
        .outerjoin(goal, goal.c.user_id == user.c.id)
        .outerjoin(prefs, prefs.c.user_id == user.c.id)
        .where(user.c.id == sa.bindparam("p_user_id", type_=sa.Uuid()))
    )


@functools.cache
def _day_context_select() -> sa.Select[Any]:
    nutrition = table_of(NutritionDay)
    checkin = table_of(CheckIn)
    user_id = sa.bindparam("p_user_id", type_=sa.Uuid())
    day = sa.bindparam("p_day", type_=sa.Date())
    latest_weight = (
        sa.select(checkin.c.weight_kg)
        .where(
            checkin.c.user_id == user_id, checkin.c.date <= day, checkin.c.weight_kg.is_not(None)
        )
        .order_by(checkin.c.date.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        _context_select()
        .add_columns(
            *(nutrition.c[name] for name in NUTRIENTS),
            nutrition.c.id.label("nutrition_id"),
            latest_weight.label("latest_weight_kg"),
        )
        .outerjoin(nutrition, sa.and_(nutrition.c.user_id == user_id, nutrition.c.date == day))
    )


@dataclass(frozen=True, slots=True)
class DayContext:
    """Everything a single-day check-in write needs, loaded in one query."""

    inputs: TargetInputs
    intake: dict[str, Any]
    latest_weight_kg: float | None


async def load_day_context(db: AsyncSession, *, user_id: uuid.UUID, day: dt.date) -> DayContext:
    """Targets inputs, that day's intake and the latest weigh-in on or before it (one query)."""
    params = {"p_user_id": user_id, "p_day": day}
    row = (await db.execute(_day_context_select(), params)).one_or_none()
    if row is None:
        return DayContext(inputs=TargetInputs(), intake={}, latest_weight_kg=None)
    intake = {} if row.nutrition_id is None else {name: row._mapping[name] for name in NUTRIENTS}
    weight = row.latest_weight_kg
    return DayContext(
        inputs=_inputs_from_row(row),
        intake=intake,
        latest_weight_kg=float(weight) if weight is not None else None,
    )


async def load_inputs(db: AsyncSession, *, user_id: uuid.UUID) -> TargetInputs:
    """The user's target inputs (defaults when the user has no profile rows)."""
    row = (await db.execute(_context_select(), {"p_user_id": user_id})).one_or_none()
    return TargetInputs() if row is None else _inputs_from_row(row)


def weight_on_or_before(weights: Sequence[tuple[dt.date, float]], day: dt.date) -> float | None:
    """The latest weight dated ``day`` or earlier in date-sorted ``weights``."""
    found: float | None = None
    for when, kg in weights:
        if when > day:
            break
        found = kg
    return found


async def recompute_for_dates(
    db: AsyncSession, *, user_id: uuid.UUID, days: Iterable[dt.date]
) -> int:
    """Recompute the stored score of the user's check-ins on ``days``; returns how many.

    Called after nutrition for those dates changes. At most five statements whatever the
    number of days: check-ins, inputs, nutrition, weigh-ins, one UPDATE over ``unnest``.
    """
    wanted = sorted(set(days))
    if not wanted:
        return 0
    checkin = table_of(CheckIn)
    nutrition = table_of(NutritionDay)
    existing = (
        await db.execute(
            sa.select(checkin.c.date, checkin.c.adherence_score).where(
                checkin.c.user_id == user_id, checkin.c.date.in_(wanted)
            )
        )
    ).all()
    if not existing:
        return 0
    dates = [row.date for row in existing]
    inputs = await load_inputs(db, user_id=user_id)
    intakes = {
        row.date: {name: row._mapping[name] for name in NUTRIENTS}
        for row in (
            await db.execute(
                sa.select(nutrition.c.date, *(nutrition.c[n] for n in NUTRIENTS)).where(
                    nutrition.c.user_id == user_id, nutrition.c.date.in_(dates)
                )
            )
        ).all()
    }
    weights = await load_weights(db, user_id=user_id, until=max(dates))
    changed: list[tuple[dt.date, Decimal | None]] = []
    for row in existing:
        targets = resolve_targets(
            inputs, weight_kg=weight_on_or_before(weights, row.date), day=row.date
        )
        score = adherence_score(intakes.get(row.date, {}), targets)
        if score != row.adherence_score:
            changed.append((row.date, score))
    if changed:
        await db.execute(
            _UPDATE_SCORES,
            {
                "user_id": user_id,
                "dates": [day for day, _ in changed],
                "scores": [score for _, score in changed],
            },
        )
    return len(changed)


async def load_weights(
    db: AsyncSession, *, user_id: uuid.UUID, until: dt.date
) -> list[tuple[dt.date, float]]:
    """The user's weigh-ins up to ``until``, oldest first."""
    checkin = table_of(CheckIn)
    rows = (
        await db.execute(
            sa.select(checkin.c.date, checkin.c.weight_kg)
            .where(
                checkin.c.user_id == user_id,
                checkin.c.date <= until,
                checkin.c.weight_kg.is_not(None),
            )
            .order_by(checkin.c.date)
        )
    ).all()
    return [(row.date, float(row.weight_kg)) for row in rows]
