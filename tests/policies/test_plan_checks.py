"""Plan checks: nearest safe plan computed independently from DOMAIN.md, and blocks."""

from __future__ import annotations

import math

import pytest

from persistence.enums import PolicyViolationType as T
from policies import Action, PlanProposal, PolicyEngine, PolicyProfile
from tests.policies.conftest import TODAY

# DOMAIN.md, re-derived here so the tests do not trust the code they test.
ACTIVITY = {"sedentary": 1.2, "light": 1.375, "moderate": 1.55, "active": 1.725, "very_active": 1.9}


def tdee(sex: str, kg: float, cm: float, birth_year: int, activity: str) -> float:
    age = TODAY.year - birth_year
    base = 10 * kg + 6.25 * cm - 5 * age
    bmr = base + 5 if sex == "male" else base - 161 if sex == "female" else base - 78
    return bmr * ACTIVITY[activity]


WOMAN = dict(sex="female", birth_year=1990, height_cm=165, weight_kg=68, activity_level="moderate",
             goal_type="fat_loss")  # fmt: skip
MAN = dict(sex="male", birth_year=1985, height_cm=180, weight_kg=90, activity_level="light",
           goal_type="fat_loss")  # fmt: skip


def _check(policy: PolicyEngine, profile: dict[str, object] | None, **plan: float):  # type: ignore[no-untyped-def]
    return policy.check_plan(
        PlanProposal(**plan), PolicyProfile.model_validate(profile) if profile else None
    )


def test_safe_plan_allowed(policy: PolicyEngine) -> None:
    decision = _check(policy, WOMAN, calories_kcal=1650, protein_g=120, weekly_change_kg=-0.5)
    assert decision.action is Action.ALLOW and decision.message is None


def test_calories_raised_to_floor_when_below_it(policy: PolicyEngine) -> None:
    decision = _check(policy, WOMAN, calories_kcal=1000)
    maintenance = tdee("female", 68, 165, 1990, "moderate")
    expected = max(1200, math.ceil(maintenance - 1000))
    assert decision.action is Action.ADJUST
    assert decision.adjusted_plan is not None
    assert decision.adjusted_plan.calories_kcal == expected
    assert T.CALORIE_MINIMUM in {v.type for v in decision.violations}
    assert decision.changes[0].field == "calories_kcal" and decision.changes[0].original == 1000


def test_calories_raised_to_max_deficit_when_deficit_too_big(policy: PolicyEngine) -> None:
    heavy = dict(MAN, weight_kg=130, height_cm=175, activity_level="sedentary", birth_year=1980)
    maintenance = tdee("male", 130, 175, 1980, "sedentary")
    decision = _check(policy, heavy, calories_kcal=1500)
    assert decision.adjusted_plan is not None
    assert decision.adjusted_plan.calories_kcal == math.ceil(maintenance - 1000)
    deficit = next(v for v in decision.violations if v.policy_id == "plan.max_deficit")
    assert deficit.measured == pytest.approx(maintenance - 1500)
    assert deficit.threshold == 1000


def test_men_floor_is_1500(policy: PolicyEngine) -> None:
    decision = _check(policy, {"sex": "male"}, calories_kcal=1400)
    assert decision.adjusted_plan is not None and decision.adjusted_plan.calories_kcal == 1500


def test_other_sex_uses_1500_floor(policy: PolicyEngine) -> None:
    decision = _check(policy, {"sex": "other"}, calories_kcal=1300)
    assert decision.adjusted_plan is not None and decision.adjusted_plan.calories_kcal == 1500


def test_calories_lowered_to_ceiling_when_over_tdee_plus_20(policy: PolicyEngine) -> None:
    decision = _check(policy, MAN, calories_kcal=3500)
    ceiling = tdee("male", 90, 180, 1985, "light") * 1.2
    assert decision.adjusted_plan is not None
    assert decision.adjusted_plan.calories_kcal == math.floor(ceiling)
    assert {v.type for v in decision.violations} == {T.CALORIE_MAXIMUM}


def test_absolute_ceiling_without_profile(policy: PolicyEngine) -> None:
    decision = _check(policy, None, calories_kcal=6000)
    assert decision.adjusted_plan is not None and decision.adjusted_plan.calories_kcal == 5000


def test_very_active_exempt_from_absolute_ceiling(policy: PolicyEngine) -> None:
    athlete = dict(
        sex="male", birth_year=1995, height_cm=185, weight_kg=85, activity_level="very_active"
    )
    ceiling = tdee("male", 85, 185, 1995, "very_active") * 1.2
    assert _check(policy, athlete, calories_kcal=min(ceiling - 50, 4200)).allowed
    decision = _check(policy, athlete, calories_kcal=ceiling + 300)
    assert decision.adjusted_plan is not None
    assert decision.adjusted_plan.calories_kcal == math.floor(ceiling)


def test_loss_rate_clamped_to_one_percent(policy: PolicyEngine) -> None:
    decision = _check(policy, WOMAN, calories_kcal=1700, weekly_change_kg=-1.2)
    assert decision.adjusted_plan is not None
    assert decision.adjusted_plan.weekly_change_kg == -math.floor(68 * 0.01 * 100) / 100
    violation = decision.violations[0]
    assert (violation.type, violation.measured, violation.threshold) == (
        T.WEIGHT_LOSS_RATE,
        1.2,
        pytest.approx(0.68),
    )


