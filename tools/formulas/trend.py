"""Trend weight and rate of change.

The trend is the Hacker's Diet exponential moving average
``T_d = T_{d-1} + 0.1 (W_d - T_{d-1})`` (John Walker, *The Hacker's Diet*, 1991). Days
without a weigh-in are filled by linear interpolation between the neighbouring weigh-ins;
after the last weigh-in the trend is carried forward. A missing day is never a zero.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

#: Smoothing factor of the Hacker's Diet trend (lag about like a 20-day moving average).
TREND_ALPHA: Final = 0.1


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One day of the trend: the trend value and the weigh-in of that day, if any."""

    date: dt.date
    trend_kg: float
    weight_kg: float | None


@dataclass(frozen=True, slots=True)
class LinearFit:
    """An ordinary least-squares line ``y = intercept + slope * x`` and its uncertainty."""

    slope: float
    intercept: float
    slope_stderr: float | None
    n: int


@dataclass(frozen=True, slots=True)
class Gap:
    """A run of consecutive days without a weigh-in, between two weigh-ins."""

    start: dt.date
    end: dt.date
    days: int


def trend_series(
    weigh_ins: Mapping[dt.date, float],
    *,
    end: dt.date | None = None,
    alpha: float = TREND_ALPHA,
) -> list[TrendPoint]:
    """Daily trend from the first weigh-in to ``end`` (default: the last weigh-in).

    Interpolates between weigh-ins and carries the trend forward after the last one.
    """
    if not weigh_ins:
        return []
    if not 0.0 < alpha <= 1.0:
        raise ValueError(f"alpha: must be in (0, 1], got {alpha}")
    days = sorted(weigh_ins)
    first, last = days[0], days[-1]
    stop = max(end or last, first)
    points: list[TrendPoint] = []
    trend = weigh_ins[first]
    nxt = 0  # index of the next weigh-in at or after the current day
    day = first
    while day <= stop:
        while nxt < len(days) and days[nxt] < day:
            nxt += 1
        observed = weigh_ins.get(day)
        if observed is not None:
            value: float | None = observed
        elif nxt < len(days):
            prev_day, next_day = days[nxt - 1], days[nxt]
            span = (next_day - prev_day).days
            frac = (day - prev_day).days / span
            value = weigh_ins[prev_day] + frac * (weigh_ins[next_day] - weigh_ins[prev_day])
        else:
            value = None  # after the last weigh-in: carry the trend forward
        if value is not None and day != first:
            trend += alpha * (value - trend)
        points.append(TrendPoint(date=day, trend_kg=trend, weight_kg=observed))
        day += dt.timedelta(days=1)
    return points


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> LinearFit | None:
    """Least-squares line through the points; ``None`` with fewer than two distinct x."""
    n = len(xs)
    if n != len(ys):
        raise ValueError("xs and ys must have the same length")
    if n < 2:
        return None
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0.0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    stderr: float | None = None
    if n > 2:
        rss = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
        stderr = (rss / (n - 2) / sxx) ** 0.5
    return LinearFit(slope=slope, intercept=intercept, slope_stderr=stderr, n=n)


def weight_slope_per_day(weigh_ins: Mapping[dt.date, float]) -> LinearFit | None:
    """Least-squares slope (kg/day) of the weigh-ins against the day number."""
    if not weigh_ins:
        return None
    origin = min(weigh_ins)
    days = sorted(weigh_ins)
    return linear_fit([float((d - origin).days) for d in days], [weigh_ins[d] for d in days])


def weekly_rate_kg(weigh_ins: Mapping[dt.date, float]) -> float | None:
    """Weekly rate of change: least-squares slope of the weigh-ins x 7 (DOMAIN.md)."""
    fit = weight_slope_per_day(weigh_ins)
    return None if fit is None else fit.slope * 7.0


def weigh_in_gaps(days: Sequence[dt.date], *, min_days: int = 3) -> list[Gap]:
    """Runs of at least ``min_days`` days without a weigh-in between two weigh-ins."""
    ordered = sorted(days)
    gaps: list[Gap] = []
    for before, after in itertools.pairwise(ordered):
        missing = (after - before).days - 1
        if missing >= min_days:
            gaps.append(
                Gap(
                    start=before + dt.timedelta(days=1),
                    end=after - dt.timedelta(days=1),
                    days=missing,
                )
            )
    return gaps
