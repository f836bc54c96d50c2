"""Formulas against values computed here from the published equations."""

from __future__ import annotations

import datetime as dt

import pytest

from persistence.enums import ActivityLevel, GoalType, PacePreference, Sex
from tools.formulas import (
    age_from_birth_year,
    bmi,
    bmi_category,
    calorie_target,
    linear_fit,
    macro_target,
    mifflin_st_jeor,
    project_goal,
    streaks,
    tdee_from_activity,
    trend_series,
    weekly_rate_kg,
    weigh_in_gaps,
)

D0 = dt.date(2025, 1, 1)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def test_mifflin_matches_published_equation_for_men_and_women() -> None:
    # Mifflin-St Jeor 1990: 10 W + 6.25 H - 5 A + 5 (men) / - 161 (women).
    assert mifflin_st_jeor(weight_kg=80, height_cm=180, age=30, sex=Sex.MALE).kcal == pytest.approx(
        800 + 1125 - 150 + 5
    )
    female = mifflin_st_jeor(weight_kg=60, height_cm=165, age=40, sex=Sex.FEMALE)
    assert female.kcal == pytest.approx(600 + 1031.25 - 200 - 161)
    assert not female.sex_averaged


@pytest.mark.parametrize("sex", [Sex.OTHER, Sex.PREFER_NOT_TO_SAY, None])
def test_mifflin_averages_and_flags_when_sex_not_binary(sex: Sex | None) -> None:
    est = mifflin_st_jeor(weight_kg=70, height_cm=170, age=35, sex=sex)
    male = 700 + 1062.5 - 175 + 5
    female = 700 + 1062.5 - 175 - 161
    assert est.kcal == pytest.approx((male + female) / 2)
    assert est.sex_averaged and est.note


def test_tdee_uses_activity_multiplier() -> None:
    expected = {"sedentary": 1.2, "light": 1.375, "moderate": 1.55, "active": 1.725}
    for level, factor in expected.items():
        assert tdee_from_activity(1500, ActivityLevel(level)) == pytest.approx(1500 * factor)
    assert tdee_from_activity(1500, ActivityLevel.VERY_ACTIVE) == pytest.approx(2850)


def test_bmi_and_age_basic_values() -> None:
    assert bmi(72, 180) == pytest.approx(72 / 1.8**2)
    assert bmi_category(18.4) == "underweight"
    assert bmi_category(30.0) == "obese"
    assert age_from_birth_year(1990, dt.date(2025, 6, 1)) == 35
    with pytest.raises(ValueError, match="height_cm"):
        bmi(70, 0)


def test_trend_follows_hackers_diet_recurrence_with_interpolated_gap() -> None:
    weights = {day(0): 80.0, day(1): 81.0, day(4): 78.0}
    series = trend_series(weights, end=day(6))
    # Day 2 and 3 interpolate 81 -> 78 (80, 79); days 5-6 carry the trend forward.
    expected = [80.0]
    for w in (81.0, 80.0, 79.0, 78.0):
        expected.append(expected[-1] + 0.1 * (w - expected[-1]))
    expected += [expected[-1], expected[-1]]
    assert [p.trend_kg for p in series] == pytest.approx(expected)
    assert [p.weight_kg for p in series][2] is None
    assert all(p.trend_kg > 70 for p in series)  # a missing day is never a zero


def test_weekly_rate_is_least_squares_slope_times_seven() -> None:
    weights = {day(i): 90.0 - 0.1 * i + (0.3 if i % 2 else -0.3) for i in range(14)}
    xs = [float(i) for i in range(14)]
    ys = [weights[day(i)] for i in range(14)]
    mx, my = sum(xs) / 14, sum(ys) / 14
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    assert weekly_rate_kg(weights) == pytest.approx(slope * 7)
    fit = linear_fit(xs, ys)
    assert fit is not None and fit.slope_stderr is not None


def test_gaps_report_runs_of_missing_days() -> None:
    gaps = weigh_in_gaps([day(0), day(1), day(6), day(8)], min_days=2)
    assert [(g.start, g.end, g.days) for g in gaps] == [(day(2), day(5), 4)]


def test_fat_loss_target_uses_pace_fraction_of_body_weight() -> None:
    t = calorie_target(
        tdee_kcal=2600,
        weight_kg=90,
        height_cm=180,
        age=35,
        sex=Sex.MALE,
        goal=GoalType.FAT_LOSS,
        pace=PacePreference.MODERATE,
    )
    deficit = 0.005 * 90 * 7700 / 7
    assert t.calories_kcal == pytest.approx(2600 - deficit)
    assert t.expected_weekly_change_kg == pytest.approx(-deficit * 7 / 7700)


