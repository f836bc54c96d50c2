"""The account as a whole: full export, soft deletion."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from api.state import AppConfig
from persistence.enums import PolicyViolationType, ToolCallStatus
from persistence.models import CheckIn, ProgressPhoto, RefreshToken, User
from persistence.repositories import ai_logs, ai_sessions, tokens
from persistence.retention import deleted_at
from tests.api.photo_samples import image_with_gps

SECRET_HASH = hashlib.sha256(b"refresh-token-value").hexdigest()


async def seed_ai_and_tokens(
    factory: async_sessionmaker[AsyncSession], user_id: Any
) -> dict[str, str]:
    """A session with history, a tool call, a violation and a refresh token."""
    async with factory() as db:
        session = await ai_sessions.create(db, user_id=user_id)
        await ai_sessions.append_turn(
            db,
            session=session,
            new_messages=[{"kind": "request", "parts": [{"content": "how am I doing?"}]}],
            messages_added=1,
            tokens=42,
            at=dt.datetime.now(dt.UTC),
        )
        call = await ai_logs.add_tool_call(
            db,
            session_id=session.id,
            user_id=user_id,
            tool_name="get_weight_trend",
            tool_category="internal",
            input_hash="a" * 64,
            input_summary="days=28",
            output_summary="trend -0.4 kg/week",
            status=ToolCallStatus.SUCCESS,
            error_message=None,
            latency_ms=12,
            cached=False,
        )
        violation = await ai_logs.add_violation(
            db,
            user_id=user_id,
            session_id=session.id,
            violation_type=PolicyViolationType.CALORIE_MINIMUM,
            severity="warning",
            trigger_content="900 kcal",
            action_taken="adjusted",
            details={"floor": 1500},
        )
        token = await tokens.add(
            db,
            user_id=user_id,
            token_hash=SECRET_HASH,
            expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
            user_agent="pytest",
            ip_address="127.0.0.1",
        )
        await db.commit()
        return {
            "session": str(session.id),
            "tool_call": str(call.id),
            "violation": str(violation.id),
            "token": str(token.id),
        }


async def test_export_returns_everything_stored_about_the_user(
    client: httpx.AsyncClient,
    data_user: Any,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user = await data_user(
        profile={"display_name": "Ada", "timezone": "Europe/London"},
        goal={"goal_type": "fat_loss"},
        preferences={"allergies": ["peanuts"], "macro_targets": {"calories": 1900}},
    )
    other = await data_user()
    await client.put("/v1/check-ins/2024-08-01", json={"weight_kg": 70}, headers=user.headers)
    await client.put("/v1/nutrition/2024-08-01", json={"calories": 1800}, headers=user.headers)
    photo = await client.post(
        "/v1/photos",
        files={"file": ("p.jpg", image_with_gps("JPEG"), "image/jpeg")},
        data={"date": "2024-08-01"},
        headers=user.headers,
    )
    ids = await seed_ai_and_tokens(session_factory, user.id)
    await client.put("/v1/check-ins/2024-08-01", json={"mood": 1}, headers=other.headers)

    response = await client.get("/v1/me/export", headers=user.headers)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    export = response.json()
    assert export["user"]["id"] == str(user.id) and export["user"]["email"] == user.email
    assert export["profile"]["display_name"] == "Ada"
    assert export["goal"]["goal_type"] == "fat_loss"
    assert export["preferences"]["allergies"] == ["peanuts"]
    assert [c["weight_kg"] for c in export["check_ins"]] == [70.0]
    assert [n["calories"] for n in export["nutrition"]] == [1800]
    assert [p["id"] for p in export["photos"]] == [photo.json()["id"]]
    [session] = export["ai_sessions"]
    assert session["id"] == ids["session"] and session["tokens_used"] == 42
    assert session["conversation_history"][0]["parts"][0]["content"] == "how am I doing?"
    assert [t["id"] for t in export["tool_call_logs"]] == [ids["tool_call"]]
    assert [v["id"] for v in export["policy_violation_logs"]] == [ids["violation"]]
    [token] = export["refresh_tokens"]
    assert token["id"] == ids["token"] and token["user_agent"] == "pytest"
    # Secrets never leave: no password hash, no token hash, nothing of the other user.
    text = json.dumps(export)
    assert SECRET_HASH not in text and "token_hash" not in text
    assert "hashed_password" not in text and "not-a-real-hash" not in text
    assert str(other.id) not in text


async def test_delete_me_soft_deletes_and_revokes_and_removes_photos(
    app: FastAPI,
    app_config: AppConfig,
    client: httpx.AsyncClient,
    data_user: Any,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user = await data_user()
    await client.put("/v1/check-ins/2024-08-01", json={"weight_kg": 70}, headers=user.headers)
    photo = await client.post(
        "/v1/photos",
        files={"file": ("p.jpg", image_with_gps("JPEG"), "image/jpeg")},
        data={"date": "2024-08-01"},
        headers=user.headers,
    )
    object_file = app_config.database.coach_data_dir / "objects" / photo.json()["s3_key"]
    assert object_file.exists()
    await seed_ai_and_tokens(session_factory, user.id)
    version = await app.state.coach.cache.user_version(user.id)

    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    response = await client.delete("/v1/me", headers=user.headers)
    assert response.status_code == 204
    assert await app.state.coach.cache.user_version(user.id) > version

    # The account stops working at once.
    assert (await client.get("/v1/check-ins", headers=user.headers)).status_code == 403
    assert not object_file.exists()
    async with session_factory() as db:
        row = await db.get(User, user.id)
        assert row is not None and not row.is_active
        when = deleted_at(row.hashed_password)
        assert when is not None and before <= when <= dt.datetime.now(dt.UTC)
        active_tokens = await db.scalar(
            sa.select(sa.func.count())
            .select_from(RefreshToken)
            .where(col(RefreshToken.user_id) == user.id, col(RefreshToken.revoked_at).is_(None))
        )
        assert active_tokens == 0
        photos = await db.scalar(
            sa.select(sa.func.count())
            .select_from(ProgressPhoto)
            .where(col(ProgressPhoto.user_id) == user.id)
        )
        assert photos == 0
        # Everything else waits for the retention job (30 days).
        checkins = await db.scalar(
            sa.select(sa.func.count()).select_from(CheckIn).where(col(CheckIn.user_id) == user.id)
        )
        assert checkins == 1


async def test_deleted_account_can_neither_log_in_nor_refresh(
    client: httpx.AsyncClient, unique_email: Any
) -> None:
    credentials = {"email": unique_email(), "password": "a long enough password"}
    assert (await client.post("/v1/auth/register", json=credentials)).status_code == 201
    pair = (await client.post("/v1/auth/login", json=credentials)).json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    assert (await client.delete("/v1/me", headers=headers)).status_code == 204
    assert (await client.post("/v1/auth/login", json=credentials)).status_code == 401
    refreshed = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401
    assert (await client.get("/v1/me/export", headers=headers)).status_code == 403
