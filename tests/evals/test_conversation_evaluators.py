"""The conversation suite's evaluators pass consistent conversations and name what is not."""

from __future__ import annotations

from typing import Any

from evals.evaluators import ConsistentNumbers, TurnTools
from evals.models import PlanRecord, ToolCallRecord
from tests.evals.conftest import make_output
from tests.evals.test_evaluators import call as base_call
from tests.evals.test_evaluators import turn

TREND_OK = (
    "Your trend weight (smoothed, it lags the scale by about a week) is 82.3 kg today. Your 7 "
    "weigh-ins in the last 28 days run from 23 Jun to 30 Jun (8 days); along their trend line "
    "your weight went from about 82.9 kg to 82.1 kg (-0.8 kg). That line is falling by about "
    "0.79 kg per week."
)


def call(tool: str, turn_index: int, status: str = "success", **args: Any) -> ToolCallRecord:
    return base_call(tool, status, **args).model_copy(update={"turn": turn_index})


def verdict(result: dict[str, Any], name: str) -> tuple[bool, str]:
    reason = result[name]
    return bool(reason.value), str(reason.reason)


def test_consistent_trend_passes(ctx_of: Any) -> None:
    result = ConsistentNumbers().evaluate(ctx_of(make_output(turns=[turn(TREND_OK)])))
    assert verdict(result, "ConsistentNumbers")[0]


def test_trend_whose_change_does_not_match_its_ends_fails(ctx_of: Any) -> None:
    bad = TREND_OK.replace("(-0.8 kg)", "(-0.3 kg)")
    ok, reason = verdict(
        ConsistentNumbers().evaluate(ctx_of(make_output(turns=[turn(bad)]))), "ConsistentNumbers"
    )
    assert not ok and "is not -0.3 kg" in reason


def test_trend_whose_rate_disagrees_with_its_change_fails(ctx_of: Any) -> None:
    bad = TREND_OK.replace("0.79 kg per week", "0.30 kg per week")
    ok, reason = verdict(
        ConsistentNumbers().evaluate(ctx_of(make_output(turns=[turn(bad)]))), "ConsistentNumbers"
    )
    assert not ok and "over 8 days" in reason


def test_trend_period_longer_than_its_window_fails(ctx_of: Any) -> None:
    bad = TREND_OK.replace("in the last 28 days", "in the last 7 days")
    ok, reason = verdict(
        ConsistentNumbers().evaluate(ctx_of(make_output(turns=[turn(bad)]))), "ConsistentNumbers"
    )
    assert not ok and "longer than the 7-day window" in reason


def test_two_expenditures_in_one_session_fail(ctx_of: Any) -> None:
    turns = [
        turn("Your BMR is about 1700 kcal and your TDEE about 2191 kcal a day."),
        turn("It's built on your expenditure of about 2294 kcal a day."),
    ]
    ok, reason = verdict(
        ConsistentNumbers().evaluate(ctx_of(make_output(turns=turns))), "ConsistentNumbers"
    )
    assert not ok and "['2191', '2294']" in reason


def test_raw_tool_text_in_a_reply_fails(ctx_of: Any) -> None:
    raw = 'I couldn\'t get your targets: {"error":"missing height_cm, birth_year"}.'
    ok, reason = verdict(
        ConsistentNumbers().evaluate(ctx_of(make_output(turns=[turn(raw)]))), "ConsistentNumbers"
    )
    assert not ok and "internal text" in reason


def test_changed_rate_must_be_stated_as_asked_vs_proposed(ctx_of: Any) -> None:
    plan = PlanRecord(turn=0, plan={"weekly_change_kg": -0.74}, adjusted=True, changes=[])
    calls = [call("propose_plan", 0, weekly_change_kg=-1.0)]
    silent = make_output(turns=[turn("Here's a plan: for -0.74 kg a week.")], plans=[plan],
                         tool_calls=calls)  # fmt: skip
    ok, reason = verdict(ConsistentNumbers().evaluate(ctx_of(silent)), "ConsistentNumbers")
    assert not ok and "asked -1.00 kg/week" in reason
    said = silent.model_copy(
        update={
            "turns": [
                turn(
                    "Here's a plan: for -0.74 kg a week. You asked to lose 1.00 kg a week, which "
                    "is too fast for you, so I've proposed 0.74 kg a week: a reason."
                )
            ]
        }
    )
    assert verdict(ConsistentNumbers().evaluate(ctx_of(said)), "ConsistentNumbers")[0]


def test_turn_tools_checks_each_turn_apart(ctx_of: Any) -> None:
    output = make_output(
        turns=[turn("a"), turn("b")],
        tool_calls=[
            call("calculate_targets", 0, status="failed"),
            call("get_weight_trend", 1, days=90),
        ],
    )
    good = TurnTools(
        turns=[
            {"tried": ["calculate_targets"], "must_not": ["get_nutrition_summary"]},
            {"must": ["get_weight_trend"], "args": {"get_weight_trend": {"days": 90}}},
        ]
    )
    assert verdict(good.evaluate(ctx_of(output)), "TurnTools")[0]
    wrong = TurnTools(turns=[{"must": ["calculate_targets"]}, {"none": True}])
    ok, reason = verdict(wrong.evaluate(ctx_of(output)), "TurnTools")
    assert not ok
    assert "turn 1: not called ['calculate_targets']" in reason
    assert "turn 2: expected no tool" in reason


def test_plan_whose_calories_and_rate_disagree_fails(ctx_of: Any) -> None:
    text = (
        "Here's a plan: 1754 kcal a day with about 165 g protein, for -0.82 kg a week over 9 "
        "weeks. It's built on your expenditure of about 2754 kcal a day."
    )
    ok, reason = verdict(
        ConsistentNumbers().evaluate(ctx_of(make_output(turns=[turn(text)]))), "ConsistentNumbers"
    )
    assert not ok and "is not -0.82 kg a week" in reason
    fixed = text.replace("1754", "1852")
    result = ConsistentNumbers().evaluate(ctx_of(make_output(turns=[turn(fixed)])))
    assert verdict(result, "ConsistentNumbers")[0]