def test_fat_loss_deficit_capped_at_1000_and_floor_applies() -> None:
    big = calorie_target(
        tdee_kcal=3400,
        weight_kg=160,
        height_cm=185,
        age=40,
        sex=Sex.MALE,
        goal=GoalType.FAT_LOSS,
        pace=PacePreference.AGGRESSIVE,
    )
    assert big.calories_kcal == pytest.approx(2400)
    assert any("capped" in a for a in big.adjustments)
    small = calorie_target(
        tdee_kcal=1500,
        weight_kg=58,
        height_cm=160,
        age=50,
        sex=Sex.FEMALE,
        goal=GoalType.FAT_LOSS,
        pace=PacePreference.AGGRESSIVE,
    )
    assert small.calories_kcal == pytest.approx(max(1500 - 0.0075 * 58 * 1100, 1200))
    other = calorie_target(
        tdee_kcal=1700,
        weight_kg=60,
        height_cm=165,
        age=30,
        sex=Sex.OTHER,
        goal=GoalType.FAT_LOSS,
        pace=PacePreference.AGGRESSIVE,
    )
    assert other.calories_kcal == 1500  # floor 1500 unless female


def test_no_deficit_for_minor_or_underweight() -> None:
    for age, weight in ((16, 70.0), (30, 50.0)):
        t = calorie_target(
            tdee_kcal=2200,
            weight_kg=weight,
            height_cm=175,
            age=age,
            sex=Sex.MALE,
            goal=GoalType.FAT_LOSS,
            pace=PacePreference.SLOW,
        )
        assert t.calories_kcal == 2200
        assert t.adjustments


def test_muscle_gain_surplus_by_pace() -> None:
    for pace, frac in ((PacePreference.SLOW, 0.05), (PacePreference.AGGRESSIVE, 0.15)):
        t = calorie_target(
            tdee_kcal=2500,
            weight_kg=70,
            height_cm=175,
            age=25,
            sex=Sex.MALE,
            goal=GoalType.MUSCLE_GAIN,
            pace=pace,
        )
        assert t.calories_kcal == pytest.approx(2500 * (1 + frac))


def test_macros_protein_by_goal_fat_floor_and_fibre() -> None:
    m = macro_target(calories_kcal=2000, weight_kg=80, height_cm=180, goal=GoalType.FAT_LOSS)
    assert m.protein_g == pytest.approx(160)
    assert m.fat_g == pytest.approx(2000 * 0.25 / 9)
    assert m.carbs_g == pytest.approx((2000 - 160 * 4 - 500) / 4)
    assert m.fibre_g == pytest.approx(28)
    energy = m.protein_g * 4 + m.carbs_g * 4 + m.fat_g * 9
    assert energy == pytest.approx(2000)
    tight = macro_target(calories_kcal=1200, weight_kg=120, height_cm=160, goal=GoalType.FAT_LOSS)
    assert tight.fat_g * 9 >= 0.2 * 1200 - 1e-6
    assert tight.protein_g == pytest.approx(2.0 * 25 * 1.6**2)  # BMI >= 30: weight at BMI 25


def test_streaks_current_allows_today_pending() -> None:
    active = {day(0), day(1), day(2), day(4), day(5), day(6), day(7), day(9)}
    s = streaks(active, start=day(0), end=day(10))
    assert (s.current, s.longest) == (1, 4)
    s2 = streaks(active | {day(8)}, start=day(0), end=day(9))
    assert (s2.current, s2.longest) == (6, 6)


def test_goal_projection_date_and_safe_rate() -> None:
    p = project_goal(
        current_kg=90, target_kg=80, weekly_rate_kg=-0.5, today=day(0), target_date=day(70)
    )
    assert p.direction == "lose" and p.moving_toward_target
    assert p.weeks_to_target == pytest.approx(20)
    assert p.projected_date == day(140)
    assert p.required_weekly_kg == pytest.approx(-1.0)
    assert p.safe_max_weekly_kg == pytest.approx(0.9)
    assert p.target_date_reachable_safely is False
    flat = project_goal(
        current_kg=90, target_kg=80, weekly_rate_kg=0.1, today=day(0), target_date=None
    )
    assert flat.projected_date is None and not flat.moving_toward_target
