"""Engines are built explicitly: thresholds come from their own settings, models are lenient."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from persistence.enums import ActivityLevel, GoalType, Sex
from policies import Action, PlanProposal, PolicyEngine, PolicyProfile, PolicySettings, strongest


def test_thresholds_come_from_engine_settings() -> None:
    strict = PolicyEngine(PolicySettings(calorie_floor_female=1400))
    plan = PlanProposal(calories_kcal=1300)
    woman = PolicyProfile(sex="female")
    decision = strict.check_plan(plan, woman)
    assert decision.adjusted_plan is not None and decision.adjusted_plan.calories_kcal == 1400
    assert PolicyEngine(PolicySettings()).check_plan(plan, woman).allowed


def test_strongest_action_chosen_when_mixed() -> None:
    assert strongest([Action.ADJUST, Action.REFER, Action.BLOCK]) is Action.REFER
    assert strongest([Action.ADJUST, Action.BLOCK]) is Action.BLOCK
    assert strongest([]) is Action.ALLOW


@pytest.mark.parametrize(
    ("raw", "field", "value"),
    [
        ({"sex": "F"}, "sex", Sex.FEMALE),
        ({"sex": "non-binary"}, "sex", Sex.OTHER),
        ({"activity_level": "Moderately Active"}, "activity_level", ActivityLevel.MODERATE),
        ({"goal_type": "weight loss"}, "goal_type", GoalType.FAT_LOSS),
        ({"goal_type": "bulk"}, "goal_type", GoalType.MUSCLE_GAIN),
    ],
)
def test_profile_reads_common_spellings(raw: dict[str, str], field: str, value: object) -> None:
    assert getattr(PolicyProfile.model_validate(raw), field) == value


def test_profile_rejects_impossible_values_naming_field() -> None:
    with pytest.raises(ValidationError, match="weight_kg"):
        PolicyProfile.model_validate({"weight_kg": 2})


def test_extra_profile_and_plan_keys_ignored() -> None:
    assert PolicyProfile.model_validate({"name": "x", "sex": "male"}).sex is Sex.MALE
    assert PlanProposal.model_validate({"calories_kcal": 1, "note": "x"}).calories_kcal == 1
