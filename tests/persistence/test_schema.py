"""The migrated database enforces the spec: checks, uniques, enums, defaults, triggers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import ALL_MODELS, User, table_of

MakeUser = Callable[..., Awaitable[User]]

# (table, column, lowest allowed, highest allowed, step just outside)
RANGES: list[tuple[str, str, Any, Any, Any]] = [
    ("user_profile", "height_cm", 50, 300, 0.01),
    ("user_profile", "birth_year", 1900, 2100, 1),
    ("user_goal", "target_weight_kg", 20, 500, 0.01),
    ("diet_preferences", "meals_per_day", 1, 10, 1),
    ("check_in", "weight_kg", 20, 500, 0.01),
    ("check_in", "energy_level", 1, 10, 1),
    ("check_in", "sleep_quality", 1, 10, 1),
    ("check_in", "mood", 1, 10, 1),
    ("check_in", "adherence_score", 0, 1, 0.01),
]

DATED = {"check_in", "nutrition_day", "progress_photo"}


async def _insert(db: AsyncSession, table: str, user_id: uuid.UUID, **values: Any) -> None:
    if table in DATED:
        values.setdefault("date", sa.func.current_date())
    if table == "progress_photo":
        values.setdefault("s3_key", f"photos/{user_id}/{uuid.uuid4()}.jpg")
    stmt = sa.insert(sa.table(table, *(sa.column(k) for k in ("user_id", *values)))).values(
        user_id=user_id, **values
    )
    await db.execute(stmt)


async def _rejects(db: AsyncSession, coro: Awaitable[None]) -> bool:
    savepoint = await db.begin_nested()
    try:
        await coro
    except (IntegrityError, DBAPIError):
        await savepoint.rollback()
        return True
    await savepoint.rollback()
    return False


@pytest.mark.parametrize(("table", "column", "low", "high", "step"), RANGES)
async def test_check_constraint_accepts_bounds_and_rejects_just_outside(
    db: AsyncSession, make_user: MakeUser, table: str, column: str, low: Any, high: Any, step: Any
) -> None:
    user = await make_user()
    # Each bound in its own row where the table allows one row per user.
    for value in (low, high):
        assert not await _rejects(db, _insert(db, table, user.id, **{column: value}))
    for value in (low - step, high + step):
        assert await _rejects(db, _insert(db, table, user.id, **{column: value}))


async def test_check_constraints_are_named_in_the_database(db: AsyncSession) -> None:
    names = set(
        (
            await db.execute(sa.text("SELECT conname FROM pg_constraint WHERE contype = 'c'"))
        ).scalars()
    )
    for table, column, *_ in RANGES:
        assert f"ck_{table}_{column}_range" in names


@pytest.mark.parametrize("table", ["check_in", "nutrition_day"])
async def test_one_row_per_user_and_date(db: AsyncSession, make_user: MakeUser, table: str) -> None:
    user, other = await make_user(), await make_user()
    await _insert(db, table, user.id, date=sa.text("DATE '2026-01-01'"))
    assert await _rejects(db, _insert(db, table, user.id, date=sa.text("DATE '2026-01-01'")))
    # Another user and another date are fine.
    assert not await _rejects(db, _insert(db, table, other.id, date=sa.text("DATE '2026-01-01'")))
    assert not await _rejects(db, _insert(db, table, user.id, date=sa.text("DATE '2026-01-02'")))


@pytest.mark.parametrize("table", ["user_profile", "user_goal", "diet_preferences"])
async def test_at_most_one_row_per_user(db: AsyncSession, make_user: MakeUser, table: str) -> None:
    user = await make_user()
    await _insert(db, table, user.id)
    assert await _rejects(db, _insert(db, table, user.id))


async def test_email_and_s3_key_are_unique(db: AsyncSession, make_user: MakeUser) -> None:
    user = await make_user(email="same@example.com")
    assert await _rejects(db, make_user(email="same@example.com"))
    await _insert(db, "progress_photo", user.id, s3_key="photos/x/1.jpg")
    assert await _rejects(db, _insert(db, "progress_photo", user.id, s3_key="photos/x/1.jpg"))


async def test_nutrition_source_is_limited_to_spec_values(
    db: AsyncSession, make_user: MakeUser
) -> None:
    user = await make_user()
    assert await _rejects(db, _insert(db, "nutrition_day", user.id, source="fitbit"))
    assert not await _rejects(db, _insert(db, "nutrition_day", user.id, source="mfp_import"))


async def test_server_defaults_apply_to_raw_inserts(db: AsyncSession) -> None:
    user_id = (
        await db.execute(
            sa.text(
                "INSERT INTO \"user\" (email, hashed_password) VALUES ('raw@example.com', 'x') "
                "RETURNING id"
            )
        )
    ).scalar_one()
    user = (await db.execute(sa.text('SELECT * FROM "user" WHERE id = :id'), {"id": user_id})).one()
    assert isinstance(user.id, uuid.UUID) and user.id.version == 4
    assert (user.is_active, user.is_verified) == (True, False)
    assert user.created_at is not None and user.updated_at is not None

    for table in ("user_profile", "user_goal", "diet_preferences", "ai_session"):
        await db.execute(sa.text(f"INSERT INTO {table} (user_id) VALUES (:u)"), {"u": user_id})
    await _insert(db, "nutrition_day", user_id)
    await _insert(db, "progress_photo", user_id)

    async def row(table: str) -> Any:
        return (
            await db.execute(sa.text(f"SELECT * FROM {table} WHERE user_id = :u"), {"u": user_id})
        ).one()

    assert (await row("user_profile")).timezone == "UTC"
    goal = await row("user_goal")
    assert (goal.goal_type, goal.pace_preference) == ("maintenance", "moderate")
    prefs = await row("diet_preferences")
    assert (prefs.diet_type, prefs.allergies, prefs.disliked_foods, prefs.meals_per_day) == (
        "none",
        [],
        [],
        3,
    )
    assert (await row("nutrition_day")).source == "manual"
    assert (await row("progress_photo")).visibility == "private"
    session = await row("ai_session")
    assert (session.status, session.message_count, session.tokens_used, session.model_tier) == (
        "active",
        0,
        0,
        "standard",
    )
    assert session.started_at is not None and session.last_message_at is not None
    await db.execute(
        sa.text(
            "INSERT INTO ai_tool_call_log (session_id, user_id, tool_name, tool_category, "
            "input_hash) VALUES (:s, :u, 't', 'internal', 'h')"
        ),
        {"s": session.id, "u": user_id},
    )
    log = await row("ai_tool_call_log")
    assert (log.status, log.latency_ms, log.cached) == ("success", 0, False)


async def test_enums_store_lowercase_values(db: AsyncSession, make_user: MakeUser) -> None:
    from persistence.enums import ActivityLevel, GoalType, Sex
    from persistence.repositories import profiles

    user = await make_user()
    await profiles.update_profile(
        db,
        user_id=user.id,
        values={"sex": Sex.PREFER_NOT_TO_SAY, "activity_level": ActivityLevel.VERY_ACTIVE},
    )
    await profiles.update_goal(db, user_id=user.id, values={"goal_type": GoalType.FAT_LOSS})
    raw = (
        await db.execute(
            sa.text(
                "SELECT p.sex::text, p.activity_level::text, g.goal_type::text "
                "FROM user_profile p JOIN user_goal g USING (user_id) WHERE p.user_id = :u"
            ),
            {"u": user.id},
        )
    ).one()
    assert tuple(raw) == ("prefer_not_to_say", "very_active", "fat_loss")
    labels = (
        (
            await db.execute(
                sa.text(
                    "SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
                    "WHERE t.typname = 'goal_type' ORDER BY e.enumsortorder"
                )
            )
        )
        .scalars()
        .all()
    )
    assert labels == [g.value for g in GoalType]


async def test_updated_at_moves_on_raw_and_orm_updates(
    db: AsyncSession, make_user: MakeUser
) -> None:
    user = await make_user()
    before = user.updated_at
    await asyncio.sleep(0.01)
    await db.execute(sa.text('UPDATE "user" SET is_verified = true WHERE id = :u'), {"u": user.id})
    after_raw = (
        await db.execute(sa.text('SELECT updated_at FROM "user" WHERE id = :u'), {"u": user.id})
    ).scalar_one()
    assert before is not None and after_raw > before
    await db.refresh(user)
    await asyncio.sleep(0.01)
    user.is_active = False
    await db.flush()
    await db.refresh(user)
    assert user.updated_at is not None and user.updated_at > after_raw
    assert user.created_at is not None and user.created_at <= before


async def test_deleting_a_user_removes_every_owned_row(
    db: AsyncSession, make_user: MakeUser
) -> None:
    user, bystander = await make_user(), await make_user()
    for owner in (user, bystander):
        for table in (
            "user_profile",
            "user_goal",
            "diet_preferences",
            "check_in",
            "nutrition_day",
            "progress_photo",
        ):
            await _insert(db, table, owner.id)
        await db.execute(
            sa.text(
                "INSERT INTO refresh_token (user_id, token_hash, expires_at) "
                "VALUES (:u, md5(random()::text), now())"
            ),
            {"u": owner.id},
        )
        session_id = (
            await db.execute(
                sa.text("INSERT INTO ai_session (user_id) VALUES (:u) RETURNING id"),
                {"u": owner.id},
            )
        ).scalar_one()
        await db.execute(
            sa.text(
                "INSERT INTO ai_tool_call_log (session_id, user_id, tool_name, tool_category, "
                "input_hash) VALUES (:s, :u, 't', 'internal', 'h')"
            ),
            {"s": session_id, "u": owner.id},
        )
        await db.execute(
            sa.text(
                "INSERT INTO ai_policy_violation_log (session_id, user_id, violation_type, "
                "severity, action_taken) VALUES (:s, :u, 'medical_claim', 'warning', 'refer')"
            ),
            {"s": session_id, "u": owner.id},
        )

    await db.execute(sa.text('DELETE FROM "user" WHERE id = :u'), {"u": user.id})

    for model in ALL_MODELS:
        table = table_of(model)
        key = table.c.id if table.name == "user" else table.c.user_id
        mine = (await db.execute(sa.select(sa.func.count()).where(key == user.id))).scalar_one()
        theirs = (
            await db.execute(sa.select(sa.func.count()).where(key == bystander.id))
        ).scalar_one()
        assert mine == 0, table.name
        assert theirs == 1, table.name


async def test_deleting_a_session_keeps_its_violation_logs(
    db: AsyncSession, make_user: MakeUser
) -> None:
    user = await make_user()
    session_id = (
        await db.execute(
            sa.text("INSERT INTO ai_session (user_id) VALUES (:u) RETURNING id"), {"u": user.id}
        )
    ).scalar_one()
    await db.execute(
        sa.text(
            "INSERT INTO ai_policy_violation_log (session_id, user_id, violation_type, severity, "
            "action_taken) VALUES (:s, :u, 'unsafe_content', 'critical', 'block')"
        ),
        {"s": session_id, "u": user.id},
    )
    await db.execute(sa.text("DELETE FROM ai_session WHERE id = :s"), {"s": session_id})
    kept = (
        await db.execute(
            sa.text("SELECT session_id FROM ai_policy_violation_log WHERE user_id = :u"),
            {"u": user.id},
        )
    ).scalar_one()
    assert kept is None
