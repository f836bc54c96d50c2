"""An app on the run's database, driven in-process through its lifespan."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.settings import ApiSettings
from api.state import AppConfig
from persistence.models import DietPreferences, User, UserGoal, UserProfile
from persistence.settings import DatabaseSettings


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> AppConfig:
    """Settings for a test app; tests may change them before the app starts."""
    return AppConfig(
        database=DatabaseSettings(database_url=database_url, coach_data_dir=tmp_path),
        api=ApiSettings(jwt_secret="test-secret-" + "x" * 40),
    )


@pytest.fixture
async def app(app_config: AppConfig) -> AsyncIterator[FastAPI]:
    """A started app (lifespan entered)."""
    application = create_app(app_config)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture
def unique_email() -> Callable[[], str]:
    """Fresh emails: API tests commit for real, so every test uses its own users."""
    return lambda: f"u-{uuid.uuid4().hex[:12]}@example.com"


AuthHeaders = Callable[..., Awaitable[dict[str, str]]]


# --- users for the user-data tests (check-ins, nutrition, photos, account) ---------------


@dataclass(frozen=True)
class DataUser:
    """A committed user and the Authorization header of a fresh access token."""

    id: uuid.UUID
    email: str
    headers: dict[str, str]


MakeDataUser = Callable[..., Awaitable[DataUser]]


@pytest.fixture
def data_user(app: FastAPI, session_factory: async_sessionmaker[AsyncSession]) -> MakeDataUser:
    """Create a user (committed; optional profile/goal/preferences rows) with a token."""

    async def make(
        *,
        profile: dict[str, Any] | None = None,
        goal: dict[str, Any] | None = None,
        preferences: dict[str, Any] | None = None,
    ) -> DataUser:
        email = f"d-{uuid.uuid4().hex[:12]}@example.com"
        async with session_factory() as db:
            user = User(email=email, hashed_password="not-a-real-hash")
            db.add(user)
            await db.flush()
            if profile is not None:
                db.add(UserProfile(user_id=user.id, **profile))
            if goal is not None:
                db.add(UserGoal(user_id=user.id, **goal))
            if preferences is not None:
                db.add(DietPreferences(user_id=user.id, **preferences))
            await db.commit()
            user_id = user.id
        token = app.state.coach.tokens.encode(user_id, now=dt.datetime.now(dt.UTC))
        return DataUser(id=user_id, email=email, headers={"Authorization": f"Bearer {token}"})

    return make
