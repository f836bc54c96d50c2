"""get_weight_trend and get_goal_progress."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from persistence.enums import GoalType
from tools.data import load_profile, load_weights
from tools.deps import ToolDeps
from tools.errors import DataErrorCode, ToolDataMissing
from tools.formulas import (
    project_goal,
    trend_series,
    weekly_rate_kg,
    weigh_in_gaps,
    weight_slope_per_day,
)
from tools.handlers._common import TREND_WARMUP_DAYS, NoArgs, ToolArgs, ToolResult, window


class WeightTrendArgs(ToolArgs):
    """Window of the trend."""

    days: int = Field(default=28, ge=7, le=365, description="Days back from today (7-365).")


class TrendSample(BaseModel):
    """The trend on one day (weekly samples and the last day)."""

    date: dt.date
    trend_kg: float
    weight_kg: float | None


class GapInfo(BaseModel):
    """Consecutive days without a weigh-in."""

    start: dt.date
    end: dt.date
    days: int


class WeightTrendResult(ToolResult):
    """Trend weight (exponentially smoothed) and its rate of change."""

    start: dt.date
    end: dt.date
    weigh_ins: int
    first_weigh_in: dt.date | None
    last_weigh_in: dt.date | None
    trend_start_kg: float | None
    trend_end_kg: float | None
    total_change_kg: float | None = Field(description="Trend at the end minus at the start.")
    weekly_rate_kg: float | None = Field(
        description="Least-squares slope of the weigh-ins x 7 (negative: losing)."
    )
    period_days: int = Field(
        default=0, description="Days from the first to the last weigh-in, both included."
    )
    fit_start_kg: float | None = Field(
        default=None, description="The least-squares line at the first weigh-in."
    )
    fit_end_kg: float | None = Field(
        default=None, description="The line at the last weigh-in (fit_start_kg + fit_change_kg)."
    )
    fit_change_kg: float | None = Field(
        default=None,
        description="Change along the line over the weigh-ins' span: weekly_rate_kg x weeks. "
        "Quote these three with the rate: they agree, the smoothed trend lags on short data.",
    )
    gaps: list[GapInfo] = Field(description="Runs of 3+ days without a weigh-in.")
    series: list[TrendSample]
    note: str | None

    def audit_summary(self) -> str:
        """Numbers only."""
        return (
            f"{self.weigh_ins} weigh-ins, trend {self.trend_start_kg}->{self.trend_end_kg}, "
            f"rate {self.weekly_rate_kg} kg/wk, {len(self.gaps)} gaps"
        )


async def get_weight_trend(deps: ToolDeps, args: WeightTrendArgs) -> WeightTrendResult:
    """Get the user's trend weight over the last `days` days: the exponentially smoothed
    trend (which hides daily water swings), the weekly rate of change from a least-squares
    fit, the total change, the number of weigh-ins and gaps without weigh-ins. Prefer the
    trend over single weigh-ins when talking about progress."""
    today = deps.today()
    start, end = window(today, args.days)
    async with deps.session_factory() as session:
        # The trend is warmed up on the month before the window (same single range query).
        weights = await load_weights(
            session, deps.user_id, start - dt.timedelta(days=TREND_WARMUP_DAYS), end
        )
    in_window = {d: w for d, w in weights.items() if d >= start}
    if not in_window:
        return WeightTrendResult(
            start=start,
            end=end,
            weigh_ins=0,
            first_weigh_in=None,
            last_weigh_in=None,
            trend_start_kg=None,
            trend_end_kg=None,
            total_change_kg=None,
            weekly_rate_kg=None,
            gaps=[],
            series=[],
            note="no weigh-ins in this window",
        )
    points = [p for p in trend_series(weights, end=end) if p.date >= start]
    first = points[0]
    last = points[-1]
    samples = [p for i, p in enumerate(points) if i % 7 == 0]
    if samples[-1] is not last:
        samples.append(last)
    fit = weight_slope_per_day(in_window) if len(in_window) >= 2 else None
    rate = fit.slope * 7.0 if fit is not None else None
    span = (max(in_window) - min(in_window)).days
    fit_start = round(fit.intercept, 2) if fit is not None else None
    fit_change = round(fit.slope * span, 2) if fit is not None else None
    return WeightTrendResult(
        start=start,
        end=end,
        weigh_ins=len(in_window),
        first_weigh_in=min(in_window),
        last_weigh_in=max(in_window),
        trend_start_kg=round(first.trend_kg, 2),
        trend_end_kg=round(last.trend_kg, 2),
        total_change_kg=round(last.trend_kg - first.trend_kg, 2),
        weekly_rate_kg=round(rate, 3) if rate is not None else None,
        period_days=span + 1,
        fit_start_kg=fit_start,
        fit_end_kg=(
            round(fit_start + fit_change, 2)
            if fit_start is not None and fit_change is not None
            else None
        ),
        fit_change_kg=fit_change,
        gaps=[
            GapInfo(start=g.start, end=g.end, days=g.days) for g in weigh_in_gaps(list(in_window))
        ],
        series=[
            TrendSample(date=p.date, trend_kg=round(p.trend_kg, 2), weight_kg=p.weight_kg)
            for p in samples
        ],
        note=None if len(in_window) >= 2 else "one weigh-in only: no rate",
    )


#: Window of weigh-ins used for the current trend and rate in goal progress.
GOAL_RATE_DAYS = 28


class GoalProgressResult(ToolResult):
    """Where the user stands against their target weight."""

    goal_type: GoalType
    current_weight_kg: float = Field(description="Trend weight today.")
    target_weight_kg: float
    distance_kg: float = Field(description="Target minus current (negative: to lose).")
    direction: str
    weekly_rate_kg: float | None = Field(description="Current rate over the last 28 days.")
    moving_toward_target: bool
    weeks_to_target: float | None
    projected_date: dt.date | None = Field(description="At the current rate.")
    target_date: dt.date | None
    required_weekly_kg: float | None = Field(description="Rate needed to meet the target date.")
    safe_max_weekly_kg: float = Field(
        description="1 % of body weight per week for loss, 0.5 % for gain."
    )
    target_date_reachable_safely: bool | None
    note: str | None

    def audit_summary(self) -> str:
        """Numbers only."""
        return (
            f"distance {self.distance_kg} kg, rate {self.weekly_rate_kg}, projected "
            f"{self.projected_date}, reachable {self.target_date_reachable_safely}"
        )


async def get_goal_progress(deps: ToolDeps, args: NoArgs) -> GoalProgressResult:
    """Get progress toward the user's target weight: current trend weight, distance to the
    target, the rate over the last 28 days, the projected date at that rate, and whether the
    target date can be reached without exceeding a safe rate (loss <= 1 % of body weight per
    week, gain <= 0.5 %)."""
    today = deps.today()
    start, end = window(today, GOAL_RATE_DAYS)
    async with deps.session_factory() as session:
        profile = await load_profile(session, deps.user_id)
        weights = await load_weights(
            session, deps.user_id, start - dt.timedelta(days=TREND_WARMUP_DAYS), end
        )
    if profile.target_weight_kg is None:
        raise ToolDataMissing(
            DataErrorCode.NO_TARGET_WEIGHT,
            "the user has no target weight; ask for one before projecting",
            fields=("target_weight_kg",),
        )
    if not weights:
        raise ToolDataMissing(
            DataErrorCode.NOT_ENOUGH_DATA,
            f"no weigh-ins in the last {GOAL_RATE_DAYS + TREND_WARMUP_DAYS} days; ask the user "
            "to log their weight",
            fields=("weigh_ins",),
        )
    current = trend_series(weights, end=end)[-1].trend_kg
    recent = {d: w for d, w in weights.items() if d >= start}
    rate = weekly_rate_kg(recent) if len(recent) >= 2 else None
    p = project_goal(
        current_kg=current,
        target_kg=profile.target_weight_kg,
        weekly_rate_kg=rate,
        today=today,
        target_date=profile.target_date,
    )
    return GoalProgressResult(
        goal_type=profile.goal_type,
        current_weight_kg=round(current, 2),
        target_weight_kg=profile.target_weight_kg,
        distance_kg=round(p.distance_kg, 2),
        direction=p.direction,
        weekly_rate_kg=round(rate, 3) if rate is not None else None,
        moving_toward_target=p.moving_toward_target,
        weeks_to_target=round(p.weeks_to_target, 1) if p.weeks_to_target is not None else None,
        projected_date=p.projected_date,
        target_date=profile.target_date,
        required_weekly_kg=(
            round(p.required_weekly_kg, 3) if p.required_weekly_kg is not None else None
        ),
        safe_max_weekly_kg=round(p.safe_max_weekly_kg, 3),
        target_date_reachable_safely=p.target_date_reachable_safely,
        note=p.note,
    )
