"""Progress toward a target weight: distance, projected date, safe-rate reachability.

Safe rates: loss at most 1 % of body weight per week (Helms 2014, JISSN 11:20); gain at
most 0.5 % per week (practitioner heuristic, DOMAIN.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

MAX_LOSS_FRACTION_PER_WEEK: Final = 0.01
MAX_GAIN_FRACTION_PER_WEEK: Final = 0.005
#: Within this distance the target counts as reached (daily water swings are larger).
AT_TARGET_KG: Final = 0.5
#: Slower than this the trend is flat and no date is projected.
MIN_RATE_KG_PER_WEEK: Final = 0.02

Direction = Literal["lose", "gain", "at_target"]


@dataclass(frozen=True, slots=True)
class GoalProjection:
    """Where the user stands against a target weight."""

    distance_kg: float
    direction: Direction
    moving_toward_target: bool
    weeks_to_target: float | None
    projected_date: dt.date | None
    safe_max_weekly_kg: float
    required_weekly_kg: float | None
    target_date_reachable_safely: bool | None
    note: str | None


def project_goal(
    *,
    current_kg: float,
    target_kg: float,
    weekly_rate_kg: float | None,
    today: dt.date,
    target_date: dt.date | None,
) -> GoalProjection:
    """Distance to the target, the date at the current trend, and whether the target date
    can be met without exceeding the safe weekly rate."""
    distance = target_kg - current_kg
    if abs(distance) <= AT_TARGET_KG:
        direction: Direction = "at_target"
    else:
        direction = "lose" if distance < 0 else "gain"
    fraction = MAX_LOSS_FRACTION_PER_WEEK if distance < 0 else MAX_GAIN_FRACTION_PER_WEEK
    safe_max = fraction * current_kg
    moving = (
        direction != "at_target"
        and weekly_rate_kg is not None
        and abs(weekly_rate_kg) >= MIN_RATE_KG_PER_WEEK
        and (weekly_rate_kg < 0) == (distance < 0)
    )
    weeks: float | None = None
    projected: dt.date | None = None
    if moving and weekly_rate_kg is not None:
        weeks = distance / weekly_rate_kg
        projected = today + dt.timedelta(days=round(weeks * 7.0))
    required: float | None = None
    reachable: bool | None = None
    note: str | None = None
    if direction == "at_target":
        note = "within 0.5 kg of the target weight"
    elif target_date is not None:
        days_left = (target_date - today).days
        if days_left <= 0:
            reachable = False
            note = "the target date has passed"
        else:
            required = distance / (days_left / 7.0)
            reachable = abs(required) <= safe_max
            if not reachable:
                note = (
                    f"needs {abs(required):.2f} kg/week, above the safe "
                    f"{safe_max:.2f} kg/week ({fraction:.1%} of body weight)"
                )
    return GoalProjection(
        distance_kg=distance,
        direction=direction,
        moving_toward_target=moving,
        weeks_to_target=weeks,
        projected_date=projected,
        safe_max_weekly_kg=safe_max,
        required_weekly_kg=required,
        target_date_reachable_safely=reachable,
        note=note,
    )
