"""Independent reference computations and seeding helpers for the tools tests.

Everything here is written from the published definitions, not by calling ``tools``.
"""

from __future__ import annotations

import datetime as dt
import statistics
import uuid

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.repositories import ai_sessions
from persistence.synthetic import SyntheticConfig, SyntheticUser, generate_user, seed_synthetic_user
from tools.cache import MemoryToolCache, ToolCache
from tools.deps import FixedClock, ToolDeps

MULTIPLIER = {
    "sedentary": 1.2,
    "light": 1.375,
    "moderate": 1.55,
    "active": 1.725,
    "very_active": 1.9,
}


def ref_trend(weights: dict[dt.date, float], end: dt.date) -> float:
    """Hacker's Diet trend at ``end``: interpolate gaps, carry forward after the last."""
    days = sorted(weights)
    trend = weights[days[0]]
    day = days[0] + dt.timedelta(days=1)
    while day <= end:
        later = [d for d in days if d >= day]
        if later:
            nxt = later[0]
            prev = max(d for d in days if d < day) if nxt != day else day
            if nxt == day:
                w = weights[day]
            else:
                frac = (day - prev).days / (nxt - prev).days
                w = weights[prev] + frac * (weights[nxt] - weights[prev])
            trend = trend + 0.1 * (w - trend)
        day += dt.timedelta(days=1)
    return trend


def ref_weekly_rate(weights: dict[dt.date, float]) -> float:
    """Least-squares slope (statistics.linear_regression) x 7."""
    origin = min(weights)
    xs = [float((d - origin).days) for d in sorted(weights)]
    ys = [weights[d] for d in sorted(weights)]
    return statistics.linear_regression(xs, ys).slope * 7


def ref_mifflin(weight: float, height: float, age: int, sex: str) -> float:
    """Mifflin-St Jeor 1990."""
    base = 10 * weight + 6.25 * height - 5 * age
    return base + {"male": 5.0, "female": -161.0}.get(sex, -78.0)


def weights_of(user: SyntheticUser, start: dt.date, end: dt.date) -> dict[dt.date, float]:
    """Stored weigh-ins of the synthetic user between two dates."""
    return {
        c.date: c.weight_kg
        for c in user.checkins
        if c.weight_kg is not None and start <= c.date <= end
    }


async def seed(
    session_factory: async_sessionmaker[AsyncSession],
    config: SyntheticConfig | None = None,
    *,
    seed: int = 1,
) -> tuple[uuid.UUID, SyntheticUser]:
    """Generate and commit a synthetic user with a unique email."""
    data = generate_user(config or SyntheticConfig(days=120, weight_noise_sd_kg=0.3), seed=seed)
    async with session_factory() as session:
        user_id = await seed_synthetic_user(
            session, data, email=f"synthetic-{uuid.uuid4().hex[:10]}@example.test"
        )
        await session.commit()
    return user_id, data


async def make_deps(
    session_factory: async_sessionmaker[AsyncSession],
    user_id: uuid.UUID,
    today: dt.date,
    *,
    cache: ToolCache | None = None,
    with_session: bool = True,
    policy: object | None = None,
) -> ToolDeps:
    """Deps for ``user_id`` at noon on ``today``, audited under a fresh ai_session."""
    session_id = None
    if with_session:
        async with session_factory() as s:
            session_id = (await ai_sessions.create(s, user_id=user_id)).id
            await s.commit()
    return ToolDeps(
        user_id=user_id,
        session_id=session_id,
        session_factory=session_factory,
        cache=cache or MemoryToolCache(),
        clock=FixedClock.on(today),
        policy=policy,  # type: ignore[arg-type]
    )
