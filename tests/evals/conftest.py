"""Helpers for the evals tests: hand-built case outputs and evaluator contexts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic_evals.evaluators import EvaluatorContext
from pydantic_evals.otel._errors import SpanTreeRecordingError

from evals.models import CaseOutput, EvalInputs, UserFacts, UserSpec
from persistence.enums import ActivityLevel, DietType, GoalType, PacePreference, Sex


def make_facts(**overrides: Any) -> UserFacts:
    """Plausible facts of a 35-year-old woman at 70 kg; override what a test needs."""
    values: dict[str, Any] = {
        "sex": Sex.FEMALE,
        "age": 35,
        "height_cm": 165.0,
        "activity": ActivityLevel.LIGHT,
        "goal": GoalType.FAT_LOSS,
        "pace": PacePreference.MODERATE,
        "diet": DietType.NONE,
        "allergies": (),
        "target_weight_kg": 63.0,
        "latest_weight_kg": 70.2,
        "trend_weight_kg": 70.0,
        "bmi": 25.7,
        "formula_tdee_kcal": 2000.0,
        "avg_calories_7d": 1849.6,
        "avg_protein_g_7d": 101.3,
        "days_logged_7d": 5,
        "avg_calories_28d": 1880.2,
        "days_logged_28d": 20,
        "weigh_ins_28d": 25,
        "checkins_28d": 28,
    }
    values.update(overrides)
    return UserFacts(**values)


def make_output(**overrides: Any) -> CaseOutput:
    """An empty successful run; override turns, tool calls, violations, plans..."""
    values: dict[str, Any] = {
        "facts": make_facts(),
        "turns": [],
        "tool_calls": [],
        "violations": [],
        "plans": [],
        "context_summary": None,
        "last_request_context": None,
        "session_status": "active",
        "message_count": 2,
        "tokens_used": 0,
        "input_tokens": 0,
        "output_tokens": 0,
    }
    values.update(overrides)
    return CaseOutput(**values)


def context(output: CaseOutput) -> EvaluatorContext[EvalInputs, CaseOutput, dict[str, Any]]:
    """An evaluator context around ``output``."""
    return EvaluatorContext(
        name="case",
        inputs=EvalInputs(user=UserSpec(seed=1), turns=("hello",)),
        metadata={},
        expected_output=None,
        output=output,
        duration=0.0,
        _span_tree=SpanTreeRecordingError("not recorded"),
        attributes={},
        metrics={},
    )


@pytest.fixture
def ctx_of() -> Any:
    """``ctx_of(output)``: an evaluator context."""
    return context
