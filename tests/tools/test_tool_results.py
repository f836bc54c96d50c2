"""Each tool on seeded data, against numbers computed here independently."""

from __future__ import annotations

import datetime as dt
import math
import statistics
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.enums import PhotoVisibility
from persistence.repositories import photos
from persistence.synthetic import SyntheticConfig
from tests.tools.helpers import (
    MULTIPLIER,
    make_deps,
    ref_mifflin,
    ref_trend,
    ref_weekly_rate,
    seed,
    weights_of,
)
from tools.handlers import energy, logs, profile, weight
from tools.handlers._common import NoArgs

Factory = async_sessionmaker[AsyncSession]


def days_ago(end: dt.date, n: int) -> dt.date:
    return end - dt.timedelta(days=n)


async def test_get_user_profile_age_bmi_and_no_email(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory)
    deps = await make_deps(session_factory, user_id, data.end)
    result = await profile.get_user_profile(deps, NoArgs())
    trend = ref_trend(weights_of(data, days_ago(data.end, 59), data.end), data.end)
    assert result.age == data.end.year - data.profile.birth_year
    assert result.current_weight_kg == pytest.approx(trend, abs=0.006)
    assert result.bmi == pytest.approx(trend / (data.profile.height_cm / 100) ** 2, abs=0.06)
    assert result.goal.target_weight_kg == pytest.approx(data.goal.target_weight_kg or 0)
    assert "@" not in result.model_dump_json()
    assert result.missing_fields == []


async def test_get_recent_checkins_counts_window(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory)
    deps = await make_deps(session_factory, user_id, data.end)
    result = await logs.get_recent_checkins(deps, logs.RecentCheckinsArgs(days=14))
    expected = [c for c in data.checkins if c.date >= days_ago(data.end, 13)]
    assert result.count == len(expected) == 14
    assert result.weigh_ins == sum(c.weight_kg is not None for c in expected)
    assert [c.date for c in result.checkins] == [c.date for c in expected]


async def test_get_weight_trend_rate_change_and_gaps(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory)
    deps = await make_deps(session_factory, user_id, data.end)
    result = await weight.get_weight_trend(deps, weight.WeightTrendArgs(days=28))
    start = days_ago(data.end, 27)
    in_window = weights_of(data, start, data.end)
    warm = weights_of(data, days_ago(start, 30), data.end)
    assert result.weigh_ins == len(in_window)
    assert result.weekly_rate_kg == pytest.approx(ref_weekly_rate(in_window), abs=0.001)
    assert result.trend_end_kg == pytest.approx(ref_trend(warm, data.end), abs=0.006)
    assert result.total_change_kg == pytest.approx(
        ref_trend(warm, data.end) - ref_trend(warm, start), abs=0.011
    )
    # The true loss rate is 500 kcal/day -> about -0.45 kg/week.
    assert -0.9 < (result.weekly_rate_kg or 0) < 0


async def test_get_nutrition_summary_averages_logged_days_only(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory)
    deps = await make_deps(session_factory, user_id, data.end)
    result = await logs.get_nutrition_summary(deps, logs.NutritionSummaryArgs(days=14))
    logged = [n for n in data.nutrition if n.date >= days_ago(data.end, 13)]
    assert result.days_logged == len(logged)
    assert result.logging_rate == pytest.approx(len(logged) / 14, abs=0.001)
    assert result.averages["calories"] == pytest.approx(
        statistics.fmean(n.calories for n in logged), abs=0.05
    )
    assert result.averages["protein_g"] == pytest.approx(
        statistics.fmean(n.protein_g for n in logged), abs=0.05
    )
    calories = next(c for c in result.comparison if c.nutrient == "calories")
    assert result.targets_source == "computed"
    assert calories.target is not None and calories.difference == pytest.approx(
        (result.averages["calories"] or 0) - calories.target, abs=0.11
    )


async def test_calculate_targets_matches_published_formulas(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory, seed=2)
    deps = await make_deps(session_factory, user_id, data.end)
    result = await energy.calculate_targets(deps, energy.CalculateTargetsArgs(weight_kg=82.0))
    p = data.profile
    age = data.end.year - p.birth_year
    bmr = ref_mifflin(82.0, p.height_cm, age, p.sex.value)
    tdee = bmr * MULTIPLIER[p.activity_level.value]
    deficit = 0.005 * 82.0 * 7700 / 7  # fat loss, moderate pace: 0.5 % of body weight a week
    floor = 1200 if p.sex.value == "female" else 1500
    calories = max(tdee - deficit, floor)
    assert result.bmr_kcal == round(bmr)
    assert result.tdee_kcal == round(tdee)
    assert result.calories_kcal == round(calories)
    assert result.macros.protein_g == pytest.approx(2.0 * 82.0, abs=0.05)
    assert result.macros.fat_g == pytest.approx(calories * 0.25 / 9, abs=0.05)
    assert result.macros.fibre_g == pytest.approx(14 * calories / 1000, abs=0.05)
    assert result.macros.carbs_g == pytest.approx(
        (calories - 164 * 4 - calories * 0.25) / 4, abs=0.05
    )


