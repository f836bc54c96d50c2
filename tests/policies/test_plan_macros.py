"""Macros rebuilt around adjusted calories: fat 20-35% of energy, carbs the rest, fibre.

Expected values are re-derived here from DOMAIN.md (AMDR fat 20-35%, IOM 2002; fibre 14 g
per 1000 kcal, Dietary Guidelines 2015-2020; Atwater 4/4/9 kcal per gram), not read from the
code under test.
"""

from __future__ import annotations

import math

import pytest

from policies import Action, Decision, PlanProposal, PolicyEngine, PolicyProfile
from tests.policies.test_plan_checks import MAN, WOMAN, tdee

# A 150 kg man whose TDEE is just above 3,362 kcal: an 800 kcal plan is raised to
# TDEE - 1000 = 2,362 kcal, the example of the bug report.
BIG = dict(sex="male", birth_year=1989, height_cm=180, weight_kg=150, activity_level="light",
           goal_type="fat_loss")  # fmt: skip


def _check(policy: PolicyEngine, profile: dict[str, object], **plan: float) -> Decision:
    return policy.check_plan(PlanProposal(**plan), PolicyProfile.model_validate(profile))


def _energy(p: PlanProposal) -> float:
    assert p.protein_g is not None and p.carbs_g is not None and p.fat_g is not None
    return 4 * p.protein_g + 4 * p.carbs_g + 9 * p.fat_g


def _fat_share(p: PlanProposal) -> float:
    assert p.fat_g is not None and p.calories_kcal
    return 9 * p.fat_g / p.calories_kcal


def _adjusted(decision: Decision) -> PlanProposal:
    assert decision.action is Action.ADJUST
    assert decision.adjusted_plan is not None
    return decision.adjusted_plan


def test_zero_carb_plan_raised_keeps_fat_in_band_and_carbs_take_the_rest(
    policy: PolicyEngine,
) -> None:
    decision = _check(
        policy, BIG, calories_kcal=800, protein_g=160, carbs_g=0, fat_g=17.8, fiber_g=11.2
    )
    plan = _adjusted(decision)
    cal = math.ceil(tdee("male", 150, 180, 1989, "light") - 1000)
    assert cal == 2362 and plan.calories_kcal == cal
    # Protein was above its 0.8 g/kg floor (120 g): kept as requested.
    assert plan.protein_g == 160
    # Requested fat share: 9 * 17.8 = 160.2 kcal of 4*160 + 160.2 = 800.2 kcal, about 20%.
    requested = 9 * 17.8 / (4 * 160 + 9 * 17.8)
    expected_fat = max(0.20, min(0.35, requested)) * cal / 9
    assert plan.fat_g == pytest.approx(expected_fat, abs=0.15)
    assert 0.20 <= _fat_share(plan) <= 0.35  # was 187.4 g, 71% of energy
    assert plan.carbs_g == pytest.approx((cal - 4 * 160 - 9 * expected_fat) / 4, abs=0.5)
    assert plan.carbs_g is not None and plan.carbs_g > 0
    assert plan.fiber_g is not None and plan.fiber_g >= 14 * cal / 1000
    assert plan.fiber_g == pytest.approx(14 * cal / 1000, abs=0.1)
    assert abs(_energy(plan) - cal) <= 0.03 * cal
    changes = {c.field: c for c in decision.changes}
    assert set(changes) == {"calories_kcal", "carbs_g", "fat_g", "fiber_g"}
    assert changes["fat_g"].original == 17.8 and changes["fiber_g"].original == 11.2
    assert all(c.reason for c in decision.changes)
    assert decision.message is not None
    assert all(name in decision.message for name in changes)


def test_calories_only_plan_gets_no_invented_macros(policy: PolicyEngine) -> None:
    decision = _check(policy, WOMAN, calories_kcal=800)
    plan = _adjusted(decision)
    expected = max(1200, math.ceil(tdee("female", 68, 165, 1990, "moderate") - 1000))
    assert plan.calories_kcal == expected
    assert (plan.protein_g, plan.carbs_g, plan.fat_g, plan.fiber_g) == (None, None, None, None)
    assert [c.field for c in decision.changes] == ["calories_kcal"]


def test_fat_defaults_to_a_quarter_of_energy_when_request_gives_none(
    policy: PolicyEngine,
) -> None:
    decision = _check(policy, WOMAN, calories_kcal=900, protein_g=100, carbs_g=100)
    plan = _adjusted(decision)
    cal = max(1200, math.ceil(tdee("female", 68, 165, 1990, "moderate") - 1000))
    assert plan.calories_kcal == cal and plan.protein_g == 100
    assert plan.fat_g == pytest.approx(0.25 * cal / 9, abs=0.1)
    assert plan.carbs_g == pytest.approx((cal - 400 - 0.25 * cal) / 4, abs=0.5)
    fat = next(c for c in decision.changes if c.field == "fat_g")
    assert fat.original is None and fat.reason


