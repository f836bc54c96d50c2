"""Time windows: ``--since 7d`` or ``--from``/``--to``, resolved against a clock to UTC bounds."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from coach.audit.errors import InvalidAuditInput

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"(\d+)\s*([smhdw])")
#: Longer than any retention period (violation logs are kept a year): catches typos like 7000d.
MAX_DURATION = dt.timedelta(days=3660)


def parse_duration(text: str, *, field: str = "since") -> dt.timedelta:
    """``90m``, ``24h``, ``7d``, ``2w`` or combinations such as ``1d12h``."""
    cleaned = text.strip().lower()
    parts = _DURATION.findall(cleaned)
    if not cleaned or _DURATION.sub("", cleaned).strip():
        raise InvalidAuditInput(
            field, f"{text!r} is not a duration; use e.g. 90m, 24h, 7d, 2w or 1d12h"
        )
    seconds = sum(int(n) * _UNITS[unit] for n, unit in parts)
    if seconds <= 0:
        raise InvalidAuditInput(field, "the duration must be positive")
    duration = dt.timedelta(seconds=seconds)
    if duration > MAX_DURATION:
        raise InvalidAuditInput(field, f"the duration must be at most {MAX_DURATION.days}d")
    return duration


def parse_instant(text: str, *, field: str, upper: bool = False) -> dt.datetime:
    """An ISO date or date-time in UTC (naive values are UTC).

    A bare date as an upper bound means the end of that day, so ``--to 2026-11-20`` includes
    the 20th.
    """
    value = text.strip()
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
            return start + dt.timedelta(days=1) if upper else start
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidAuditInput(
            field, f"{text!r} is not an ISO date (2026-11-20) or date-time (2026-11-20T08:00Z)"
        ) from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """``start <= created_at < end``; a missing bound is open."""

    start: dt.datetime | None
    end: dt.datetime | None

    @classmethod
    def all_time(cls) -> TimeWindow:
        """No bounds at all."""
        return cls(start=None, end=None)


def resolve_window(
    *,
    since: str | None,
    from_: str | None,
    to: str | None,
    now: dt.datetime,
    default_since: str | None = "7d",
) -> TimeWindow:
    """The window the caller asked for; ``default_since`` applies when nothing is given."""
    if since is not None and (from_ is not None or to is not None):
        raise InvalidAuditInput("since", "give either since or from/to, not both")
    if since is None and from_ is None and to is None:
        if default_since is None:
            return TimeWindow.all_time()
        since = default_since
    if since is not None:
        return TimeWindow(start=now - parse_duration(since), end=None)
    start = parse_instant(from_, field="from") if from_ is not None else None
    end = parse_instant(to, field="to", upper=True) if to is not None else None
    if start is not None and end is not None and start >= end:
        raise InvalidAuditInput("to", "must be after from")
    return TimeWindow(start=start, end=end)
