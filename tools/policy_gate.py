"""The tools' side of the safety policies: tool-argument and plan checks, violation logs.

All calls into ``policies`` go through this module, so the rest of the package sees two
functions: :func:`check_tool_args` (before a call runs; may block or adjust the arguments)
and :func:`review_plan` (``propose_plan``'s plan-stage check). Violations are written with
``policies.record_violations`` in a short transaction of their own.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from persistence.enums import GoalType
from policies import Action, Decision, PlanProposal, PolicyProfile, record_violations
from tools.data import ProfileData, load_profile, load_weights
from tools.deps import ToolDeps
from tools.errors import ToolBlocked
from tools.handlers._common import WEIGHT_LOOKBACK_DAYS, current_weight

if TYPE_CHECKING:
    from tools.handlers._common import ToolArgs
    from tools.registry import ToolSpec

log = logging.getLogger(__name__)

REFUSING = frozenset({Action.BLOCK, Action.REFER})


def _refusal_message(tool: str, decision: Decision) -> str:
    reasons = "; ".join(v.explanation for v in decision.violations) or "a safety policy refused it"
    text = decision.message or reasons
    return f"{tool} was blocked by a safety policy: {text}. Do not retry with the same values."


async def record(deps: ToolDeps, decision: Decision, *, trigger: str | None) -> None:
    """Write the decision's violations (own transaction); logs instead of raising."""
    if not decision.violations:
        return
    try:
        async with deps.session_factory() as session:
            await record_violations(
                session,
                user_id=deps.user_id,
                session_id=deps.session_id,
                decision_or_violations=decision,
                trigger_text=trigger,
            )
            await session.commit()
    except Exception:
        log.exception("could not record %d policy violation(s)", len(decision.violations))


def policy_profile(
    profile: ProfileData, weight_kg: float | None, goal: GoalType | None = None
) -> PolicyProfile:
    """What the policy checks know about the user."""
    return PolicyProfile(
        sex=profile.sex,
        birth_year=profile.birth_year,
        height_cm=profile.height_cm,
        weight_kg=weight_kg,
        activity_level=profile.activity_level,
        goal_type=goal or profile.goal_type,
        target_weight_kg=profile.target_weight_kg,
        timezone=profile.timezone,
    )


async def _load_policy_profile(deps: ToolDeps) -> PolicyProfile:
    today = deps.today()
    async with deps.session_factory() as session:
        profile = await load_profile(session, deps.user_id)
        weights = await load_weights(
            session, deps.user_id, today - dt.timedelta(days=WEIGHT_LOOKBACK_DAYS - 1), today
        )
    return policy_profile(profile, current_weight(weights, today))


@dataclass(frozen=True, slots=True)
class GateResult:
    """The arguments to run with and what the policy changed in them (for the model)."""

    args: ToolArgs
    notes: list[str]


async def check_tool_args(deps: ToolDeps, spec: ToolSpec, args: ToolArgs) -> GateResult:
    """The arguments to run with: unchanged, adjusted by the policy, or ``ToolBlocked``.

    For a tool whose result is plan-checked (``spec.plan_checked``) the user's profile is
    loaded so the limits are the user's own; an adjustment there is left to the plan stage,
    which adjusts the whole plan consistently and reports the changes in the result.
    """
    if deps.policy is None:
        return GateResult(args, [])
    payload = args.model_dump(mode="json", exclude_none=True)
    profile = await _load_policy_profile(deps) if spec.plan_checked else None
    decision = deps.policy.check_tool_args(spec.name, payload, profile)
    if decision.action is Action.ALLOW:
        return GateResult(args, [])
    if decision.action is Action.ADJUST and spec.plan_checked:
        return GateResult(args, [])
    await record(deps, decision, trigger=f"{spec.name} {payload}")
    if decision.action in REFUSING:
        raise ToolBlocked(_refusal_message(spec.name, decision))
    if decision.adjusted_args is None:
        return GateResult(args, [])
    try:
        adjusted = spec.args_model.model_validate(decision.adjusted_args)
    except ValueError:
        raise ToolBlocked(_refusal_message(spec.name, decision)) from None
    notes = [decision.message] if decision.message else [c.reason for c in decision.changes]
    return GateResult(adjusted, notes)


async def review_plan(deps: ToolDeps, plan: PlanProposal, profile: PolicyProfile) -> Decision:
    """Run the plan-stage policy; refusals raise ``ToolBlocked``, violations are recorded.

    Without a policy engine on the deps no plan is returned at all.
    """
    if deps.policy is None:
        raise ToolBlocked(
            "propose_plan needs the plan safety policy, which is not configured; "
            "give general guidance instead of a numeric plan"
        )
    decision = deps.policy.check_plan(plan, profile)
    await record(deps, decision, trigger=plan.model_dump_json(exclude_none=True))
    if decision.action in REFUSING:
        raise ToolBlocked(_refusal_message("propose_plan", decision))
    return decision
