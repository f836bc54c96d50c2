"""The tools' side of the safety policies: tool-argument and plan checks, violation logs.

All calls into ``policies`` go through this module, so the rest of the package sees two
functions: :func:`check_tool_args` (before a call runs; may block or adjust the arguments)
and :func:`review_plan` (``propose_plan``'s plan-stage check). Violations are written with
``policies.record_violations`` in a short transaction of their own, or, when the caller
defers the audit (``ToolDeps.audit_deferred``), in the caller's transaction
(:func:`write_violations`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

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
    """Write the decision's violations (own transaction, or buffered for the caller's with
    ``ToolDeps.audit_deferred``) and note the decision on the deps for the client
    (``ToolDeps.policy_decisions``); logs instead of raising."""
    if not decision.violations:
        return
    deps.policy_decisions.append(decision)
    deps.pending_violations.append((decision, trigger))
    if not deps.audit_deferred:
        await flush_violations(deps)


async def write_violations(session: AsyncSession, deps: ToolDeps) -> int:
    """Add the buffered violations in the caller's transaction (no commit); returns how many
    decisions were written. They stay buffered until :func:`forget_violations`."""
    for decision, trigger in deps.pending_violations:
        await record_violations(
            session,
            user_id=deps.user_id,
            session_id=deps.session_id,
            decision_or_violations=decision,
            trigger_text=trigger,
        )
    return len(deps.pending_violations)


def forget_violations(deps: ToolDeps, count: int) -> None:
    """Drop the first ``count`` buffered decisions (written by a committed transaction)."""
    del deps.pending_violations[:count]


async def flush_violations(deps: ToolDeps) -> None:
    """Write the buffered violations in a transaction of their own; logs instead of raising."""
    if not deps.pending_violations:
        return
    try:
        async with deps.session_factory() as session:
            count = await write_violations(session, deps)
            await session.commit()
        forget_violations(deps, count)
    except Exception:
        log.exception("could not record %d policy decision(s)", len(deps.pending_violations))


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


async def user_policy_profile(deps: ToolDeps) -> PolicyProfile:
    """The user's profile for the checks: the deps' (set by the engine once per turn), else
    loaded from the database once and kept on the deps."""
    if deps.policy_profile is None:
        today = deps.today()
        async with deps.session_factory() as session:
            profile = await load_profile(session, deps.user_id)
            weights = await load_weights(
                session, deps.user_id, today - dt.timedelta(days=WEIGHT_LOOKBACK_DAYS - 1), today
            )
        deps.policy_profile = policy_profile(profile, current_weight(weights, today))
    return deps.policy_profile


@dataclass(frozen=True, slots=True)
class GateResult:
    """The arguments to run with and what the policy changed in them (for the model)."""

    args: ToolArgs
    notes: list[str]


async def check_tool_args(deps: ToolDeps, spec: ToolSpec, args: ToolArgs) -> GateResult:
    """The arguments to run with: unchanged, adjusted by the policy, or ``ToolBlocked``.

    The checks get the user's own profile (:func:`user_policy_profile`), so limits such
    as the calorie floor are the user's, not the stricter ones for an unknown sex: always
    for a plan-checked tool (``spec.plan_checked``, whose arguments are calorie targets),
    and for the other tools whenever the deps already carry it (no query just for them).
    An adjustment of a plan-checked tool's arguments is left to the plan stage, which
    adjusts the whole plan consistently and reports the changes in the result.
    """
    payload = args.model_dump(mode="json", exclude_none=True)
    if deps.policy is None or not payload:  # no arguments: nothing to check
        return GateResult(args, [])
    if spec.plan_checked or deps.policy_profile is not None:
        profile: PolicyProfile | None = await user_policy_profile(deps)
    else:
        profile = None
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
