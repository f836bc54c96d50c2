"""Memory-suite evaluator: pinned facts and the last plan survive summarization."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic_evals.evaluators import EvaluationReason

from evals.bounds import number
from evals.evaluators._base import CoachEvaluator, Ctx, mentions, numbers_in, verdict


@dataclass(repr=False)
class Remembers(CoachEvaluator):
    """After a long session, the model still sees what matters.

    - ``summarized``: older turns were folded into the session's ``context_summary``;
    - ``pinned``: each phrase (goal, diet, allergies...) is in the last model request
      (instructions and messages);
    - ``plan``: the calories of the last proposed plan are in the last model request;
    - ``reply_plan``: the last reply states those calories (the user asked for them).
    """

    pinned: list[str] = field(default_factory=list)
    summarized: bool = True
    plan: bool = True
    reply_plan: bool = False

    def evaluate(self, ctx: Ctx) -> dict[str, EvaluationReason]:
        """Inspect the summary, the last request and the last reply."""
        out = ctx.output
        context = out.last_request_context or ""
        problems: list[str] = []
        if self.summarized and not (out.context_summary or "").strip():
            problems.append("no context_summary: the session was never summarized")
        if not context:
            problems.append("the last model request is unknown")
        missing = [p for p in self.pinned if not mentions(context, p)]
        if missing and context:
            problems.append(f"pinned facts missing from the last request: {missing}")
        plan_problems: list[str] = []
        if self.plan or self.reply_plan:
            calories = number(out.plans[-1].plan, "calories_kcal") if out.plans else None
            if calories is None:
                plan_problems.append("no plan was proposed in the session")
            else:
                if self.plan and calories not in numbers_in(context):
                    plan_problems.append(f"plan calories {calories:.0f} not in the last request")
                if self.reply_plan and calories not in numbers_in(out.last_reply):
                    plan_problems.append(f"plan calories {calories:.0f} not in the last reply")
        return {
            "Remembers": verdict(problems, "summary and pinned facts present"),
            "RemembersPlan": verdict(plan_problems, "the last plan survived"),
        }
