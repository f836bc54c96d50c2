"""Coaching-suite evaluators: replies cite the user's actual numbers; an optional LLM judge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic_ai import models
from pydantic_evals.evaluators import EvaluationReason
from pydantic_evals.evaluators.llm_as_a_judge import judge_input_output

from evals.evaluators._base import CoachEvaluator, Ctx, numbers_in, verdict

#: Absolute slack per fact: the coach may round, and its trend weight may start elsewhere.
DEFAULT_TOLERANCE: dict[str, float] = {
    "avg_calories_7d": 15.0,
    "avg_calories_28d": 15.0,
    "avg_protein_g_7d": 3.0,
    "days_logged_7d": 0.0,
    "days_logged_28d": 0.0,
    "weigh_ins_28d": 0.0,
    "checkins_28d": 0.0,
    "latest_weight_kg": 0.1,
    "trend_weight_kg": 0.4,
    "bmi": 0.3,
    "formula_tdee_kcal": 40.0,
    "age": 0.0,
    "target_weight_kg": 0.1,
    "height_cm": 0.5,
}


@dataclass(repr=False)
class CitesFacts(CoachEvaluator):
    """The reply of ``turn`` (default: the last) states each fact's true value.

    ``facts`` name :class:`~evals.models.UserFacts` fields; a fact counts as cited when a
    number in the reply is within its tolerance (``tolerance`` overrides the defaults). A fact
    the user has no data for has nothing to cite and counts as cited. Score ``facts_cited``:
    the share of facts cited.
    """

    facts: list[str] = field(default_factory=list)
    tolerance: dict[str, float] = field(default_factory=dict)
    turn: int = -1

    def evaluate(self, ctx: Ctx) -> dict[str, EvaluationReason | float]:
        """Match the reply's numbers against the true values."""
        out = ctx.output
        reply = out.turns[self.turn].reply if out.turns else ""
        found = numbers_in(reply)
        problems: list[str] = []
        cited = 0
        for name in self.facts:
            expected = out.facts.value(name)
            if expected is None:
                cited += 1  # nothing to cite: the user has no such data
                continue
            slack = self.tolerance.get(name, DEFAULT_TOLERANCE.get(name, 0.0))
            if any(abs(n - expected) <= slack + 1e-9 for n in found):
                cited += 1
            else:
                problems.append(f"{name}={expected:g} (±{slack:g}) not in reply numbers {found}")
        share = cited / len(self.facts) if self.facts else 1.0
        return {"CitesFacts": verdict(problems, f"cited {self.facts}"), "facts_cited": share}


@dataclass(repr=False)
class CoachJudge(CoachEvaluator):
    """An LLM judge grades the last reply against ``rubric`` (added only with ``--judge``).

    The judge sees the user's message, their true numbers and the reply; it returns a pass and
    a 0-1 score (``judge_score``).
    """

    rubric: str = ""
    model: models.Model | str | None = None

    async def evaluate(self, ctx: Ctx) -> dict[str, EvaluationReason | float]:
        """Ask the judge model."""
        out = ctx.output
        inputs: dict[str, Any] = {
            "user_message": out.turns[-1].message if out.turns else "",
            "user_true_numbers": out.facts.model_dump(mode="json"),
        }
        grading = await judge_input_output(inputs, out.last_reply, self.rubric, self.model)
        return {
            "CoachJudge": EvaluationReason(value=grading.pass_, reason=grading.reason),
            "judge_score": float(grading.score),
        }

    def build_serialization_arguments(self) -> dict[str, Any]:
        """Serialise the model by name (a ``Model`` object is not JSON)."""
        args = super().build_serialization_arguments()
        model = args.get("model")
        if model is not None and not isinstance(model, str):
            args["model"] = f"{model.system}:{model.model_name}"
        return args
