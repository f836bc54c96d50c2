"""Seeding a case's synthetic user, and the user's true numbers.

Every case seeds its own user (a fresh account, so cases never share data) from a
:class:`~evals.models.UserSpec` with ``persistence.synthetic``: the same spec gives the same
profile, goal, check-ins and nutrition on every run. The data ends on :data:`EVAL_TODAY`, the
day the eval's fixed clock reads.

:func:`user_facts` restates the few numbers a reply may cite (averages over logged days,
trend weight, BMI, formula TDEE) from the generated rows, independently of ``tools``: the
coaching evaluators check the coach's numbers against these.
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from evals.models import UserFacts, UserSpec
from persistence.enums import ActivityLevel, Sex
from persistence.repositories import profiles
from persistence.synthetic import SyntheticConfig, SyntheticUser, generate_user, seed_synthetic_user

EVAL_TODAY = dt.date(2025, 6, 30)
"""The eval's "today": synthetic data ends on it and the engine's clock reads it."""
EVAL_NOW = dt.datetime(2025, 6, 30, 18, 0, tzinfo=dt.UTC)
"""The instant the eval's fixed clock returns (evening, after the day's check-in)."""

_TREND_ALPHA = 0.1  # Hacker's Diet smoothing (Walker 1991), as DOMAIN.md states it
_TREND_LOOKBACK_DAYS = 60  # weigh-ins older than this no longer describe "now"
_ACTIVITY = {  # common clinical multipliers (DOMAIN.md "Energy and body weight")
    ActivityLevel.SEDENTARY: 1.2,
    ActivityLevel.LIGHT: 1.375,
    ActivityLevel.MODERATE: 1.55,
    ActivityLevel.ACTIVE: 1.725,
    ActivityLevel.VERY_ACTIVE: 1.9,
}


def synthetic_config(spec: UserSpec) -> SyntheticConfig:
    """The generator's configuration for a spec (``days: 0`` generates one day, seeds none)."""
    return SyntheticConfig(
        days=max(spec.days, 1),
        end=EVAL_TODAY,
        sex=spec.sex,
        birth_year=EVAL_TODAY.year - spec.age if spec.age is not None else None,
        height_cm=spec.height_cm,
        activity_level=spec.activity,
        start_weight_kg=spec.weight_kg,
        goal_type=spec.goal,
        pace=spec.pace,
        target_weight_kg=spec.target_weight_kg,
        target_date_weeks=spec.target_weeks,
        daily_balance_kcal=spec.daily_balance_kcal,
        tdee_deviation=spec.tdee_deviation,
        unlogged_days_per_week=spec.unlogged_days_per_week,
        missed_weigh_in_rate=spec.missed_weigh_in_rate,
    )


def generate(spec: UserSpec) -> SyntheticUser:
    """The spec's synthetic user: deterministic, from ``spec.seed``."""
    data = generate_user(synthetic_config(spec), seed=spec.seed)
    if spec.days == 0:
        data = replace(data, checkins=(), nutrition=(), photos=())
    if spec.timezone != data.profile.timezone:
        data = replace(data, profile=replace(data.profile, timezone=spec.timezone))
    return data


async def seed_user(db: AsyncSession, spec: UserSpec, data: SyntheticUser) -> uuid.UUID:
    """Insert the user with a unique e-mail, then its diet preferences; flushes, never commits."""
    email = f"eval-{spec.seed}-{uuid.uuid4().hex[:12]}@evals.example.test"
    user_id = await seed_synthetic_user(db, data, email=email)
    profile_gaps: dict[str, Any] = {f: None for f in spec.missing if f != "target_weight_kg"}
    if profile_gaps:
        await profiles.update_profile(db, user_id=user_id, values=profile_gaps)
    if "target_weight_kg" in spec.missing:
        await profiles.update_goal(db, user_id=user_id, values={"target_weight_kg": None})
    if spec.diet.value != "none" or spec.allergies:
        await profiles.update_preferences(
            db,
            user_id=user_id,
            values={"diet_type": spec.diet, "allergies": list(spec.allergies)},
        )
    return user_id


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def _trend(data: SyntheticUser) -> float | None:
    """Hacker's Diet trend today; days between weigh-ins interpolated, then carried forward."""
    since = EVAL_TODAY - dt.timedelta(days=_TREND_LOOKBACK_DAYS - 1)
    weights = {c.date: c.weight_kg for c in data.checkins if c.weight_kg is not None}
    days = sorted(d for d in weights if d >= since)
    if not days:
        return None
    trend = weights[days[0]]
    for prev, nxt in itertools.pairwise(days):
        span = (nxt - prev).days
        for step in range(1, span + 1):
            value = weights[prev] + (weights[nxt] - weights[prev]) * step / span
            trend += _TREND_ALPHA * (value - trend)
    return round(trend, 2)


def user_facts(spec: UserSpec, data: SyntheticUser) -> UserFacts:
    """The user's numbers as of :data:`EVAL_TODAY`, from the generated rows."""
    p = data.profile
    age = EVAL_TODAY.year - p.birth_year
    last7 = EVAL_TODAY - dt.timedelta(days=6)
    last28 = EVAL_TODAY - dt.timedelta(days=27)
    n7 = [n for n in data.nutrition if n.date >= last7]
    n28 = [n for n in data.nutrition if n.date >= last28]
    c28 = [c for c in data.checkins if c.date >= last28]
    weighed = [c for c in data.checkins if c.weight_kg is not None]
    latest = weighed[-1].weight_kg if weighed else None
    trend = _trend(data)
    weight = trend if trend is not None else latest
    bmi = round(weight / (p.height_cm / 100) ** 2, 1) if weight is not None else None
    tdee: float | None = None
    if weight is not None:
        # Mifflin-St Jeor (Am J Clin Nutr 1990;51:241); other sexes: the mean of both.
        offset = {Sex.MALE: 5.0, Sex.FEMALE: -161.0}.get(p.sex, -78.0)
        bmr = 10 * weight + 6.25 * p.height_cm - 5 * age + offset
        tdee = round(bmr * _ACTIVITY[p.activity_level])
    return UserFacts(
        sex=p.sex,
        age=age,
        height_cm=p.height_cm,
        activity=p.activity_level,
        goal=data.goal.goal_type,
        pace=data.goal.pace,
        diet=spec.diet,
        allergies=spec.allergies,
        target_weight_kg=data.goal.target_weight_kg,
        latest_weight_kg=latest,
        trend_weight_kg=trend,
        bmi=bmi,
        formula_tdee_kcal=tdee,
        avg_calories_7d=_mean([float(n.calories) for n in n7]),
        avg_protein_g_7d=_mean([n.protein_g for n in n7]),
        days_logged_7d=len(n7),
        avg_calories_28d=_mean([float(n.calories) for n in n28]),
        days_logged_28d=len(n28),
        weigh_ins_28d=sum(1 for c in c28 if c.weight_kg is not None),
        checkins_28d=len(c28),
    )
