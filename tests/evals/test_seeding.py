"""Seeding a case's synthetic user on real PostgreSQL, and the user's true numbers."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from evals.models import EvalInputs, TurnBlock, UserSpec
from evals.seeding import EVAL_TODAY, generate, seed_user, user_facts
from persistence.enums import DietType, GoalType, Sex
from persistence.models import CheckIn, DietPreferences, NutritionDay, User, UserProfile


def test_generation_is_deterministic_per_seed() -> None:
    spec = UserSpec(seed=42, days=35, sex=Sex.FEMALE)
    assert generate(spec) == generate(spec)
    assert generate(spec) != generate(UserSpec(seed=43, days=35, sex=Sex.FEMALE))


def test_spec_fields_reach_the_generated_user() -> None:
    spec = UserSpec(seed=7, age=40, height_cm=170, weight_kg=80, goal=GoalType.MUSCLE_GAIN)
    data = generate(spec)
    assert data.profile.birth_year == EVAL_TODAY.year - 40
    assert data.profile.height_cm == 170
    assert data.goal.goal_type is GoalType.MUSCLE_GAIN
    assert data.end == EVAL_TODAY


async def test_seed_user_writes_rows_and_preferences(db: AsyncSession) -> None:
    spec = UserSpec(seed=11, days=21, diet=DietType.VEGAN, allergies=("soy", "sesame"))
    data = generate(spec)
    user_id = await seed_user(db, spec, data)
    checkins = (
        await db.execute(sa.select(sa.func.count()).where(CheckIn.user_id == user_id))
    ).scalar_one()
    prefs = (
        await db.execute(sa.select(DietPreferences).where(DietPreferences.user_id == user_id))
    ).scalar_one()
    assert checkins == 21
    assert prefs.diet_type is DietType.VEGAN and prefs.allergies == ["soy", "sesame"]
    profile = (
        await db.execute(sa.select(UserProfile).where(UserProfile.user_id == user_id))
    ).scalar_one()
    assert profile.birth_year == data.profile.birth_year


async def test_the_same_spec_twice_gives_two_distinct_users(db: AsyncSession) -> None:
    spec = UserSpec(seed=12, days=7)
    first = await seed_user(db, spec, generate(spec))
    second = await seed_user(db, spec, generate(spec))
    emails = (await db.execute(sa.select(User.email).where(User.id.in_([first, second])))).all()  # type: ignore[attr-defined]
    assert first != second and len({e for (e,) in emails}) == 2


async def test_days_zero_seeds_no_daily_rows(db: AsyncSession) -> None:
    spec = UserSpec(seed=13, days=0)
    user_id = await seed_user(db, spec, generate(spec))
    for model in (CheckIn, NutritionDay):
        count = (
            await db.execute(sa.select(sa.func.count()).where(model.user_id == user_id))  # type: ignore[attr-defined]
        ).scalar_one()
        assert count == 0
    facts = user_facts(spec, generate(spec))
    assert facts.avg_calories_7d is None and facts.trend_weight_kg is None


async def test_facts_match_sql_over_the_seeded_rows(db: AsyncSession) -> None:
    spec = UserSpec(seed=14, days=40, unlogged_days_per_week=3, missed_weigh_in_rate=0.2)
    data = generate(spec)
    facts = user_facts(spec, data)
    user_id = await seed_user(db, spec, data)
    week = EVAL_TODAY - dt.timedelta(days=6)
    month = EVAL_TODAY - dt.timedelta(days=27)
    n = NutritionDay.__table__.c  # type: ignore[attr-defined]
    c = CheckIn.__table__.c  # type: ignore[attr-defined]
    avg7, count7 = (
        await db.execute(
            sa.select(sa.func.avg(n.calories), sa.func.count()).where(
                n.user_id == user_id, n.date >= week
            )
        )
    ).one()
    protein7 = (
        await db.execute(
            sa.select(sa.func.avg(n.protein_g)).where(n.user_id == user_id, n.date >= week)
        )
    ).scalar_one()
    weigh_ins, checkins = (
        await db.execute(
            sa.select(sa.func.count(c.weight_kg), sa.func.count()).where(
                c.user_id == user_id, c.date >= month
            )
        )
    ).one()
    assert facts.days_logged_7d == count7
    assert abs(facts.avg_calories_7d - float(avg7)) <= 0.05  # type: ignore[operator]
    assert abs(facts.avg_protein_g_7d - float(protein7)) <= 0.06  # type: ignore[operator]
    assert (facts.weigh_ins_28d, facts.checkins_28d) == (weigh_ins, checkins)
    latest = (
        await db.execute(
            sa.select(c.weight_kg)
            .where(c.user_id == user_id, c.weight_kg.is_not(None))
            .order_by(c.date.desc())
            .limit(1)
        )
    ).scalar_one()
    assert facts.latest_weight_kg == float(latest)


def test_trend_weight_follows_the_hackers_diet_recurrence() -> None:
    spec = UserSpec(seed=15, days=10, missed_weigh_in_rate=0.0)
    data = generate(spec)
    trend = None
    for checkin in data.checkins:  # a weigh-in every day: no interpolation needed
        assert checkin.weight_kg is not None
        trend = checkin.weight_kg if trend is None else trend + 0.1 * (checkin.weight_kg - trend)
    assert trend is not None
    assert user_facts(spec, data).trend_weight_kg == round(trend, 2)


def test_turn_blocks_expand_in_order() -> None:
    inputs = EvalInputs(
        user=UserSpec(seed=1),
        turns=("first", TurnBlock(cycle=("a", "b"), count=5), "last"),
    )
    assert inputs.messages() == ["first", "a", "b", "a", "b", "a", "last"]
