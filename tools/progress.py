"""A user's recent progress, day by day, for charts (the web app's data view).

The same numbers the coach's tools talk about, computed by the same code: the trend is
:func:`tools.formulas.trend_series` warmed up on the month before the window (as in
``get_weight_trend``), the calorie target is the one ``get_nutrition_summary`` compares
against (:func:`tools.handlers.logs.nutrient_targets`), adherence is ``get_adherence``'s
(:func:`tools.handlers.logs.adherence_of`). Read-only; not a tool (the model never sees it).
"""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from tools.data import load_checkins, load_nutrition, load_profile, load_weights
from tools.formulas import trend_series, weekly_rate_kg
from tools.handlers._basis import BASIS_DAYS, energy_basis
from tools.handlers._common import TREND_WARMUP_DAYS, WEIGHT_LOOKBACK_DAYS, window
from tools.handlers.logs import AdherenceResult, adherence_of, nutrient_targets

__all__ = ["ProgressDay", "ProgressOverview", "progress_overview"]


class ProgressDay(BaseModel):
    """One day of the window; ``None`` where nothing was logged (never a zero)."""

    date: dt.date
    weight_kg: float | None = Field(description="The day's weigh-in.")
    trend_kg: float | None = Field(description="Trend weight (exponentially smoothed).")
    calories: int | None = Field(description="Logged intake.")
    adherence_score: float | None = Field(description="The check-in's adherence score (0-1).")


class ProgressOverview(BaseModel):
    """The last ``days`` days: weigh-ins and trend, intake against target, adherence."""

    start: dt.date
    end: dt.date
    days: list[ProgressDay] = Field(description="Every day of the window, oldest first.")
    weekly_rate_kg: float | None = Field(
        description="Least-squares slope of the window's weigh-ins x 7 (negative: losing)."
    )
    calorie_target: float | None = Field(description="Daily calorie target (kcal).")
    targets_source: str | None = Field(description="computed, user or user+computed.")
    target_note: str | None = Field(description="Why there is no computed target.")
    adherence: AdherenceResult


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


async def progress_overview(
    session: AsyncSession, *, user_id: uuid.UUID, today: dt.date, days: int
) -> ProgressOverview:
    """The overview of the ``days`` days ending ``today``, in four range queries."""
    start, end = window(today, days)
    basis_start, _ = window(today, BASIS_DAYS)
    # Weigh-ins back far enough to warm up the trend and for the expenditure basis (the same
    # one the coach's targets use); intake back far enough for that basis too.
    since = min(
        start - dt.timedelta(days=TREND_WARMUP_DAYS),
        today - dt.timedelta(days=max(BASIS_DAYS, WEIGHT_LOOKBACK_DAYS) - 1),
    )
    profile = await load_profile(session, user_id)
    weights = await load_weights(session, user_id, since, end)
    checkins = await load_checkins(session, user_id, start, end)
    logged = await load_nutrition(session, user_id, min(start, basis_start), end)
    nutrition = [r for r in logged if r.date >= start]
    basis = energy_basis(
        profile,
        weights=weights,
        intake_kcal={
            r.date: float(r.calories)
            for r in logged
            if r.calories is not None and r.date >= basis_start
        },
        today=today,
    )
    targets = nutrient_targets(profile, basis, today)
    trend = {p.date: p.trend_kg for p in trend_series(weights, end=end)} if weights else {}
    scores = {r.date: r.adherence_score for r in checkins}
    calories = {r.date: r.calories for r in nutrition}
    in_window = {d: w for d, w in weights.items() if d >= start}
    rate = weekly_rate_kg(in_window) if len(in_window) >= 2 else None
    series = []
    day = start
    while day <= end:
        series.append(
            ProgressDay(
                date=day,
                weight_kg=weights.get(day),
                trend_kg=_round(trend.get(day), 2),
                calories=calories.get(day),
                adherence_score=scores.get(day),
            )
        )
        day += dt.timedelta(days=1)
    return ProgressOverview(
        start=start,
        end=end,
        days=series,
        weekly_rate_kg=_round(rate, 3),
        calorie_target=_round(targets.targets.get("calories"), 0),
        targets_source=targets.source,
        target_note=targets.note,
        adherence=adherence_of(checkins, nutrition, start=start, end=end),
    )
