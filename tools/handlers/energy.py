"""calculate_targets and estimate_expenditure."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from persistence.enums import GoalType, PacePreference
from tools.data import load_profile
from tools.deps import ToolDeps
from tools.handlers._basis import load_energy_basis, missing_inputs
from tools.handlers._common import (
    RequestedWeeklyKg,
    TargetsResult,
    ToolArgs,
    ToolResult,
    compute_targets,
)


class CalculateTargetsArgs(ToolArgs):
    """Optional what-if overrides; by default the user's stored goal and weight are used."""

    weight_kg: float | None = Field(
        default=None, ge=20, le=500, description="Body weight to use instead of the trend (kg)."
    )
    goal_type: GoalType | None = Field(default=None, description="Goal to use instead of theirs.")
    pace: PacePreference | None = Field(default=None, description="Pace instead of theirs.")
    weekly_change_kg: RequestedWeeklyKg = None


async def calculate_targets(deps: ToolDeps, args: CalculateTargetsArgs) -> TargetsResult:
    """Calculate the user's energy needs and daily targets: BMR (Mifflin-St Jeor), TDEE
    (the adaptive estimate from the last 28 days of logs when there is enough data, else
    Mifflin-St Jeor x activity; `tdee_basis` says which, and plans use the same figure),
    target calories for the goal and pace or a requested weekly change (deficits capped at
    1000 kcal and never below the calorie floor of 1200 kcal for women / 1500 kcal
    otherwise), and macros: protein by goal in g/kg, fat at least 20 % of energy, carbs the
    rest, fibre 14 g per 1000 kcal. Every safety adjustment is listed."""
    today = deps.today()
    async with deps.session_factory() as session:
        profile = await load_profile(session, deps.user_id)
        basis, _ = await load_energy_basis(session, deps, profile)
    # A what-if weight gets the formula for that weight (the measured TDEE is today's).
    measured = args.weight_kg is None and basis.kind == "adaptive"
    return compute_targets(
        profile,
        weight_kg=args.weight_kg or basis.weight_kg,
        today=today,
        goal=args.goal_type,
        pace=args.pace,
        tdee_kcal=basis.tdee_kcal if measured else None,
        tdee_source=basis.source if measured else None,
        tdee_basis="adaptive" if measured else "formula",
        weekly_change_kg=args.weekly_change_kg,
    )


class EstimateExpenditureArgs(ToolArgs):
    """Window of the estimate."""

    days: int = Field(
        default=28, ge=14, le=90, description="Days of weigh-ins and food logs to use (14-90)."
    )


class ExpenditureResult(ToolResult):
    """Adaptive TDEE from weight change and logged intake, blended with the formula prior."""

    start: dt.date
    end: dt.date
    tdee_kcal: int | None
    tdee_basis: str = Field(
        description="adaptive (updated from the data) or formula (Mifflin-St Jeor x activity)."
    )
    low_kcal: int | None = Field(description="Lower end of the 95 % range.")
    high_kcal: int | None = Field(description="Upper end of the 95 % range.")
    confidence: str
    updated_from_data: bool
    reason: str | None = Field(description="Why the estimate was not updated from the data.")
    data_estimate_kcal: int | None
    data_weight: float = Field(description="Share of the data in the blend (0-1).")
    formula_estimate_kcal: int | None = Field(description="Mifflin-St Jeor x activity prior.")
    mean_logged_intake_kcal: int | None
    weight_slope_kg_per_week: float | None
    logged_days: int
    partial_days_excluded: int
    weigh_ins: int
    assumptions: list[str]

    def audit_summary(self) -> str:
        """Numbers only."""
        return (
            f"tdee {self.tdee_kcal} [{self.low_kcal},{self.high_kcal}] {self.confidence}, "
            f"updated {self.updated_from_data}, {self.logged_days} logged, "
            f"{self.weigh_ins} weigh-ins"
        )


def _r(value: float | None) -> int | None:
    return None if value is None else round(value)


async def estimate_expenditure(deps: ToolDeps, args: EstimateExpenditureArgs) -> ExpenditureResult:
    """Estimate the user's actual daily energy expenditure (adaptive TDEE) from their weight
    trend and logged intake over the last `days` days: mean logged intake minus the weight
    slope x 7700 kcal/kg, blended with the Mifflin-St Jeor x activity estimate. Unlogged days
    are excluded, never counted as zero. Returns a 95 % range and a confidence; with fewer
    than 4 logged days a week (or too few weigh-ins) it is not updated and says why."""
    async with deps.session_factory() as session:
        profile = await load_profile(session, deps.user_id)
        basis, _ = await load_energy_basis(session, deps, profile, days=args.days)
    if basis.tdee_kcal is None:
        raise missing_inputs(profile, basis.weight_kg)
    est = basis.estimate
    prior = basis.formula_kcal
    start, end = basis.start, basis.end
    slope = est.inputs.weight_slope_kg_per_week
    return ExpenditureResult(
        start=start,
        end=end,
        tdee_kcal=_r(basis.tdee_kcal),
        tdee_basis=basis.kind,
        low_kcal=_r(est.low_kcal),
        high_kcal=_r(est.high_kcal),
        confidence=est.confidence,
        updated_from_data=est.updated_from_data,
        reason=est.reason,
        data_estimate_kcal=_r(est.data_estimate_kcal),
        data_weight=round(est.data_weight, 3),
        formula_estimate_kcal=_r(prior),
        mean_logged_intake_kcal=_r(est.inputs.mean_logged_intake_kcal),
        weight_slope_kg_per_week=round(slope, 3) if slope is not None else None,
        logged_days=est.inputs.logged_days,
        partial_days_excluded=est.inputs.partial_days_excluded,
        weigh_ins=est.inputs.weigh_ins,
        assumptions=est.assumptions,
    )
