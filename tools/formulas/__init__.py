"""Pure, typed formulas behind the tools (no I/O). Each module cites its sources."""

from tools.formulas.adherence import Streaks, rate, streaks
from tools.formulas.energy import (
    ACTIVITY_MULTIPLIERS,
    KCAL_PER_KG,
    BmrEstimate,
    age_from_birth_year,
    bmi,
    bmi_category,
    mifflin_st_jeor,
    tdee_from_activity,
    weight_at_bmi,
)
from tools.formulas.expenditure import ExpenditureEstimate, ExpenditureInputs, estimate_tdee
from tools.formulas.goal import GoalProjection, project_goal
from tools.formulas.targets import (
    CalorieTarget,
    MacroTarget,
    calorie_floor,
    calorie_target,
    deficit_refusal,
    macro_energy_kcal,
    macro_target,
)
from tools.formulas.trend import (
    Gap,
    LinearFit,
    TrendPoint,
    linear_fit,
    trend_series,
    weekly_rate_kg,
    weigh_in_gaps,
    weight_slope_per_day,
)

__all__ = [
    "ACTIVITY_MULTIPLIERS",
    "KCAL_PER_KG",
    "BmrEstimate",
    "CalorieTarget",
    "ExpenditureEstimate",
    "ExpenditureInputs",
    "Gap",
    "GoalProjection",
    "LinearFit",
    "MacroTarget",
    "Streaks",
    "TrendPoint",
    "age_from_birth_year",
    "bmi",
    "bmi_category",
    "calorie_floor",
    "calorie_target",
    "deficit_refusal",
    "estimate_tdee",
    "linear_fit",
    "macro_energy_kcal",
    "macro_target",
    "mifflin_st_jeor",
    "project_goal",
    "rate",
    "streaks",
    "tdee_from_activity",
    "trend_series",
    "weekly_rate_kg",
    "weigh_in_gaps",
    "weight_at_bmi",
    "weight_slope_per_day",
]
