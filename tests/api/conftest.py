"""An app on the run's database, driven in-process through its lifespan."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.settings import ApiSettings
from api.state import AppConfig
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