async def test_estimate_expenditure_near_true_tdee(session_factory: Factory) -> None:
    config = SyntheticConfig(days=28, weight_noise_sd_kg=0.3, tdee_deviation=0.06)
    user_id, data = await seed(session_factory, config, seed=1)
    deps = await make_deps(session_factory, user_id, data.end)
    result = await energy.estimate_expenditure(deps, energy.EstimateExpenditureArgs(days=28))
    assert result.updated_from_data
    assert result.logged_days == len(data.nutrition) == 20
    assert result.weigh_ins == sum(c.weight_kg is not None for c in data.checkins)
    assert abs((result.tdee_kcal or 0) - data.true_tdee_between(data.start, data.end)) <= 100
    assert (result.low_kcal or 0) < (result.tdee_kcal or 0) < (result.high_kcal or 0)


async def test_get_adherence_rates_and_streaks(session_factory: Factory) -> None:
    config = SyntheticConfig(days=60, weight_noise_sd_kg=0.3, unlogged_days_per_week=3)
    user_id, data = await seed(session_factory, config, seed=4)
    deps = await make_deps(session_factory, user_id, data.end)
    result = await logs.get_adherence(deps, logs.AdherenceArgs(days=28))
    start = days_ago(data.end, 27)
    checkins = [c for c in data.checkins if c.date >= start]
    logged = {n.date for n in data.nutrition if n.date >= start}
    assert result.checkin_rate == pytest.approx(len(checkins) / 28, abs=0.001)
    assert result.logging_rate == pytest.approx(len(logged) / 28, abs=0.001)
    assert result.mean_adherence_score == pytest.approx(
        statistics.fmean(c.adherence_score for c in checkins), abs=0.001
    )
    # Every day has a check-in in the synthetic data, so both streaks span the window.
    assert (result.current_streak_days, result.longest_streak_days) == (28, 28)


async def test_get_goal_progress_projection(session_factory: Factory) -> None:
    config = SyntheticConfig(
        days=90,
        weight_noise_sd_kg=0.3,
        start_weight_kg=95,
        target_weight_kg=75,
        target_date_weeks=20,
    )
    user_id, data = await seed(session_factory, config)
    deps = await make_deps(session_factory, user_id, data.end)
    result = await weight.get_goal_progress(deps, NoArgs())
    start = days_ago(data.end, 27)
    current = ref_trend(weights_of(data, days_ago(start, 30), data.end), data.end)
    rate = ref_weekly_rate(weights_of(data, start, data.end))
    target = data.goal.target_weight_kg or 0
    assert result.current_weight_kg == pytest.approx(current, abs=0.006)
    assert result.distance_kg == pytest.approx(target - current, abs=0.011)
    weeks = (target - current) / rate
    assert result.projected_date == data.end + dt.timedelta(days=round(weeks * 7))
    assert data.goal.target_date is not None
    weeks_left = (data.goal.target_date - data.end).days / 7
    assert result.required_weekly_kg == pytest.approx((target - current) / weeks_left, abs=0.002)
    assert result.target_date_reachable_safely is (
        abs((target - current) / weeks_left) <= 0.01 * current
    )
    assert math.isclose(result.safe_max_weekly_kg, 0.01 * current, abs_tol=0.001)


async def test_list_progress_photos_never_private(session_factory: Factory) -> None:
    user_id, data = await seed(session_factory)
    async with session_factory() as s:
        await photos.add(
            s,
            user_id=user_id,
            photo_id=uuid.uuid4(),
            day=data.end,
            s3_key=f"private/{uuid.uuid4()}.jpg",
            content_hash=None,
            visibility=PhotoVisibility.PRIVATE,
            photo_metadata={"width": 10, "gps": "52.1,4.3"},
        )
        await s.commit()
    deps = await make_deps(session_factory, user_id, data.end)
    result = await profile.list_progress_photos(deps, profile.ListPhotosArgs(limit=100))
    shared = sorted(
        (p.date for p in data.photos if p.visibility == PhotoVisibility.COACH_ONLY), reverse=True
    )
    assert [p.date for p in result.photos] == shared
    dumped = result.model_dump_json()
    assert "s3" not in dumped and "private" not in dumped and "gps" not in dumped
