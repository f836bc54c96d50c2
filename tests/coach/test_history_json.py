"""Stored history as JSON text, and the user's facts read with the claim."""

from __future__ import annotations

import datetime as dt
import json

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)

from coach.history import (
    dump_messages,
    dump_messages_json,
    load_messages,
    load_messages_json,
    summary_message,
)
from coach.instructions import PinnedFacts
from persistence.enums import DietType, GoalType, PacePreference, Sex


def _turn() -> list[ModelMessage]:
    return [
        ModelRequest(parts=[UserPromptPart("how is my trend?")], instructions="secret rules"),
        ModelResponse(parts=[ToolCallPart("get_weight_trend", "{}", "c1")]),
        ModelRequest(parts=[ToolReturnPart("get_weight_trend", {"trend_kg": 81.5}, "c1")]),
        ModelResponse(parts=[TextPart("Your trend is 81.5 kg.")]),
    ]


def test_json_text_is_the_same_history_as_the_json_objects() -> None:
    messages = [summary_message("earlier"), *_turn()]
    text = dump_messages_json(messages)
    assert json.loads(text) == dump_messages(messages)  # summary and instructions left out
    back = load_messages_json(text)
    assert back == load_messages(dump_messages(messages))
    assert len(back) == 4
    assert all(m.instructions is None for m in back if isinstance(m, ModelRequest))
    assert back[2].parts[0].content == {"trend_kg": 81.5}  # type: ignore[union-attr]


def test_empty_history_loads_as_no_messages() -> None:
    assert load_messages_json("[]") == []
    assert load_messages_json(None) == []


def test_pinned_facts_from_values_read_enums_numbers_and_missing_rows() -> None:
    facts = PinnedFacts.from_values(
        {
            "display_name": "Ann",
            "sex": Sex.FEMALE,
            "birth_year": 1990,
            "height_cm": 165,
            "goal_type": GoalType.FAT_LOSS,
            "pace": PacePreference.SLOW,
            "target_weight_kg": 60,
            "target_date": dt.date(2026, 1, 1),
            "diet_type": DietType.VEGETARIAN,
            "allergies": ["peanuts"],
            "disliked_foods": None,
            "activity_level": None,
            "timezone": "Europe/London",
        },
        flags=("calorie_minimum",),
    )
    assert facts.sex == "female" and facts.goal_type == "fat_loss" and facts.pace == "slow"
    assert facts.height_cm == 165.0 and facts.target_weight_kg == 60.0
    assert facts.diet_type == "vegetarian" and facts.allergies == ("peanuts",)
    assert facts.disliked_foods == () and facts.activity_level is None
    assert facts.flags == ("calorie_minimum",)
    assert PinnedFacts.from_values(None) == PinnedFacts()
