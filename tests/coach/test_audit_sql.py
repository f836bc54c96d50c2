"""The audit's SQL helpers agree with the PostgreSQL functions they stand in for."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from coach.audit.sql import day_of

TZ = sa.DateTime(timezone=True)
PARIS = dt.timezone(dt.timedelta(hours=2))
INSTANTS = [
    dt.datetime(2026, 11, 27, 0, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 27, 23, 59, 59, 999_999, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, 1, 30, tzinfo=PARIS),  # the previous UTC day
    dt.datetime(2000, 1, 1, 0, 0, tzinfo=dt.UTC),  # the origin of date_bin
    dt.datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC),  # just before it
    dt.datetime(1970, 1, 1, 12, 0, tzinfo=dt.UTC),
    dt.datetime(2400, 2, 29, 18, 0, tzinfo=dt.UTC),  # the audit tests seed far-future days
]


@pytest.mark.parametrize("session_zone", ["UTC", "America/New_York", "Asia/Kolkata"])
async def test_day_of_is_the_utc_midnight_of_date_trunc(
    db: AsyncSession, session_zone: str
) -> None:
    await db.execute(sa.select(sa.func.set_config("TimeZone", session_zone, True)))
    for at in INSTANTS:
        value = sa.literal(at, TZ)
        ours, trunc = (
            await db.execute(sa.select(day_of(value), sa.func.date_trunc("day", value, "UTC")))
        ).one()
        midnight = dt.datetime.combine(at.astimezone(dt.UTC).date(), dt.time(), dt.UTC)
        assert ours == trunc == midnight, at
