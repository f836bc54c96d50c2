"""Tool-argument checks: numeric targets checked as a plan, free text as input."""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import Action, PolicyEngine, PolicyProfile
from policies.quantities import KJ_PER_KCAL


def test_low_calorie_target_adjusted_under_tool_key(policy: PolicyEngine) -> None:
    decision = policy.check_tool_args("compute_targets", {"calories": 700, "note": "lunch"})
    assert decision.action is Action.ADJUST
    assert decision.violations[0].type is T.CALORIE_MINIMUM
    assert decision.adjusted_args == {"calories": 1500, "note": "lunch"}  # no profile: 1500


def test_profile_in_args_overrides_stored_profile(policy: PolicyEngine) -> None:
    args = {"target_kcal": 1100, "sex": "female"}
    decision = policy.check_tool_args("compute_targets", args, PolicyProfile(sex="male"))
    assert decision.adjusted_args is not None and decision.adjusted_args["target_kcal"] == 1200


def test_kilojoules_converted_both_ways(policy: PolicyEngine) -> None:
    decision = policy.check_tool_args("plan", {"daily_kj": 3000, "sex": "female"})
    assert decision.adjusted_args is not None
    assert decision.adjusted_args["daily_kj"] == pytest.approx(1200 * KJ_PER_KCAL, abs=0.01)


def test_weekly_loss_key_read_as_loss(policy: PolicyEngine) -> None:
    decision = policy.check_tool_args("plan", {"weekly_loss_kg": 1.5, "weight_kg": 80})
    assert {v.type for v in decision.violations} == {T.WEIGHT_LOSS_RATE}
    assert decision.adjusted_args is not None and decision.adjusted_args["weekly_loss_kg"] == 0.8


def test_deficit_argument_capped(policy: PolicyEngine, settings) -> None:  # type: ignore[no-untyped-def]
    decision = policy.check_tool_args("plan", {"deficit_kcal": 1500})
    assert decision.adjusted_args == {"deficit_kcal": settings.max_deficit_kcal}


def test_free_text_argument_checked_as_text(policy: PolicyEngine) -> None:
    decision = policy.check_tool_args("search_recipes", {"query": "pro-ana tips to eat nothing"})
    assert decision.action is Action.REFER
    assert decision.violations[0].type is T.EATING_DISORDER_SIGNAL


def test_safe_arguments_allowed(policy: PolicyEngine) -> None:
    args = {"calories_kcal": 1900, "protein_g": 140, "query": "high protein lunch"}
    assert policy.check_tool_args("plan", args).allowed


def test_minor_deficit_in_args_blocked(policy: PolicyEngine) -> None:
    decision = policy.check_tool_args(
        "plan", {"calories_kcal": 1400, "age": 15, "goal": "fat_loss"}
    )
    assert decision.action is Action.BLOCK and decision.adjusted_args is None
