"""Adaptive energy expenditure from logged intake and body-weight change.

``TDEE = mean logged intake - weight slope (kg/day) x 7700`` over a window (the method
MacroFactor describes publicly; energy density per Hall 2008, Int J Obes 32:573). Two
refinements keep it honest on noisy data:

- the weight slope is fitted on weigh-ins corrected for day-to-day deviations of logged
  intake from its mean (an energy-balance regression); unlogged days are *excluded* from the
  mean and contribute no deviation, i.e. they are assumed average, never 0 kcal;
- the data estimate is blended with the Mifflin-St Jeor x activity prior by precision
  (prior SD 10 %: Mifflin is within ±10 % of measured RMR in most adults, Frankenfield 2005,
  J Am Diet Assoc 105:775), which gives a range and a confidence.

With fewer than four logged days a week, or too few weigh-ins, the estimate is not updated
from the data and the result says why.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from tools.formulas.energy import KCAL_PER_KG

MIN_LOGGED_DAYS_PER_WEEK: Final = 4.0
MIN_WEIGH_INS: Final = 6
MIN_WEIGH_IN_SPAN_DAYS: Final = 10
PRIOR_RELATIVE_SD: Final = 0.10
#: Floor of the residual SD of weigh-ins (kg): scales and hydration never do better, so a
#: lucky straight line must not claim more precision than this.
MIN_RESIDUAL_SD_KG: Final = 0.15
#: Logged days under this fraction of the median logged intake look partial and are skipped.
PARTIAL_DAY_FRACTION: Final = 0.5
Z_95: Final = 1.96

Confidence = Literal["high", "medium", "low", "none"]


@dataclass(frozen=True, slots=True)
class ExpenditureInputs:
    """What the estimate was computed from."""

    window_days: int
    logged_days: int
    partial_days_excluded: int
    weigh_ins: int
    mean_logged_intake_kcal: float | None
    weight_slope_kg_per_week: float | None


@dataclass(frozen=True, slots=True)
class ExpenditureEstimate:
    """Adaptive TDEE with its range, the data behind it and why it was (not) updated."""

    tdee_kcal: float | None
    low_kcal: float | None
    high_kcal: float | None
    confidence: Confidence
    updated_from_data: bool
    reason: str | None
    data_estimate_kcal: float | None
    data_weight: float
    prior_kcal: float | None
    inputs: ExpenditureInputs
    assumptions: list[str] = field(default_factory=list)


def _confidence(sd: float) -> Confidence:
    if sd <= 75.0:
        return "high"
    if sd <= 150.0:
        return "medium"
    return "low"


def _prior_only(prior: float | None, reason: str, inputs: ExpenditureInputs) -> ExpenditureEstimate:
    if prior is None:
        return ExpenditureEstimate(
            tdee_kcal=None,
            low_kcal=None,
            high_kcal=None,
            confidence="none",
            updated_from_data=False,
            reason=reason + "; no profile-based estimate either (height, birth year or weight "
            "missing)",
            data_estimate_kcal=None,
            data_weight=0.0,
            prior_kcal=None,
            inputs=inputs,
        )
    sd = prior * PRIOR_RELATIVE_SD
    return ExpenditureEstimate(
        tdee_kcal=prior,
        low_kcal=prior - Z_95 * sd,
        high_kcal=prior + Z_95 * sd,
        confidence=_confidence(sd),
        updated_from_data=False,
        reason=reason + "; showing the Mifflin-St Jeor x activity estimate instead",
        data_estimate_kcal=None,
        data_weight=0.0,
        prior_kcal=prior,
        inputs=inputs,
    )


def estimate_tdee(
    *,
    weigh_ins: Mapping[dt.date, float],
    intake_kcal: Mapping[dt.date, float],
    start: dt.date,
    end: dt.date,
    prior_kcal: float | None,
) -> ExpenditureEstimate:
    """Adaptive TDEE over ``start..end`` (inclusive) from weigh-ins and logged intake.

    ``intake_kcal`` holds logged days only; days absent from it are unlogged and excluded.
    ``prior_kcal`` is Mifflin-St Jeor x activity, or ``None`` when the profile is incomplete.
    """
    if end < start:
        raise ValueError(f"end: {end} is before start {start}")
    window_days = (end - start).days + 1
    weights = {d: w for d, w in weigh_ins.items() if start <= d <= end}
    logged_all = {d: c for d, c in intake_kcal.items() if start <= d <= end and c > 0}
    median = statistics.median(logged_all.values()) if logged_all else 0.0
    logged = {d: c for d, c in logged_all.items() if c >= PARTIAL_DAY_FRACTION * median}
    inputs = ExpenditureInputs(
        window_days=window_days,
        logged_days=len(logged),
        partial_days_excluded=len(logged_all) - len(logged),
        weigh_ins=len(weights),
        mean_logged_intake_kcal=statistics.fmean(logged.values()) if logged else None,
        weight_slope_kg_per_week=None,
    )
    per_week = len(logged) / window_days * 7.0
    if per_week < MIN_LOGGED_DAYS_PER_WEEK:
        return _prior_only(
            prior_kcal,
            f"only {len(logged)} logged days in {window_days} ({per_week:.1f}/week); "
            f"at least {MIN_LOGGED_DAYS_PER_WEEK:.0f}/week are needed to update the estimate",
            inputs,
        )
    span = (max(weights) - min(weights)).days if weights else 0
    if len(weights) < MIN_WEIGH_INS or span < MIN_WEIGH_IN_SPAN_DAYS:
        return _prior_only(
            prior_kcal,
            f"only {len(weights)} weigh-ins spanning {span} days; at least {MIN_WEIGH_INS} "
            f"spanning {MIN_WEIGH_IN_SPAN_DAYS} days are needed",
            inputs,
        )

    mean_intake = statistics.fmean(logged.values())
    # Cumulative deviation of logged intake from its mean before each day; unlogged days
    # (and partial ones) add nothing, i.e. they are taken as average days.
    cumulative: dict[dt.date, float] = {}
    running = 0.0
    for offset in range(window_days):
        day = start + dt.timedelta(days=offset)
        cumulative[day] = running
        if day in logged:
            running += logged[day] - mean_intake
    days = sorted(weights)
    xs = [float((d - start).days) for d in days]
    ys = [weights[d] - cumulative[d] / KCAL_PER_KG for d in days]
    n = len(xs)
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    residuals = [y - mean_y - slope * (x - mean_x) for x, y in zip(xs, ys, strict=True)]
    resid_sd = (sum(r * r for r in residuals) / (n - 2)) ** 0.5
    slope_se = max(resid_sd, MIN_RESIDUAL_SD_KG) / sxx**0.5
    data_est = mean_intake - slope * KCAL_PER_KG
    # Unlogged days are taken as average; their real deviations add an error of about
    # sqrt(unlogged) x intake SD spread over the window.
    unlogged = window_days - len(logged)
    intake_sd = statistics.stdev(logged.values()) if len(logged) > 1 else 0.0
    unlogged_sd = (unlogged**0.5) * intake_sd / window_days
    data_sd = ((slope_se * KCAL_PER_KG) ** 2 + unlogged_sd**2) ** 0.5
    inputs = replace(inputs, weight_slope_kg_per_week=slope * 7.0)

    if prior_kcal is None:
        estimate, sd, weight = data_est, data_sd, 1.0
    else:
        prior_sd = prior_kcal * PRIOR_RELATIVE_SD
        data_precision, prior_precision = 1.0 / data_sd**2, 1.0 / prior_sd**2
        weight = data_precision / (data_precision + prior_precision)
        estimate = weight * data_est + (1.0 - weight) * prior_kcal
        sd = (data_precision + prior_precision) ** -0.5
    return ExpenditureEstimate(
        tdee_kcal=estimate,
        low_kcal=estimate - Z_95 * sd,
        high_kcal=estimate + Z_95 * sd,
        confidence=_confidence(sd),
        updated_from_data=True,
        reason=None,
        data_estimate_kcal=data_est,
        data_weight=weight,
        prior_kcal=prior_kcal,
        assumptions=[
            "7700 kcal per kg of weight change (fat-only rule; overstates for lean people "
            "and long windows, Hall 2008)",
            "unlogged days are excluded and assumed average, never 0 kcal",
            "logged intake is taken as accurate; systematic under-logging lowers the estimate",
        ],
        inputs=inputs,
    )
