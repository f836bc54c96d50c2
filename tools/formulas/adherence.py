"""Adherence: streaks of active days and rates over a window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Streaks:
    """The current and longest runs of consecutive active days in a window."""

    current: int
    longest: int


def streaks(active: Collection[dt.date], *, start: dt.date, end: dt.date) -> Streaks:
    """Consecutive-day streaks within ``start..end``.

    The current streak ends on ``end``, or on the day before when ``end`` itself is not
    active yet (today is not over), so a user who logs in the evening keeps their streak.
    """
    if end < start:
        raise ValueError(f"end: {end} is before start {start}")
    days = {d for d in active if start <= d <= end}
    longest = run = 0
    day = start
    while day <= end:
        run = run + 1 if day in days else 0
        longest = max(longest, run)
        day += dt.timedelta(days=1)
    current = 0
    day = end if end in days else end - dt.timedelta(days=1)
    while day >= start and day in days:
        current += 1
        day -= dt.timedelta(days=1)
    return Streaks(current=current, longest=longest)


def rate(count: int, days: int) -> float:
    """Fraction of ``days`` with an entry, in [0, 1]."""
    if days <= 0:
        raise ValueError(f"days: must be positive, got {days}")
    return min(count, days) / days
