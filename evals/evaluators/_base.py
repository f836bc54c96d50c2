"""Shared types and helpers of the evaluators."""

from __future__ import annotations

import re
from typing import Any

from pydantic_evals.evaluators import EvaluationReason, Evaluator, EvaluatorContext

from evals.models import CaseOutput, EvalInputs

Metadata = dict[str, Any]
Ctx = EvaluatorContext[EvalInputs, CaseOutput, Metadata]
CoachEvaluator = Evaluator[EvalInputs, CaseOutput, Metadata]

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(k\b)?", re.IGNORECASE)


def verdict(problems: list[str], ok: str = "ok") -> EvaluationReason:
    """An assertion that passes when there are no problems, the problems being its reason."""
    return EvaluationReason(value=not problems, reason="; ".join(problems) if problems else ok)


def numbers_in(text: str) -> list[float]:
    """Every number written in ``text``: ``1,850``, ``1850``, ``72.4``, ``1.8k``."""
    out: list[float] = []
    for match in _NUMBER.finditer(text):
        whole = match.group(1).replace(",", "")
        value = float(f"{whole}.{match.group(2)}" if match.group(2) else whole)
        if match.group(3):
            value *= 1000
        out.append(value)
    return out


def mentions(text: str, phrase: str) -> bool:
    """Case-insensitive containment, on word starts (``peanut`` matches ``peanuts``)."""
    return re.search(rf"(?<!\w){re.escape(phrase)}", text, re.IGNORECASE) is not None