def test_high_fat_share_clamped_to_35_percent(policy: PolicyEngine) -> None:
    # Keto-style request: 9*80 = 720 of 4*70 + 4*20 + 720 = 1080 kcal is fat (67%).
    decision = _check(policy, WOMAN, calories_kcal=1000, protein_g=70, carbs_g=20, fat_g=80)
    plan = _adjusted(decision)
    cal = max(1200, math.ceil(tdee("female", 68, 165, 1990, "moderate") - 1000))
    assert plan.fat_g == pytest.approx(0.35 * cal / 9, abs=0.1)
    assert _fat_share(plan) <= 0.35
    assert plan.carbs_g == pytest.approx((cal - 4 * 70 - 0.35 * cal) / 4, abs=0.5)


def test_requested_fat_share_kept_when_inside_the_band(policy: PolicyEngine) -> None:
    # 9*60 = 540 of 4*150 + 4*300 + 540 = 2340 kcal: 23% fat, inside 20-35%.
    decision = _check(policy, MAN, calories_kcal=3500, protein_g=150, carbs_g=300, fat_g=60)
    plan = _adjusted(decision)
    cal = math.floor(tdee("male", 90, 180, 1985, "light") * 1.2)
    assert plan.calories_kcal == cal
    assert _fat_share(plan) == pytest.approx(540 / 2340, abs=0.001)
    assert abs(_energy(plan) - cal) <= 0.03 * cal


def test_fat_lowered_toward_20_percent_then_protein_capped_when_they_exceed_calories(
    policy: PolicyEngine,
) -> None:
    # 700 g of protein is 2,800 kcal: with the ceiling of about 3,000 kcal, fat at 30% would
    # not fit, so fat drops to 20% and protein to what is left.
    decision = _check(policy, MAN, calories_kcal=3500, protein_g=700, carbs_g=50, fat_g=100)
    plan = _adjusted(decision)
    cal = math.floor(tdee("male", 90, 180, 1985, "light") * 1.2)
    assert _fat_share(plan) == pytest.approx(0.20, abs=0.001)
    assert plan.protein_g == math.floor(0.8 * cal / 4)
    assert plan.protein_g is not None and plan.protein_g >= 0.8 * 90
    assert plan.carbs_g is not None and 0 <= plan.carbs_g < 1
    assert abs(_energy(plan) - cal) <= 0.03 * cal
    protein = next(c for c in decision.changes if c.field == "protein_g")
    assert protein.original == 700 and "20%" in protein.reason


def test_protein_filled_at_floor_when_only_carbs_and_fat_given(policy: PolicyEngine) -> None:
    decision = _check(policy, WOMAN, calories_kcal=900, carbs_g=100, fat_g=30)
    plan = _adjusted(decision)
    assert plan.protein_g == math.ceil(0.8 * 68)
    cal = plan.calories_kcal
    assert cal is not None and abs(_energy(plan) - cal) <= 0.03 * cal


def test_fibre_above_guideline_kept(policy: PolicyEngine) -> None:
    decision = _check(policy, WOMAN, calories_kcal=900, fiber_g=40)
    plan = _adjusted(decision)
    assert plan.fiber_g == 40
    assert "fiber_g" not in {c.field for c in decision.changes}


def test_protein_raised_at_same_calories_rebuilds_macros(policy: PolicyEngine) -> None:
    decision = _check(policy, WOMAN, calories_kcal=1700, protein_g=30, carbs_g=250, fat_g=50)
    plan = _adjusted(decision)
    assert plan.calories_kcal == 1700 and plan.protein_g == math.ceil(0.8 * 68)
    assert abs(_energy(plan) - 1700) <= 0.03 * 1700
    assert 0.20 <= _fat_share(plan) <= 0.35
    assert plan.fiber_g is None


@pytest.mark.parametrize(
    ("profile", "plan"),
    [
        (WOMAN, {"calories_kcal": 600, "protein_g": 20, "carbs_g": 0, "fat_g": 0, "fiber_g": 0}),
        (WOMAN, {"calories_kcal": 1000, "protein_g": 40, "carbs_g": 100, "fat_g": 30,
                 "fiber_g": 10, "weekly_change_kg": -1.5}),
        (MAN, {"calories_kcal": 1300, "protein_g": 40, "carbs_g": 100, "fat_g": 40}),
        (MAN, {"calories_kcal": 6000, "protein_g": 200, "carbs_g": 900, "fat_g": 100,
               "fiber_g": 50}),
        (MAN, {"calories_kcal": 800, "protein_g": 300, "fat_g": 10}),
        (BIG, {"calories_kcal": 1200, "protein_g": 250, "carbs_g": 10, "fat_g": 5,
               "fiber_g": 5}),
    ],
)  # fmt: skip
def test_rebuilt_macros_meet_every_rule(
    policy: PolicyEngine, profile: dict[str, object], plan: dict[str, float]
) -> None:
    decision = _check(policy, profile, **plan)
    adjusted = _adjusted(decision)
    cal = adjusted.calories_kcal
    assert cal is not None
    weight = profile["weight_kg"]
    assert isinstance(weight, int | float)
    assert adjusted.protein_g is not None and adjusted.protein_g >= 0.8 * weight
    assert adjusted.carbs_g is not None and adjusted.carbs_g >= 0
    assert 0.20 <= _fat_share(adjusted) <= 0.35
    assert abs(_energy(adjusted) - cal) <= 0.03 * cal
    if "fiber_g" in plan:
        assert adjusted.fiber_g is not None and adjusted.fiber_g >= 14 * cal / 1000 - 0.05
    for change in decision.changes:
        assert change.reason and change.field in (decision.message or "")
