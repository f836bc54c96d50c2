"""Calendar deadlines in free text, turned into horizons in weeks from today.

"from 82 to 70 by my wedding on June 3rd, it's April 20 now", "14 stone now, 12 by Christmas
Day", "Lose 15 lbs by 4th of July, today is June 1", "the cruise leaves on the 14th": a
loss needs its period, and the period is the date difference. Today is the date the message
states ("it's April 20 now", "today = 1 nov"), else the engine's clock (``Facts.today``).
A deadline already past this year is next year's. Patterns and holiday dates are data
(``policies/rules/data/units.yaml``); holidays that move (Memorial Day, Thanksgiving...)
are computed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re

from ..rules import load_table
from .reader import Period

#: (month, weekday, n): the n-th weekday of a month (n = -1: the last one).
_MOVING = {
    "memorial day": (5, calendar.MONDAY, -1),
    "labor day": (9, calendar.MONDAY, 1),
    "labour day": (9, calendar.MONDAY, 1),
    "thanksgiving": (11, calendar.THURSDAY, 4),
    "mothers day": (5, calendar.SUNDAY, 2),
    "fathers day": (6, calendar.SUNDAY, 3),
}


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    days = [
        d
        for d in calendar.Calendar().itermonthdates(year, month)
        if d.month == month and d.weekday() == weekday
    ]
    return days[n if n < 0 else n - 1]


class DateReader:
    """Compiled date patterns (built once per engine)."""

    def __init__(self) -> None:
        t = load_table("units")
        self._date = t.compile("date")
        self._today_before = t.compile("today_before")
        self._today_after = t.compile("today_after")
        self._deadline_before = t.compile("deadline_before")
        self._span_start_before = t.compile("span_start_before")
        self._span_gap = t.compile("span_gap")
        self._months = t.values("months")
        self._holidays = t.values("holidays")

    def horizons(self, text: str, clock_today: dt.date | None) -> list[Period]:
        """Deadlines in ``text`` as horizons (weeks from today), excluding today's own date."""
        stated: dt.date | None = None
        deadlines: list[tuple[re.Match[str], int, int]] = []
        dates = list(self._date.finditer(text))
        spans = self._spans(text, dates, clock_today)
        for m in dates:
            if any(start <= m.start() < end for _, start, end in spans):
                continue
            before = text[max(0, m.start() - 25) : m.start()]
            month_day = self._month_day(m)
            if month_day is None:
                continue
            if self._today_before.search(before) or self._today_after.match(text, m.end()):
                stated = self._on_or_after(clock_today, *month_day, stated_today=True)
            elif self._deadline_before.search(before) or m.group("hol"):
                deadlines.append((m, *month_day))
        today = stated or clock_today
        out = [Period(days / 7, False, start, end) for days, start, end in spans]
        if today is None:
            return out
        for m, month, day in deadlines:
            when = self._on_or_after(today, month, day)
            if when is None:
                continue
            days = (when - today).days
            if days > 0:
                out.append(Period(days / 7, False, m.start(), m.end()))
        return out

    def _spans(
        self, text: str, dates: list[re.Match[str]], clock_today: dt.date | None
    ) -> list[tuple[int, int, int]]:
        """Spans of two of the text's ``dates`` ("Between 3 March and 31 March"): days between
        them, start, end."""
        out: list[tuple[int, int, int]] = []
        for first, second in itertools.pairwise(dates):
            if not self._span_start_before.search(text, max(0, first.start() - 20), first.start()):
                continue
            if not self._span_gap.fullmatch(text, first.end(), second.start()):
                continue
            a, b = self._month_day(first), self._month_day(second)
            if a is None or b is None or a[0] <= 0 or b[0] <= 0:
                continue  # a holiday or a bare "the 14th": no span read
            start = self._on_or_after(clock_today, *a)
            end = self._on_or_after(start, *b)
            if start is not None and end is not None and (days := (end - start).days) > 0:
                out.append((days, first.start(), second.end()))
        return out

    def _month_day(self, m: re.Match[str]) -> tuple[int, int] | None:
        hol = m.group("hol")
        if hol:
            key = " ".join(hol.split())
            if key in _MOVING:
                return (-1, _MOVING_INDEX[key])
            code = self._holidays.get(key)
            return None if code is None else (int(code) // 100, int(code) % 100)
        if edge := m.group("emon") or m.group("mmon"):
            month = int(self._months[edge[:3]])
            # (the last day of a common year's month: a day early in a leap February)
            last = calendar.monthrange(2001, month)[1]
            return month, last if m.group("emon") else 15
        mon = m.group("mon") or m.group("mon2")
        day = m.group("day") or m.group("day2") or m.group("day3")
        if day is None:
            return None
        month = int(self._months[mon[:3]]) if mon else 0  # 0: the next such day of a month
        return month, int(day)

    @staticmethod
    def _on_or_after(
        today: dt.date | None, month: int, day: int, stated_today: bool = False
    ) -> dt.date | None:
        """The date ``month``/``day`` on or after ``today`` (``month`` 0: next month-day)."""
        base = today or dt.date(2000, 1, 1)
        year = base.year
        try:
            if month == -1:  # a moving holiday
                m_, weekday, n = _MOVING[_MOVING_KEYS[day]]
                when = _nth_weekday(year, m_, weekday, n)
                return when if when >= base else _nth_weekday(year + 1, m_, weekday, n)
            if month == 0:
                if stated_today or day >= base.day:
                    return base.replace(day=day)
                return _next_month(base, day)
            when = dt.date(year, month, day)
        except ValueError:
            return None
        if stated_today:
            return when
        return when if when >= base else when.replace(year=year + 1)


def _next_month(base: dt.date, day: int) -> dt.date:
    year, month = (base.year + 1, 1) if base.month == 12 else (base.year, base.month + 1)
    return dt.date(year, month, day)


_MOVING_KEYS = list(_MOVING)
_MOVING_INDEX = {k: i for i, k in enumerate(_MOVING_KEYS)}
