"""Replies written from tool results: figures that agree, asked vs proposed, plain questions."""

from __future__ import annotations

import re

import pytest

from coach import offline_replies
from coach.offline_questions import failures
from evals.evaluators.conversation import plan_problems, trend_problems
from tools.errors import DataErrorCode, ToolDataMissing

TREND = {
    "start": "2025-06-03",
    "end": "2025-06-30",
    "weigh_ins": 7,
    "first_weigh_in": "2025-06-23",
    "last_weigh_in": "2025-06-30",
    "trend_end_kg": 82.34,
    "weekly_rate_kg": -0.896,
    "period_days": 8,
    "fit_start_kg": 82.96,
    "fit_change_kg": -0.9,
    "fit_end_kg": 82.06,
    "gaps": [],
}


@pytest.mark.parametrize(("start", "change"), [(82.96, -0.9), (73.24, -1.97), (70.05, 0.04)])
def test_trend_reply_states_its_period_and_figures_that_agree(start: float, change: float) -> None:
    rate = change / 1.0  # the 8-day span is one week
    result = TREND | {"fit_start_kg": start, "fit_change_kg": change, "weekly_rate_kg": rate}
    reply = offline_replies.weight_trend(result, {})
    assert "run from 23 Jun to 30 Jun (8 days)" in reply
    assert trend_problems(reply, 2025) == []


def test_goal_distance_agrees_with_the_weights_shown() -> None:
    reply = offline_replies.goal_progress(
        {"current_weight_kg": 71.26, "target_weight_kg": 68.9, "distance_kg": -2.36,
         "direction": "lose"}, {}
    )  # fmt: skip
    assert "You're at 71.3 kg with a target of 68.9 kg, 2.4 kg to lose." in reply


def test_plan_reply_says_what_was_asked_and_why_it_changed() -> None:
    result = {
        "status": "adjusted",
        "plan": {"calories_kcal": 1852, "protein_g": 165, "carbs_g": 182, "fat_g": 51,
                 "fiber_g": 26, "weekly_change_kg": -0.82, "duration_weeks": 9},
        "request_changes": [{"field": "weekly_change_kg", "requested": -1.0, "proposed": -0.82,
                             "reason": "the safe maximum for you is 0.82 kg a week"}],
        "tdee_kcal": 2754,
        "tdee_basis": "formula",
    }  # fmt: skip
    reply = offline_replies.plan(result, {"weekly_change_kg": -1.0})
    assert (
        "You asked to lose 1.00 kg a week, which is too fast for you, so I've proposed 0.82 kg "
        "a week: the safe maximum for you is 0.82 kg a week." in reply
    )
    assert "a formula estimate" in reply
    assert plan_problems(reply) == []


def test_missing_data_from_several_tools_is_one_plain_question() -> None:
    targets = ToolDataMissing(
        DataErrorCode.MISSING_PROFILE_FIELDS, "x", fields=("height_cm", "birth_year")
    )
    goal = ToolDataMissing(DataErrorCode.NO_TARGET_WEIGHT, "y", fields=("target_weight_kg",))
    (question,) = failures(
        [("calculate_targets", targets.message), ("get_goal_progress", goal.message)]
    )
    assert question.startswith(
        "To work out your targets and goal progress I need your height (in cm), the year you "
        "were born and your target weight."
    )
    assert not re.search(r"[{}]|_cm|_year|_kg|ask the user", question)


def test_blocked_call_is_explained_without_the_model_instructions() -> None:
    message = (
        "propose_plan was blocked by a safety policy: plans to lose weight are not appropriate "
        "under 18. Do not retry with the same values."
    )
    (reply,) = failures([("propose_plan", message)])
    assert reply == "I can't do that plan: plans to lose weight are not appropriate under 18."


def test_profile_reply_names_missing_fields_in_plain_words() -> None:
    result = {
        "age": 36,
        "height_cm": 178,
        "goal": {"goal_type": "fat_loss", "pace": "moderate"},
        "preferences": {"diet_type": "none"},
        "missing_fields": ["activity_level", "recent weigh-in", "target_weight_kg"],
    }
    reply = offline_replies.profile(result, {})
    assert "your activity level, a recent weigh-in and your target weight" in reply
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", reply), reply
