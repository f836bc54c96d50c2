"""What a plan or target request asks for, read from the message."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from coach.offline_args import plan_args, requested_deadline, targets_args

TODAY = dt.date(2025, 6, 30)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Propose a plan to lose 0.5 kg a week", {"weekly_change_kg": -0.5}),
        ("Propose a plan to lose 1 kg a week", {"weekly_change_kg": -1.0}),
        ("Build me a plan to lose a pound a week", {"weekly_change_kg": -0.45}),
        ("a plan for half a kilo a week", {"weekly_change_kg": -0.5}),
        ("I want to gain 0.25 kg per week", {"weekly_change_kg": 0.25}),
        ("Help me lose 4 kg in 8 weeks", {"weekly_change_kg": -0.5, "duration_weeks": 8}),
        ("Lose 5 kg by the end of August", {"weekly_change_kg": -0.56, "duration_weeks": 9}),
        (
            "I want to be 75 kg by the end of September",
            {"target_weight_kg": 75.0, "target_date": "2025-09-30"},
        ),
        ("Make me a plan at 1,800 calories with 150 g of protein", {"calories_kcal": 1800}),
        ("Make me a plan with 150 g of protein", {"protein_g": 150.0}),
    ],
)
def test_plan_args_carry_what_was_asked(message: str, expected: dict[str, Any]) -> None:
    args = plan_args(message, TODAY)
    assert {k: args.get(k) for k in expected} == expected


def test_a_named_rate_replaces_the_pace_word() -> None:
    assert "pace" not in plan_args("a slow plan at 0.3 kg a week", TODAY)
    assert plan_args("a slow plan", TODAY)["pace"] == "slow"


def test_targets_args_take_the_requested_rate() -> None:
    assert (
        targets_args("How many calories to lose 0.5 kg a week?", TODAY)["weekly_change_kg"] == -0.5
    )
    assert "weekly_change_kg" not in targets_args("What should my calories be?", TODAY)


@pytest.mark.parametrize(
    ("message", "date"),
    [
        ("by 2025-09-20", dt.date(2025, 9, 20)),
        ("by the end of August", dt.date(2025, 8, 31)),
        ("before August 15", dt.date(2025, 8, 15)),
        ("by 3rd of March", dt.date(2026, 3, 3)),
        ("by June", dt.date(2026, 6, 1)),
        ("no date here", None),
    ],
)
def test_deadlines_resolve_against_today(message: str, date: dt.date | None) -> None:
    assert requested_deadline(message, TODAY) == date
