"""propose_plan: a structured plan that passes the plan-stage safety policy."""

from __future__ import annotations

import datetime as dt
import math

from pydantic import BaseModel, Field

from persistence.enums import GoalType, PacePreference
from policies import Action, PlanProposal
from tools import policy_gate
from tools.data import load_nutrition, load_profile, load_weights
from tools.deps import ToolDeps
from tools.formulas import KCAL_PER_KG, estimate_tdee, macro_target
from tools.handlers._common import (
    WEIGHT_LOOKBACK_DAYS,
    ToolArgs,
    ToolResult,
    compute_targets,
    current_weight,
    window,
)
from tools.handlers.energy import formula_tdee

#: Window of the adaptive TDEE a plan is built on.
PLAN_DATA_DAYS = 28
DEFAULT_DURATION_WEEKS = 12
MAX_DURATION_WEEKS = 104


class ProposePlanArgs(ToolArgs):
    """Optional choices; by default the user's goal and pace and computed calories are used."""

    goal_type: GoalType | None = Field(default=None, description="Goal, if not the user's.")
    pace: PacePreference | None = Field(default=None, description="Pace, if not the user's.")
    calories_kcal: int | None = Field(
        default=None,
        ge=500,
        le=8000,
        description="Daily calories the user asked for (500-8000); checked for safety.",
    )
    duration_weeks: int | None = Field(
        default=None, ge=1, le=MAX_DURATION_WEEKS, description="Plan length in weeks (1-104)."
    )


class PlanInfo(BaseModel):
    """Daily targets of a plan."""

    calories_kcal: int
    protein_g: float
    carbs_g: float
    fat_g: float
    fiber_g: float
    weekly_change_kg: float = Field(description="Planned weekly weight change (negative: loss).")
    duration_weeks: int


class PlanChangeInfo(BaseModel):
    """A value the safety policy changed, and why."""

    field: str
    original: float | None
    adjusted: float | None
    reason: str


class ViolationInfo(BaseModel):
    """A safety rule the first draft broke."""

    type: str
    severity: str
    explanation: str


class ProposePlanResult(ToolResult):
    """A plan that passed the safety policy, possibly adjusted."""

    status: str = Field(description="approved, or adjusted (see changes)")
    plan: PlanInfo
    original_plan: PlanInfo | None = Field(description="The draft before adjustment, if any.")
    changes: list[PlanChangeInfo]
    violations: list[ViolationInfo]
    tdee_kcal: int
    tdee_source: str
    rationale: list[str]

    def audit_summary(self) -> str:
        """Numbers only."""
        p = self.plan
        return (
            f"{self.status}: {p.calories_kcal} kcal, P{p.protein_g:.0f} C{p.carbs_g:.0f} "
            f"F{p.fat_g:.0f}, {p.weekly_change_kg:+.2f} kg/wk x {p.duration_weeks} wk, "
            f"{len(self.changes)} changes"
        )


def _duration(distance_kg: float | None, weekly_change: float) -> int:
    if distance_kg is None or abs(weekly_change) < 0.01 or (distance_kg < 0) != (weekly_change < 0):
        return DEFAULT_DURATION_WEEKS
    return max(1, min(MAX_DURATION_WEEKS, math.ceil(abs(distance_kg / weekly_change))))


def _plan_info(p: PlanProposal, duration_weeks: int) -> PlanInfo:
    return PlanInfo(
        calories_kcal=round(p.calories_kcal or 0),
        protein_g=round(p.protein_g or 0.0, 1),
        carbs_g=round(p.carbs_g or 0.0, 1),
        fat_g=round(p.fat_g or 0.0, 1),
        fiber_g=round(p.fiber_g or 0.0, 1),
        weekly_change_kg=round(p.weekly_change_kg or 0.0, 2),
        duration_weeks=duration_weeks,
    )