def test_positive_rate_on_fat_loss_goal_read_as_loss(policy: PolicyEngine) -> None:
    decision = _check(policy, WOMAN, calories_kcal=1700, weekly_change_kg=1.0)
    assert {v.type for v in decision.violations} == {T.WEIGHT_LOSS_RATE}
    assert decision.adjusted_plan is not None
    assert decision.adjusted_plan.weekly_change_kg == math.floor(68 * 0.01 * 100) / 100


def test_fast_gain_flagged_as_calorie_maximum(policy: PolicyEngine) -> None:
    gainer = dict(MAN, goal_type="muscle_gain")
    decision = _check(policy, gainer, weekly_change_kg=1.5)
    assert {v.type for v in decision.violations} == {T.CALORIE_MAXIMUM}
    assert decision.adjusted_plan is not None and decision.adjusted_plan.weekly_change_kg == 0.9


def test_protein_raised_to_floor(policy: PolicyEngine) -> None:
    decision = _check(policy, WOMAN, calories_kcal=1700, protein_g=30)
    assert decision.adjusted_plan is not None
    assert decision.adjusted_plan.protein_g == math.ceil(0.8 * 68)
    assert {v.type for v in decision.violations} == {T.PROTEIN_MINIMUM}


def test_protein_floor_without_weight_is_46g(policy: PolicyEngine) -> None:
    decision = _check(policy, None, calories_kcal=2000, protein_g=30)
    assert decision.adjusted_plan is not None and decision.adjusted_plan.protein_g == 46


def test_macros_rescaled_to_adjusted_calories(policy: PolicyEngine) -> None:
    decision = _check(policy, MAN, calories_kcal=1300, protein_g=40, carbs_g=100, fat_g=40)
    plan = decision.adjusted_plan
    assert (
        plan is not None and plan.calories_kcal and plan.protein_g and plan.carbs_g and plan.fat_g
    )
    energy = 4 * plan.protein_g + 4 * plan.carbs_g + 9 * plan.fat_g
    assert energy == pytest.approx(plan.calories_kcal, abs=5)
    # The requested fat share (360 of 920 kcal, 39%) clamped into the AMDR's 20-35%.
    assert 9 * plan.fat_g / plan.calories_kcal == pytest.approx(0.35, abs=0.001)
    assert {c.field for c in decision.changes} == {"calories_kcal", "protein_g", "carbs_g", "fat_g"}


def test_each_change_explained_in_message(policy: PolicyEngine) -> None:
    decision = _check(policy, WOMAN, calories_kcal=900, protein_g=40, weekly_change_kg=-1.5)
    assert decision.message is not None
    for change in decision.changes:
        assert change.field in decision.message and change.reason


@pytest.mark.parametrize(
    ("profile", "plan", "types"),
    [
        (dict(sex="male", birth_year=2012, height_cm=165, weight_kg=60, activity_level="active"),
         {"calories_kcal": 1800}, {T.CALORIE_MINIMUM}),
        (dict(sex="female", birth_year=2011, weight_kg=58, goal_type="fat_loss"),
         {"weekly_change_kg": -0.3}, {T.WEIGHT_LOSS_RATE}),
        (dict(sex="female", birth_year=1998, height_cm=170, weight_kg=52,
              activity_level="moderate"), {"calories_kcal": 1500}, {T.CALORIE_MINIMUM}),
        (dict(sex="female", birth_year=1998, height_cm=170, weight_kg=52),
         {"weekly_change_kg": -0.4}, {T.WEIGHT_LOSS_RATE}),
        (dict(sex="female", birth_year=1995, height_cm=168, weight_kg=60, goal_type="fat_loss",
              target_weight_kg=50), {"protein_g": 100}, {T.WEIGHT_LOSS_RATE}),
    ],
)  # fmt: skip
def test_plan_blocked_when_no_safe_deficit_exists(
    policy: PolicyEngine, profile: dict[str, object], plan: dict[str, float], types: set[T]
) -> None:
    decision = _check(policy, profile, **plan)
    assert decision.action is Action.BLOCK
    assert {v.type for v in decision.violations} == types
    assert decision.adjusted_plan is None and decision.changes == ()
    assert decision.message


def test_minor_maintenance_plan_allowed(policy: PolicyEngine) -> None:
    teen = dict(sex="male", birth_year=2012, height_cm=165, weight_kg=60, activity_level="active")
    maintenance = tdee("male", 60, 165, 2012, "active")
    assert _check(policy, teen, calories_kcal=round(maintenance), protein_g=80).allowed


def test_underweight_bmi_computed_from_profile(policy: PolicyEngine) -> None:
    under = dict(
        sex="female", birth_year=1998, height_cm=170, weight_kg=52, activity_level="moderate"
    )
    decision = _check(policy, under, calories_kcal=1500)
    violation = decision.violations[0]
    assert violation.measured == pytest.approx(52 / 1.7**2)
    assert violation.threshold == 18.5
