"""propose_plan: a structured plan that passes the plan-stage safety policy."""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Final

from pydantic import BaseModel, Field

from persistence.enums import GoalType, PacePreference
from policies import Action, Decision, PlanChange, PlanProposal, PolicyProfile
from tools import policy_gate
from tools.data import ProfileData, load_profile
from tools.deps import ToolDeps
from tools.errors import DataErrorCode, ToolArgsError, ToolDataMissing
from tools.formulas import KCAL_PER_KG, macro_energy_kcal, macro_target
from tools.formulas.targets import FIBRE_G_PER_1000_KCAL, MAX_DEFICIT_KCAL, MIN_FAT_FRACTION
from tools.handlers._basis import load_energy_basis
from tools.handlers._common import RequestedWeeklyKg, ToolArgs, ToolResult, compute_targets

log = logging.getLogger(__name__)

DEFAULT_DURATION_WEEKS = 12
MAX_DURATION_WEEKS = 104
#: A plan is coherent when 4P + 4C + 9F is within this share of its calories (gram rounding
#: alone stays well inside it) ...
ENERGY_TOLERANCE: Final = 0.03
#: ... its fat is 20-35 % of energy (AMDR, IOM 2002; a little slack for rounding) ...
MAX_FAT_FRACTION: Final = 0.35
FAT_FRACTION_SLACK: Final = 0.005
#: ... and its fibre is within this share of 14 g per 1000 kcal.
FIBRE_TOLERANCE: Final = 0.10
MACRO_FIELDS: Final = ("protein_g", "carbs_g", "fat_g", "fiber_g")


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
    weekly_change_kg: RequestedWeeklyKg = None
    target_date: dt.date | None = Field(
        default=None,
        description="A deadline the user named (ISO date): the rate is the distance to the "
        "target weight over the weeks left.",
    )
    target_weight_kg: float | None = Field(
        default=None, ge=30, le=300, description="Target weight for a deadline, if not theirs."
    )
    protein_g: float | None = Field(
        default=None, ge=20, le=400, description="Daily protein the user asked for (g)."
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


class RequestChange(BaseModel):
    """A figure the user asked for that the plan does not keep: asked, proposed, why."""

    field: str
    requested: float | str
    proposed: float | str
    reason: str


class ProposePlanResult(ToolResult):
    """A plan that passed the safety policy, possibly adjusted."""

    status: str = Field(description="approved, or adjusted (see changes)")
    plan: PlanInfo
    original_plan: PlanInfo | None = Field(description="The draft before adjustment, if any.")
    changes: list[PlanChangeInfo]
    request_changes: list[RequestChange] = Field(
        default_factory=list,
        description="Figures the user asked for (rate, deadline, calories, protein) that the "
        "plan changed, with the reason: tell the user what they asked, what is proposed, why.",
    )
    violations: list[ViolationInfo]
    tdee_kcal: int
    tdee_basis: str = Field(
        default="formula",
        description="adaptive (measured from logs, the same figure as the targets) or formula.",
    )
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


def macro_problems(plan: PlanProposal) -> list[str]:
    """How the plan's macros fail to fit its calories (empty: coherent)."""
    calories = plan.calories_kcal
    if calories is None or calories <= 0:
        return ["no calories"]
    if plan.protein_g is None or plan.carbs_g is None or plan.fat_g is None:
        return ["macros missing"]
    problems: list[str] = []
    energy = macro_energy_kcal(protein_g=plan.protein_g, carbs_g=plan.carbs_g, fat_g=plan.fat_g)
    if abs(energy - calories) > ENERGY_TOLERANCE * calories:
        problems.append(f"macros give {energy:.0f} kcal for {calories:.0f} kcal")
    fat_share = plan.fat_g * 9.0 / calories
    low, high = MIN_FAT_FRACTION - FAT_FRACTION_SLACK, MAX_FAT_FRACTION + FAT_FRACTION_SLACK
    if not low <= fat_share <= high:
        problems.append(f"fat is {fat_share:.0%} of energy")
    if plan.carbs_g <= 0:
        problems.append("no carbohydrate")
    fibre = FIBRE_G_PER_1000_KCAL * calories / 1000.0
    if plan.fiber_g is None or abs(plan.fiber_g - fibre) > FIBRE_TOLERANCE * fibre:
        problems.append(f"fibre is not {FIBRE_G_PER_1000_KCAL:.0f} g per 1000 kcal")
    return problems


def _rebuilt(
    adjusted: PlanProposal, *, weight_kg: float, height_cm: float, goal: GoalType
) -> PlanProposal:
    """The adjusted plan's calories and rate with macros computed for those calories
    (protein by goal, at least what the policy set; fat >= 20 %; carbs the rest; fibre)."""
    assert adjusted.calories_kcal is not None
    m = macro_target(
        calories_kcal=adjusted.calories_kcal,
        weight_kg=weight_kg,
        height_cm=height_cm,
        goal=goal,
        min_protein_g=adjusted.protein_g,
    )
    return adjusted.model_copy(
        update={
            "protein_g": m.protein_g,
            "carbs_g": m.carbs_g,
            "fat_g": m.fat_g,
            "fiber_g": m.fibre_g,
        }
    )


def _restated(change: PlanChange, final: PlanProposal) -> PlanChangeInfo:
    """A policy change restated to the final plan's value: balancing calories and rate after
    the policy may move a field further than the policy did, and the change must say so."""
    value = getattr(final, change.field, None)
    if (
        not isinstance(value, float | int)
        or change.adjusted is None
        or (round(value, 2) == round(change.adjusted, 2))
    ):
        return PlanChangeInfo(
            field=change.field,
            original=change.original,
            adjusted=change.adjusted,
            reason=change.reason,
        )
    shown = f"{value:.0f} kcal" if change.field == "calories_kcal" else f"{value:+.2f} kg a week"
    return PlanChangeInfo(
        field=change.field,
        original=change.original,
        adjusted=float(value),
        reason=f"{change.reason}; then {shown} so calories and weekly change agree on your "
        "expenditure",
    )


def _macro_changes(
    draft: PlanProposal, final: PlanProposal, policy_changes: tuple[PlanChange, ...]
) -> list[PlanChangeInfo]:
    """The decision's changes, with the macro fields restated from the draft to the final
    plan (the policy's own reason kept when it changed that field itself, e.g. protein)."""
    reasons = {c.field: c.reason for c in policy_changes}
    calories = final.calories_kcal or 0.0
    out = [_restated(c, final) for c in policy_changes if c.field not in MACRO_FIELDS]
    for name in MACRO_FIELDS:
        before, after = getattr(draft, name), getattr(final, name)
        if before is None or after is None or round(before, 1) == round(after, 1):
            continue
        reason = reasons.get(name) if name == "protein_g" else None
        out.append(
            PlanChangeInfo(
                field=name,
                original=before,
                adjusted=after,
                reason=reason
                or (
                    f"recomputed for the adjusted {calories:.0f} kcal: protein by goal, fat at "
                    "least 20 % of energy, carbs the rest, fibre 14 g per 1000 kcal"
                ),
            )
        )
    return out


#: Calories and rate agree when the rate's energy is within this of the calories' deficit.
BALANCE_TOLERANCE_KCAL: Final = 15.0


def _energy_balanced(plan: PlanProposal, tdee_kcal: float) -> PlanProposal:
    """``plan`` with calories and weekly change that agree on ``tdee_kcal``.

    A policy that slows a too-fast rate may leave the calories of the faster one (or raise
    calories without touching the rate); the safer reading wins: the higher calories, and
    the rate they imply.
    """
    if plan.calories_kcal is None or plan.weekly_change_kg is None:
        return plan
    implied = tdee_kcal + plan.weekly_change_kg * KCAL_PER_KG / 7.0
    if abs(implied - plan.calories_kcal) <= BALANCE_TOLERANCE_KCAL:
        return plan
    calories = max(implied, plan.calories_kcal)
    weekly = (calories - tdee_kcal) * 7.0 / KCAL_PER_KG
    return plan.model_copy(update={"calories_kcal": calories, "weekly_change_kg": weekly})


def _final_plan(
    deps: ToolDeps,
    draft: PlanProposal,
    decision: Decision,
    profile: PolicyProfile,
    *,
    weight_kg: float,
    height_cm: float,
    goal: GoalType,
    tdee_kcal: float,
) -> tuple[PlanProposal, list[PlanChangeInfo]]:
    """The plan to return and its changes: the draft when approved, else the policy's
    adjusted plan with its calories and rate made to agree on the plan's expenditure and
    its macros recomputed when they no longer fit its calories."""
    if decision.action is not Action.ADJUST or decision.adjusted_plan is None:
        return draft, [
            PlanChangeInfo(field=c.field, original=c.original, adjusted=c.adjusted, reason=c.reason)
            for c in decision.changes
        ]
    final = _energy_balanced(decision.adjusted_plan, tdee_kcal)
    problems = macro_problems(final)
    if problems or final != decision.adjusted_plan:
        rebuilt = _rebuilt(final, weight_kg=weight_kg, height_cm=height_cm, goal=goal)
        # The rebuilt plan keeps the policy's calories and rate; check it again (nothing is
        # logged: the violations were) and keep it only when the policy lets it through.
        assert deps.policy is not None  # review_plan refuses to run without one
        if deps.policy.check_plan(rebuilt, profile).action is Action.ALLOW:
            final = rebuilt
        else:
            final = decision.adjusted_plan
            log.warning("propose_plan: rebuilt plan (%s) not allowed", "; ".join(problems))
    return final, _macro_changes(draft, final, decision.changes)


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


def _requested_rate(
    args: ProposePlanArgs, profile: ProfileData, weight: float | None, today: dt.date
) -> float | None:
    """The weekly change the request implies: named, or the deadline's (distance / weeks)."""
    if args.weekly_change_kg is not None:
        return args.weekly_change_kg
    if args.target_date is None:
        return None
    days = (args.target_date - today).days
    if days < 7:
        raise ToolArgsError(
            f"target_date: {args.target_date.isoformat()} is less than a week after today "
            f"({today.isoformat()}); ask for a date at least a week away"
        )
    target = args.target_weight_kg or profile.target_weight_kg
    if target is None:
        raise ToolDataMissing(
            DataErrorCode.NO_TARGET_WEIGHT,
            "a deadline needs a target weight; ask the user what weight they want to reach",
            fields=("target_weight_kg",),
        )
    if weight is None:
        return None  # compute_targets names the missing weigh-in
    return (target - weight) / (days / 7.0)


def _rate_reason(changes: dict[str, PlanChangeInfo]) -> str | None:
    rate = changes.get("weekly_change_kg")
    if rate is not None and rate.adjusted is not None:
        return f"the safe maximum for you is {abs(rate.adjusted):.2f} kg a week"
    return None


def _calorie_reason(changes: dict[str, PlanChangeInfo], adjustments: list[str]) -> str | None:
    calories = changes.get("calories_kcal")
    if calories is not None and calories.adjusted is not None and calories.original is not None:
        if calories.adjusted > calories.original:
            return (
                f"{calories.original:,.0f} kcal a day is below what is safe for you, so the "
                f"calories were raised to {calories.adjusted:,.0f}"
            )
        return (
            f"the calories were lowered to {calories.adjusted:,.0f}, at most your "
            "expenditure plus 20%"
        )
    # The floor is applied after the deficit cap, so when both fired the floor binds.
    if any("floor" in a for a in adjustments):
        return "the calories can't go below your calorie floor"
    if any("capped" in a for a in adjustments):
        return f"the daily deficit is capped at {MAX_DEFICIT_KCAL:,.0f} kcal"
    return None


def _change_reason(name: str, changes: list[PlanChangeInfo], adjustments: list[str]) -> str:
    """Why the plan does not keep the asked ``name``, in words that state no rate as advice."""
    by_field = {c.field: c for c in changes}
    rate, calories = _rate_reason(by_field), _calorie_reason(by_field, adjustments)
    ordered = [calories, rate] if name == "calories_kcal" else [rate, calories]
    protein = by_field.get("protein_g")
    if protein is not None and protein.adjusted is not None:
        raised = f"protein was raised to {protein.adjusted:.0f} g, the minimum for your weight"
        ordered.insert(0 if name == "protein_g" else len(ordered), raised)
    return next((r for r in ordered if r), "the plan was changed to keep it safe")


def _request_changes(
    args: ProposePlanArgs,
    requested_rate: float | None,
    plan: PlanInfo,
    changes: list[PlanChangeInfo],
    adjustments: list[str],
) -> list[RequestChange]:
    """What the plan changed of the user's own figures, each with the reason."""
    out: list[RequestChange] = []
    asked: list[tuple[str, float | None, float, float]] = [
        ("weekly_change_kg", requested_rate, plan.weekly_change_kg, 0.015),
        ("calories_kcal", args.calories_kcal, plan.calories_kcal, 1.0),
        ("protein_g", args.protein_g, plan.protein_g, 1.0),
    ]
    for name, requested, proposed, tolerance in asked:
        if requested is None or abs(requested - proposed) <= tolerance:
            continue
        out.append(
            RequestChange(
                field=name,
                requested=round(requested, 2),
                proposed=proposed,
                reason=_change_reason(name, changes, adjustments),
            )
        )
    if args.target_date is not None and out and out[0].field == "weekly_change_kg":
        out[0] = RequestChange(
            field="target_date",
            requested=args.target_date.isoformat(),
            proposed=f"{plan.duration_weeks} weeks at {abs(plan.weekly_change_kg):.2f} kg a week",
            reason=out[0].reason,
        )
    return out


async def propose_plan(deps: ToolDeps, args: ProposePlanArgs) -> ProposePlanResult:
    """Propose a structured nutrition plan (daily calories, protein/carbs/fat/fibre grams,
    weekly weight change, duration in weeks, rationale) for the user's goal, built on the
    same expenditure as calculate_targets (adaptive from the last 28 days of logs when there
    is enough data, else the formula). Pass what the user asked for: a weekly change, a
    deadline (target_date), calories or protein. The plan is checked by the safety policy
    before it is returned: an adjusted plan lists what changed and why (request_changes:
    asked vs proposed); an unsafe request is refused with the reason. Present the returned
    numbers, not your own."""
    today = deps.today()
    async with deps.session_factory() as session:
        profile = await load_profile(session, deps.user_id)
        basis, _ = await load_energy_basis(session, deps, profile)
    weight = basis.weight_kg
    requested_rate = _requested_rate(args, profile, weight, today)
    goal = args.goal_type
    if goal is None and requested_rate is not None and abs(requested_rate) >= 0.01:
        goal = GoalType.FAT_LOSS if requested_rate < 0 else GoalType.MUSCLE_GAIN
    rationale: list[str] = []
    adaptive = basis.kind == "adaptive"
    if not adaptive and basis.estimate.reason:
        rationale.append(f"expenditure not measured from data: {basis.estimate.reason}")
    targets = compute_targets(
        profile,
        weight_kg=weight,
        today=today,
        goal=goal,
        pace=args.pace,
        tdee_kcal=basis.tdee_kcal if adaptive else None,
        tdee_source=basis.source,
        tdee_basis=basis.kind,
        weekly_change_kg=requested_rate,
    )
    assert weight is not None and profile.height_cm is not None  # compute_targets checked
    rationale.append(f"TDEE {targets.tdee_kcal} kcal ({basis.source})")
    if requested_rate is not None:
        rationale.append(
            f"requested {requested_rate:+.2f} kg/week: {targets.calories_kcal} kcal "
            f"({targets.delta_kcal:+d} kcal/day)"
        )
    else:
        rationale.append(
            f"goal {targets.goal_type.value} at {targets.pace.value} pace: "
            f"{targets.calories_kcal} kcal ({targets.delta_kcal:+d} kcal/day)"
        )
    rationale.extend(targets.adjustments)
    calories = float(targets.calories_kcal)
    macros = targets.macros
    protein, carbs, fat, fibre = macros.protein_g, macros.carbs_g, macros.fat_g, macros.fibre_g
    if args.calories_kcal is not None or args.protein_g is not None:
        if args.calories_kcal is not None:
            calories = float(args.calories_kcal)
            rationale.append(f"calories set to the requested {args.calories_kcal} kcal")
        m = macro_target(
            calories_kcal=calories,
            weight_kg=weight,
            height_cm=profile.height_cm,
            goal=targets.goal_type,
            protein_g=args.protein_g,
        )
        protein, carbs, fat, fibre = m.protein_g, m.carbs_g, m.fat_g, m.fibre_g
        if args.protein_g is not None:
            rationale.append(f"protein set to the requested {args.protein_g:.0f} g")
    rationale.append(
        f"protein {targets.protein_g_per_kg} g/kg, fat >= 20 % of energy, carbs the rest, "
        "fibre 14 g per 1000 kcal"
    )
    weekly = (calories - targets.tdee_kcal) * 7.0 / KCAL_PER_KG
    distance = profile.target_weight_kg - weight if profile.target_weight_kg else None
    if args.target_weight_kg is not None:
        distance = args.target_weight_kg - weight
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
    final, changes = _final_plan(
        deps,
        draft,
        decision,
        policy_profile,
        weight_kg=weight,
        height_cm=profile.height_cm,
        goal=targets.goal_type,
        tdee_kcal=float(targets.tdee_kcal),
    )
    final_weekly = final.weekly_change_kg if final.weekly_change_kg is not None else weekly
    if args.duration_weeks is not None:
        duration = args.duration_weeks
    elif args.target_date is not None and final == draft:
        duration = max(1, min(MAX_DURATION_WEEKS, round((args.target_date - today).days / 7)))
    else:
        duration = _duration(distance, final_weekly)
    # Adjusted whenever the user's request (the draft) was changed, whatever changed it.
    adjusted = final != draft or bool(changes)
    plan_info = _plan_info(final, duration)
    return ProposePlanResult(
        status="adjusted" if adjusted else "approved",
        plan=plan_info,
        original_plan=_plan_info(draft, duration) if adjusted else None,
        changes=changes,
        request_changes=_request_changes(
            args, requested_rate, plan_info, changes, targets.adjustments
        ),
        violations=[
            ViolationInfo(type=v.type.value, severity=v.severity.value, explanation=v.explanation)
            for v in decision.violations
        ],
        tdee_kcal=targets.tdee_kcal,
        tdee_basis=basis.kind,
        tdee_source=basis.source,
        rationale=rationale,
    )