async def propose_plan(deps: ToolDeps, args: ProposePlanArgs) -> ProposePlanResult:
    """Propose a structured nutrition plan (daily calories, protein/carbs/fat/fibre grams,
    weekly weight change, duration in weeks, rationale) for the user's goal, built on their
    measured expenditure when there is enough data. The plan is checked by the safety policy
    before it is returned: an adjusted plan lists what changed and why; an unsafe request is
    refused with the reason. Present the returned numbers, not your own."""
    today = deps.today()
    data_start, data_end = window(today, PLAN_DATA_DAYS)
    async with deps.session_factory() as session:
        profile = await load_profile(session, deps.user_id)
        weights = await load_weights(
            session, deps.user_id, today - dt.timedelta(days=WEIGHT_LOOKBACK_DAYS - 1), today
        )
        nutrition = await load_nutrition(session, deps.user_id, data_start, data_end)
    weight = current_weight(weights, today)
    recent = {d: w for d, w in weights.items() if d >= data_start}
    intake = {r.date: float(r.calories) for r in nutrition if r.calories is not None}
    prior = formula_tdee(profile, weight, today)
    est = estimate_tdee(
        weigh_ins=recent, intake_kcal=intake, start=data_start, end=data_end, prior_kcal=prior
    )
    rationale: list[str] = []
    tdee: float | None = None
    source = "Mifflin-St Jeor x activity multiplier"
    if est.updated_from_data and est.tdee_kcal is not None and est.confidence != "low":
        tdee = est.tdee_kcal
        source = f"adaptive estimate from the last {PLAN_DATA_DAYS} days ({est.confidence})"
    elif est.reason:
        rationale.append(f"expenditure not measured from data: {est.reason}")
    targets = compute_targets(
        profile,
        weight_kg=weight,
        today=today,
        goal=args.goal_type,
        pace=args.pace,
        tdee_kcal=tdee,
        tdee_source=source,
    )
    assert weight is not None and profile.height_cm is not None  # compute_targets checked
    rationale.append(f"TDEE {targets.tdee_kcal} kcal ({source})")
    rationale.append(
        f"goal {targets.goal_type.value} at {targets.pace.value} pace: "
        f"{targets.calories_kcal} kcal ({targets.delta_kcal:+d} kcal/day)"
    )
    rationale.extend(targets.adjustments)
    calories = float(targets.calories_kcal)
    macros = targets.macros
    protein, carbs, fat, fibre = macros.protein_g, macros.carbs_g, macros.fat_g, macros.fibre_g
    if args.calories_kcal is not None:
        calories = float(args.calories_kcal)
        m = macro_target(
            calories_kcal=calories,
            weight_kg=weight,
            height_cm=profile.height_cm,
            goal=targets.goal_type,
        )
        protein, carbs, fat, fibre = m.protein_g, m.carbs_g, m.fat_g, m.fibre_g
        rationale.append(f"calories set to the requested {args.calories_kcal} kcal")
    rationale.append(
        f"protein {targets.protein_g_per_kg} g/kg, fat >= 20 % of energy, carbs the rest, "
        "fibre 14 g per 1000 kcal"
    )
    weekly = (calories - targets.tdee_kcal) * 7.0 / KCAL_PER_KG
    distance = profile.target_weight_kg - weight if profile.target_weight_kg else None
    draft = PlanProposal(
        calories_kcal=calories,
        protein_g=protein,
        carbs_g=carbs,
        fat_g=fat,
        fiber_g=fibre,
        weekly_change_kg=weekly,
    )
    policy_profile = policy_gate.policy_profile(profile, weight, targets.goal_type)
    decision = await policy_gate.review_plan(deps, draft, policy_profile)
    final = draft
    if decision.action is Action.ADJUST and decision.adjusted_plan is not None:
        final = decision.adjusted_plan
    final_weekly = final.weekly_change_kg if final.weekly_change_kg is not None else weekly
    duration = args.duration_weeks or _duration(distance, final_weekly)
    adjusted = final is not draft
    return ProposePlanResult(
        status="adjusted" if adjusted else "approved",
        plan=_plan_info(final, duration),
        original_plan=_plan_info(draft, duration) if adjusted else None,
        changes=[
            PlanChangeInfo(field=c.field, original=c.original, adjusted=c.adjusted, reason=c.reason)
            for c in decision.changes
        ],
        violations=[
            ViolationInfo(type=v.type.value, severity=v.severity.value, explanation=v.explanation)
            for v in decision.violations
        ],
        tdee_kcal=targets.tdee_kcal,
        tdee_source=source,
        rationale=rationale,
    )
