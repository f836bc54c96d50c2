"""The synthetic-user generator: deterministic, faithful to its model, seeded in bulk."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import CheckIn, NutritionDay, ProgressPhoto, UserProfile
from persistence.synthetic import SyntheticConfig, generate_user, seed_synthetic_user


def test_same_seed_same_user_and_different_seed_differs() -> None:
    config = SyntheticConfig(days=60)
    assert generate_user(config, seed=3) == generate_user(config, seed=3)
    assert generate_user(config, seed=3).checkins != generate_user(config, seed=4).checkins


def test_weight_follows_energy_balance_with_known_tdee() -> None:
    user = generate_user(SyntheticConfig(days=30, true_tdee_kcal=2500.0), seed=1)
    for day in range(29):
        change = user.true_mass_kg[day + 1] - user.true_mass_kg[day]
        balance = user.true_intake_kcal[day] - 2500.0
        assert change == pytest.approx(balance / 7700.0)
    assert user.true_tdee_between(user.start, user.end) == pytest.approx(2500.0)


def test_unlogged_days_per_week_and_missed_weigh_ins() -> None:
    user = generate_user(
        SyntheticConfig(days=70, unlogged_days_per_week=2, missed_weigh_in_rate=0.2), seed=9
    )
    logged = {n.date for n in user.nutrition}
    for week in range(10):
        days = {user.start + dt.timedelta(days=week * 7 + i) for i in range(7)}
        assert len(days - logged) == 2
    missed = sum(c.weight_kg is None for c in user.checkins)
    assert 0 < missed < 35


def test_bad_config_names_the_field() -> None:
    with pytest.raises(ValueError, match="unlogged_days_per_week"):
        SyntheticConfig(unlogged_days_per_week=8)


async def test_seed_inserts_every_row(db: AsyncSession) -> None:
    data = generate_user(SyntheticConfig(days=730), seed=5)
    user_id = await seed_synthetic_user(db, data, email="seeded@example.test")

    async def count(model: type) -> int:
        stmt = sa.select(sa.func.count()).select_from(model).where(model.user_id == user_id)  # type: ignore[attr-defined]
        return int((await db.execute(stmt)).scalar_one())

    assert await count(CheckIn) == 730
    assert await count(NutritionDay) == len(data.nutrition)
    assert await count(ProgressPhoto) == len(data.photos)
    assert await count(UserProfile) == 1
    stored = (
        await db.execute(
            sa.select(CheckIn.weight_kg).where(  # type: ignore[call-overload]
                CheckIn.user_id == user_id, CheckIn.date == data.start
            )
        )
    ).scalar_one()
    first = data.checkins[0].weight_kg
    assert (stored is None) == (first is None)
    if first is not None:
        assert float(stored) == pytest.approx(first)
