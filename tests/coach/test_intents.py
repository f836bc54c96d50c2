"""Intent recognition of the offline coach and the tool calls it plans."""

from __future__ import annotations

import pytest

from coach.intents import Intent, recognise, requested_days, tool_calls_for


@pytest.mark.parametrize(
    ("message", "intents"),
    [
        ("How am I doing?", [Intent.OVERVIEW]),
        ("hi there", [Intent.GREETING]),
        ("What's my weight trend?", [Intent.WEIGHT]),
        ("How much protein am I eating?", [Intent.NUTRITION]),
        ("How consistent have I been with logging?", [Intent.ADHERENCE]),
        ("What should my daily calories be?", [Intent.TARGETS]),
        ("Make me a meal plan", [Intent.PLAN]),
        ("What's my TDEE?", [Intent.EXPENDITURE]),
        ("When will I reach my goal weight?", [Intent.GOAL]),
        ("Show my progress photos", [Intent.PHOTOS]),
        ("What's my BMI?", [Intent.PROFILE]),
        ("How did I sleep this week?", [Intent.CHECKINS]),
        ("Tell me a joke", [Intent.OTHER]),
    ],
)
def test_recognise_maps_message_to_intents(message: str, intents: list[Intent]) -> None:
    assert recognise(message) == intents


def test_recognise_finds_several_intents_in_one_message() -> None:
    assert recognise("How is my weight trend and how many calories am I eating?") == [
        Intent.WEIGHT,
        Intent.NUTRITION,
    ]


def test_recognise_drops_greeting_when_a_question_follows() -> None:
    assert recognise("Hi! What's my TDEE?") == [Intent.EXPENDITURE]


def test_tool_calls_for_overview_calls_trend_and_adherence_in_one_step() -> None:
    assert [c.tool for c in tool_calls_for("how am I doing")] == [
        "get_weight_trend",
        "get_adherence",
    ]


@pytest.mark.parametrize(
    ("message", "days"),
    [
        ("over the last 2 weeks", 14),
        ("in the past month", 30),
        ("this week", 7),
        ("last three days", 3),
        ("the past year", 365),
        ("lately", None),
    ],
)
def test_requested_days_reads_the_window(message: str, days: int | None) -> None:
    assert requested_days(message) == days


def test_tool_calls_clamp_days_to_each_tools_range() -> None:
    calls = {c.tool: c.args for c in tool_calls_for("my weight and TDEE over the last 3 days")}
    assert calls["get_weight_trend"] == {"days": 7}
    assert calls["estimate_expenditure"] == {"days": 14}


def test_plan_arguments_come_from_the_message() -> None:
    (call,) = tool_calls_for("Make me a slow fat loss plan at 1800 calories for 12 weeks")
    assert call.tool == "propose_plan"
    assert call.args == {
        "calories_kcal": 1800,
        "pace": "slow",
        "goal_type": "fat_loss",
        "duration_weeks": 12,
    }


def test_tool_calls_for_greeting_is_empty() -> None:
    assert tool_calls_for("hello") == []


def test_tool_calls_are_capped_and_unique() -> None:
    message = (
        "how am I doing, my weight, nutrition, TDEE, goal, photos, profile, check-ins and targets"
    )
    calls = tool_calls_for(message)
    tools = [c.tool for c in calls]
    assert len(tools) == len(set(tools)) <= 4
