"""Tools-suite evaluator: the right tools called, the wrong ones not, with the right args."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic_evals.evaluators import EvaluationReason

from evals.evaluators._base import CoachEvaluator, Ctx, verdict
from evals.models import ToolCallRecord


def arg_matches(actual: Any, expected: Any) -> bool:
    """Whether an argument matches its expectation.

    ``expected`` is a value (equal; numbers compare as numbers), a list (any of them), or a
    ``{min, max}`` mapping (an inclusive numeric range, either end optional).
    """
    if isinstance(expected, list):
        return any(arg_matches(actual, e) for e in expected)
    if isinstance(expected, dict) and set(expected) <= {"min", "max"} and expected:
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            return False
        low, high = expected.get("min"), expected.get("max")
        return (low is None or actual >= low) and (high is None or actual <= high)
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return (
            isinstance(actual, int | float)
            and not isinstance(actual, bool)
            and float(actual) == float(expected)
        )
    return bool(actual == expected)


def _call_matches(call: ToolCallRecord, expected: dict[str, Any]) -> bool:
    args = call.args or {}
    return all(arg_matches(args.get(key), value) for key, value in expected.items())


@dataclass(repr=False)
class ToolsCalled(CoachEvaluator):
    """``must`` tools ran successfully, ``must_not`` tools never ran, ``args`` matched.

    ``args`` maps a tool to its key arguments (see :func:`arg_matches`); one successful call
    of the tool must match them all. Missing arguments compare as ``None`` (the tool's
    default), so ``{days: [null, 7]}`` accepts the default or an explicit 7. Scores:
    ``tool_recall`` (share of ``must`` tools called) and ``tool_precision`` (share of calls
    that were not forbidden).
    """

    must: list[str] = field(default_factory=list)
    must_not: list[str] = field(default_factory=list)
    args: dict[str, dict[str, Any]] = field(default_factory=dict)

    def evaluate(self, ctx: Ctx) -> dict[str, EvaluationReason | float]:
        """Compare the audited calls with the expectation."""
        calls = ctx.output.tool_calls
        ok = [c for c in calls if c.status == "success"]
        called = {c.tool_name for c in ok}
        problems: list[str] = []
        missing = [t for t in self.must if t not in called]
        if missing:
            problems.append(f"not called: {missing} (called: {sorted(called) or 'none'})")
        forbidden = [c.tool_name for c in calls if c.tool_name in self.must_not]
        if forbidden:
            problems.append(f"called forbidden: {sorted(set(forbidden))}")
        for tool, expected in self.args.items():
            candidates = [c for c in ok if c.tool_name == tool]
            if candidates and not any(_call_matches(c, expected) for c in candidates):
                seen = [c.args for c in candidates]
                problems.append(f"{tool} args {seen} do not match {expected}")
        recall = (len(self.must) - len(missing)) / len(self.must) if self.must else 1.0
        precision = 1.0 - len(forbidden) / len(calls) if calls else 1.0
        return {
            "ToolsCalled": verdict(problems, f"called {sorted(called) or 'nothing'}"),
            "tool_recall": recall,
            "tool_precision": precision,
        }
