"""Each repository round-trips its table."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.enums import (
    DietType,
    GoalType,
    PhotoVisibility,
    PolicyViolationType,
    SessionStatus,
    Sex,
    ToolCallStatus,
)
from persistence.errors import Conflict, NotFound
from persistence.models import User
from persistence.repositories import (
    ai_logs,
    ai_sessions,
    checkins,
    nutrition,
    photos,
    profiles,
    tokens,
    users,
)

MakeUser = Callable[..., Awaitable[User]]
UTC = dt.UTC


async def test_users_create_and_find_by_id_or_email_case_insensitively(db: AsyncSession) -> None:
    user = await users.create(db, email="  Ana@Example.COM ", hashed_password="h")
    assert user.email == "ana@example.com"
    assert (await users.get(db, user_id=user.id)).id == user.id
    assert (await users.get_by_email(db, email="ANA@example.com")).id == user.id
    assert (await users.get_by_id_or_email(db, key=str(user.id))).id == user.id
    assert (await users.get_by_id_or_email(db, key="ana@example.com")).id == user.id
    with pytest.raises(Conflict):
        await users.create(db, email="ana@example.com", hashed_password="h")
    with pytest.raises(NotFound):
        await users.get(db, user_id=uuid.uuid4())
    updated = await users.update(db, user=user, is_verified=True)
    assert updated.is_verified is True
    with pytest.raises(ValueError, match="no writable field"):
        await users.update(db, user=user, id=uuid.uuid4())


async def test_profile_goal_preferences_get_or_create_then_update(
    db: AsyncSession, make_user: MakeUser
) -> None:
    user = await make_user()
    profile = await profiles.get_or_create_profile(db, user_id=user.id)
    assert profile.timezone == "UTC"
    assert (await profiles.get_or_create_profile(db, user_id=user.id)).id == profile.id
    profile = await profiles.update_profile(
        db, user_id=user.id, values={"sex": Sex.FEMALE, "height_cm": Decimal("165.5")}
    )
    goal = await profiles.update_goal(
        db, user_id=user.id, values={"goal_type": GoalType.FAT_LOSS, "target_weight_kg": 60}
    )
    prefs = await profiles.update_preferences(
        db,
        user_id=user.id,
        values={
            "diet_type": DietType.VEGAN,
            "allergies": ["peanuts"],
            "macro_targets": {"calories": 1800},
        },
    )
    context = await profiles.load_context(db, user_id=user.id)
    assert context is not None
    assert context.profile is not None and context.profile.sex is Sex.FEMALE
    assert context.profile.height_cm == Decimal("165.5")
    assert context.goal is not None and context.goal.id == goal.id
    assert context.goal.goal_type is GoalType.FAT_LOSS
    assert context.preferences is not None and context.preferences.id == prefs.id
    assert context.preferences.allergies == ["peanuts"]
    assert context.preferences.macro_targets == {"calories": 1800}
    with pytest.raises(ValueError, match="no writable field"):
        await profiles.update_goal(db, user_id=user.id, values={"user_id": uuid.uuid4()})
    assert await profiles.load_context(db, user_id=uuid.uuid4()) is None


async def test_checkins_upsert_by_date_keeps_unwritten_fields(
    db: AsyncSession, make_user: MakeUser
) -> None:
    user = await make_user()
    day = dt.date(2026, 3, 1)
    first = await checkins.upsert_for_date(
        db, user_id=user.id, day=day, values={"weight_kg": Decimal("80.40"), "mood": 7}
    )
    second = await checkins.upsert_for_date(db, user_id=user.id, day=day, values={"mood": 8})
    assert second.id == first.id
    assert (second.weight_kg, second.mood) == (Decimal("80.40"), 8)
    for offset in range(1, 5):
        await checkins.upsert_for_date(
            db,
            user_id=user.id,
            day=day + dt.timedelta(days=offset),
            values={"energy_level": offset},
        )
    rows = await checkins.list_for_user(
        db, user_id=user.id, start=day, end=day + dt.timedelta(days=3)
    )
    assert [r.date for r in rows] == [day + dt.timedelta(days=d) for d in (3, 2, 1, 0)]
    page = await checkins.list_for_user(
        db, user_id=user.id, limit=2, before=day + dt.timedelta(days=3)
    )
    assert [r.date for r in page] == [day + dt.timedelta(days=2), day + dt.timedelta(days=1)]
    await checkins.delete_for_date(db, user_id=user.id, day=day)
    assert await checkins.find_for_date(db, user_id=user.id, day=day) is None
    with pytest.raises(NotFound):
        await checkins.delete_for_date(db, user_id=user.id, day=day)
    with pytest.raises(ValueError):
        await checkins.upsert_for_date(db, user_id=user.id, day=day, values={"user_id": user.id})


async def test_nutrition_upsert_and_lookup_by_dates(db: AsyncSession, make_user: MakeUser) -> None:
    user = await make_user()
    day = dt.date(2026, 3, 1)
    row = await nutrition.upsert_for_date(
        db,
        user_id=user.id,
        day=day,
        values={"calories": 2100, "protein_g": Decimal("150.5"), "source": "mfp_import"},
    )
    assert (row.calories, row.protein_g, row.source) == (2100, Decimal("150.50"), "mfp_import")
    found = await nutrition.find_for_dates(
        db, user_id=user.id, days=[day, day + dt.timedelta(days=1)]
    )
    assert list(found) == [day]
    assert [r.id for r in await nutrition.list_for_user(db, user_id=user.id)] == [row.id]


async def test_photos_add_dedup_visibility_and_scope(db: AsyncSession, make_user: MakeUser) -> None:
    user, other = await make_user(), await make_user()
    photo_id = uuid.uuid4()
    photo = await photos.add(
        db,
        user_id=user.id,
        photo_id=photo_id,
        day=dt.date(2026, 3, 1),
        s3_key=f"photos/{user.id}/{photo_id}.jpg",
        content_hash="a" * 64,
        photo_metadata={"width": 10, "height": 20},
    )
    assert photo.visibility is PhotoVisibility.PRIVATE
    assert (await photos.find_by_hash(db, user_id=user.id, content_hash="a" * 64)) is not None
    assert (await photos.find_by_hash(db, user_id=other.id, content_hash="a" * 64)) is None
    with pytest.raises(NotFound):
        await photos.get(db, user_id=other.id, photo_id=photo_id)
    await photos.set_visibility(
        db, user_id=user.id, photo_id=photo_id, visibility=PhotoVisibility.COACH_ONLY
    )
    coach_only = await photos.list_for_user(
        db, user_id=user.id, visibility=PhotoVisibility.COACH_ONLY
    )
    assert [p.id for p in coach_only] == [photo_id]
    await photos.delete(db, user_id=user.id, photo_id=photo_id)
    assert await photos.list_for_user(db, user_id=user.id) == []


async def test_refresh_tokens_revoke_one_and_all(db: AsyncSession, make_user: MakeUser) -> None:
    user = await make_user()
    now = dt.datetime.now(UTC)
    first = await tokens.add(
        db,
        user_id=user.id,
        token_hash="h1",
        expires_at=now + dt.timedelta(days=30),
        user_agent="x" * 600,
        ip_address="203.0.113.9",
    )
    await tokens.add(db, user_id=user.id, token_hash="h2", expires_at=now + dt.timedelta(days=30))
    assert first.user_agent is not None and len(first.user_agent) == 500
    found = await tokens.find_by_hash(db, token_hash="h1", for_update=True)
    assert found is not None and found.id == first.id
    await tokens.revoke(db, token=found, now=now)
    assert await tokens.revoke_all_for_user(db, user_id=user.id, now=now) == 1
    assert all(t.revoked_at is not None for t in await tokens.list_for_user(db, user_id=user.id))


async def test_ai_sessions_append_turns_and_expire(db: AsyncSession, make_user: MakeUser) -> None:
    user = await make_user()
    session = await ai_sessions.create(
        db, user_id=user.id, model_tier="free", session_metadata={"client": "test"}
    )
    at = dt.datetime.now(UTC)
    await ai_sessions.append_turn(
        db, session=session, new_messages=[{"kind": "request"}], messages_added=1, tokens=10, at=at
    )
    await ai_sessions.append_turn(
        db,
        session=session,
        new_messages=[{"kind": "response"}],
        messages_added=1,
        tokens=5,
        at=at,
        context_summary="summary",
    )
    loaded = await ai_sessions.get(db, user_id=user.id, session_id=session.id)
    assert loaded.conversation_history == [{"kind": "request"}, {"kind": "response"}]
    assert (loaded.message_count, loaded.tokens_used, loaded.context_summary) == (2, 15, "summary")
    assert loaded.session_metadata == {"client": "test"}
    page, total = await ai_sessions.list_for_user(db, user_id=user.id)
    assert total == 1 and page[0].id == session.id
    with pytest.raises(NotFound):
        await ai_sessions.get(db, user_id=uuid.uuid4(), session_id=session.id)

    expired = await ai_sessions.expire_idle(
        db, now=at + dt.timedelta(minutes=31), idle=dt.timedelta(minutes=30)
    )
    assert expired >= 1
    assert (
        await ai_sessions.get(db, user_id=user.id, session_id=session.id)
    ).status is SessionStatus.EXPIRED
    await ai_sessions.delete(db, user_id=user.id, session_id=session.id)
    with pytest.raises(NotFound):
        await ai_sessions.get(db, user_id=user.id, session_id=session.id)


async def test_ai_logs_round_trip_and_clip(db: AsyncSession, make_user: MakeUser) -> None:
    user = await make_user()
    session = await ai_sessions.create(db, user_id=user.id)
    await ai_logs.add_tool_call(
        db,
        session_id=session.id,
        user_id=user.id,
        tool_name="get_weight_trend",
        tool_category="internal",
        input_hash="f" * 64,
        input_summary="days=28" * 100,
        output_summary="ok",
        status=ToolCallStatus.SUCCESS,
        error_message=None,
        latency_ms=3,
        cached=False,
    )
    await ai_logs.add_tool_calls(
        db,
        rows=[
            {
                "session_id": session.id,
                "user_id": user.id,
                "tool_name": "get_adherence",
                "tool_category": "internal",
                "input_hash": "e" * 64,
                "status": "failed",
                "error_message": "boom" * 200,
                "latency_ms": 1,
                "cached": False,
            }
        ],
    )
    calls = await ai_logs.list_tool_calls(db, session_id=session.id)
    assert {c.tool_name for c in calls} == {"get_weight_trend", "get_adherence"}
    assert all(
        len(c.input_summary or "") <= 500 and len(c.error_message or "") <= 500 for c in calls
    )
    violation = await ai_logs.add_violation(
        db,
        user_id=user.id,
        session_id=session.id,
        violation_type=PolicyViolationType.CALORIE_MINIMUM,
        severity="critical",
        trigger_content="x" * 300,
        action_taken="adjust",
        details={"measured": 900},
    )
    assert violation.trigger_content is not None and len(violation.trigger_content) == 200
    listed = await ai_logs.list_violations(db, user_id=user.id)
    assert [v.violation_type for v in listed] == [PolicyViolationType.CALORIE_MINIMUM]
    assert await ai_logs.delete_violations_for_session(db, session_id=session.id) == 1
