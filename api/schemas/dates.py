"""Dates as the API accepts them: ``YYYY-MM-DD`` only, and within plausible bounds for logs.

pydantic's ``date`` alone also reads ``2026-11-01T00:00`` (a date-time at midnight), Unix
timestamps and year 1 as dates; an API whose contract is ISO dates refuses them instead, as a
422 naming the field. Every day a user logs (check-ins, nutrition, photos) lies between
:data:`EARLIEST_DAY` and tomorrow (UTC: tomorrow somewhere on Earth is today for someone).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Final

from pydantic import AfterValidator, BeforeValidator

EARLIEST_DAY: Final = dt.date(1900, 1, 1)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_only(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # from Python callers
    raise ValueError("must be a date written YYYY-MM-DD (no time)")


def latest_day() -> dt.date:
    """The latest day a log may be for: tomorrow, in UTC."""
    return dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)


def _plausible(value: dt.date) -> dt.date:
    latest = latest_day()
    if not EARLIEST_DAY <= value <= latest:
        raise ValueError(f"must be a day from {EARLIEST_DAY} to today + 1 day ({latest})")
    return value


#: A date written ``YYYY-MM-DD`` (no time, no number).
IsoDate = Annotated[dt.date, BeforeValidator(_date_only)]
#: The day of a log entry: an :data:`IsoDate` from 1900-01-01 to tomorrow.
LogDay = Annotated[dt.date, BeforeValidator(_date_only), AfterValidator(_plausible)]

__all__ = ["EARLIEST_DAY", "IsoDate", "LogDay", "latest_day"]
