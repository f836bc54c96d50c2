"""Intent recognition of the offline coach and the tool calls it plans."""

from __future__ import annotations

import pytest

from coach.intents import Intent, recognise, tool_calls_for
from coach.offline_args import requested_days


@pytest.mark.parametrize(
    ("message", "intents"),
    [
        ("How am I doing?", [Intent.PROGRESS]),
        ("hi there", [Intent.SMALL_TALK]),
        ("What's my weight trend?", [Intent.TREND]),
        ("How much protein am I eating?", [Intent.INTAKE]),
        ("How consistent have I been with logging?", [Intent.ADHERENCE]),
        ("What should my daily calories be?", [Intent.TARGETS]),
        ("Make me a meal plan", [Intent.PLAN]),
        ("What's my TDEE?", [Intent.EXPENDITURE]),
        ("When will I reach my goal weight?", [Intent.GOAL]),
        ("Show my progress photos", [Intent.PHOTOS]),
        ("What's my BMI?", [Intent.PROFILE]),
        ("How did I sleep this week?", [Intent.CHECKINS]),
        ("Tell me a joke", [Intent.OUT_OF_SCOPE]),
    ],
)
def test_recognise_maps_message_to_intents(message: str, intents: list[Intent]) -> None:
    assert recognise(message) == intents


def test_recognise_finds_several_intents_in_one_message() -> None:
    assert recognise("How is my weight trend and how many calories am I eating?") == [
        Intent.TREND,
        Intent.INTAKE,
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
    calls = {
        c.tool: c.args
        for c in tool_calls_for(
            "How has my weight moved over the last 3 days? And what is my TDEE?"
        )
    }
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


@pytest.mark.parametrize(
    ("message", "kcal"),
    [
        ("I'd like a 1,800 calorie plan", 1800),
        ("Make me a 1 800 kcal plan", 1800),
        ("A plan at 1.800 kcal please", 1800),
        ("Plan me 1.8k cals a day", 1800),
        ("Set up a 2k calorie plan", 2000),
        ("An eighteen hundred calorie plan", 1800),
        ("A plan of one thousand eight hundred and fifty calories", 1850),
        ("Give me a 2200-calorie plan", 2200),
        ("Make me a 12,000 kcal plan", None),  # out of the tool's 500-8000 range
    ],
)
def test_plan_calories_are_read_with_separators_multipliers_and_words(
    message: str, kcal: int | None
) -> None:
    (call,) = tool_calls_for(message)
    assert call.tool == "propose_plan"
    assert call.args.get("calories_kcal") == kcal


def test_plan_calories_in_kilojoules_are_converted_to_kcal() -> None:
    (call,) = tool_calls_for("Make me a 7,500 kJ plan")
    assert call.args["calories_kcal"] == round(7500 / 4.184)


@pytest.mark.parametrize(
    ("message", "weeks"),
    [
        ("a 12-week plan", 12),
        ("a plan for twelve weeks", 12),
        ("a plan for 3 months", round(3 * 52 / 12)),
    ],
)
def test_plan_duration_is_read_in_digits_words_and_months(message: str, weeks: int) -> None:
    (call,) = tool_calls_for(message)
    assert call.args["duration_weeks"] == weeks


def test_check_in_questions_call_recent_checkins() -> None:
    message = "Did I check in yesterday?"
    assert recognise(message) == [Intent.CHECKINS]
    assert [c.tool for c in tool_calls_for(message)] == ["get_recent_checkins"]


@pytest.mark.parametrize(
    "message",
    [
        "How often did I check in over the last 28 days?",
        "How many days have I checked in this month?",
    ],
)
def test_check_in_frequency_questions_call_adherence(message: str) -> None:
    # The adherence tool reports the check-in rate over the window.
    assert recognise(message) == [Intent.ADHERENCE]
    assert [c.tool for c in tool_calls_for(message)] == ["get_adherence"]


@pytest.mark.parametrize(
    ("message", "days"),
    [
        ("over the last twenty-eight days", 28),
        ("in the last couple of weeks", 14),
        ("the past four weeks", 28),
    ],
)
def test_requested_days_reads_counts_in_words(message: str, days: int) -> None:
    assert requested_days(message) == days
