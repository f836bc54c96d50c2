"""Pooled connections that died while idle are replaced before use."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import QueuePool

from persistence.db import create_engine, fill_pool
from persistence.settings import DatabaseSettings


async def _kill_pooled_backend(engine: AsyncEngine, admin_url: str) -> None:
    async with engine.connect() as conn:
        pid = (await conn.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()
    admin = create_async_engine(admin_url, pool_size=1)
    try:
        async with admin.connect() as conn:
            await conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await admin.dispose()


async def test_idle_connection_killed_by_the_server_is_replaced(database_url: str) -> None:
    settings = DatabaseSettings(database_url=database_url, db_pool_size=1, db_pool_ping_idle_s=0)
    engine = create_engine(settings)
    try:
        await _kill_pooled_backend(engine, database_url)
        async with engine.connect() as conn:
            assert (await conn.execute(sa.text("SELECT 1"))).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_without_pre_ping_a_killed_connection_fails_the_query(database_url: str) -> None:
    # The control for the test above: the kill really breaks the pooled connection.
    settings = DatabaseSettings(database_url=database_url, db_pool_size=1, db_pool_pre_ping=False)
    engine = create_engine(settings)
    try:
        await _kill_pooled_backend(engine, database_url)
        with pytest.raises(DBAPIError):
            async with engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
    finally:
        await engine.dispose()


async def test_a_burst_keeps_its_connections_and_light_use_reuses_the_latest(
    database_url: str,
) -> None:
    """With the default pool, a burst of turns neither opens nor closes connections the
    second time, and one request at a time keeps to one warm connection."""
    engine = create_engine(DatabaseSettings(database_url=database_url))

    async def backend(hold_s: float = 0.0) -> int:
        async with engine.connect() as conn:
            pid = (await conn.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one()
            await asyncio.sleep(hold_s)
            return int(pid)

    try:
        burst = await asyncio.gather(*(backend(0.2) for _ in range(12)))
        assert len(set(burst)) == 12
        again = await asyncio.gather(*(backend(0.2) for _ in range(12)))
        assert set(again) == set(burst)
        one_at_a_time = [await backend() for _ in range(5)]
        assert len(set(one_at_a_time)) == 1
    finally:
        await engine.dispose()


async def test_fill_pool_opens_connections_that_later_requests_reuse(database_url: str) -> None:
    engine = create_engine(DatabaseSettings(database_url=database_url, db_pool_size=4))
    try:
        assert await fill_pool(engine, 4) == 4
        pool = engine.sync_engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.checkedin() == 4
        opened = pool.checkedin()
        held = [await engine.connect() for _ in range(4)]  # no new connection needed
        assert pool.checkedout() == 4 and pool.checkedin() == 0 and opened == 4
        for connection in held:
            await connection.close()
    finally:
        await engine.dispose()


async def test_fill_pool_logs_an_unreachable_database_instead_of_raising(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = "postgresql+asyncpg://nobody@127.0.0.1:1/none"  # nothing listens on port 1
    engine = create_engine(DatabaseSettings(database_url=url, db_pool_size=2))
    try:
        with caplog.at_level(logging.WARNING, logger="persistence.db"):
            assert await fill_pool(engine, 2) == 0
        assert "opened 0 of 2 pooled connections" in caplog.text
    finally:
        await engine.dispose()


async def test_a_new_connection_knows_the_schemas_enum_types(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No type lookup when a statement first uses an ENUM (it was done at connect)."""
    engine = create_engine(DatabaseSettings(database_url=database_url, db_pool_size=1))
    lookups: list[object] = []
    introspect = asyncpg.Connection._introspect_types

    async def counted(self: asyncpg.Connection, typeoids: Any, *args: Any) -> Any:
        lookups.append(typeoids)
        return await introspect(self, typeoids, *args)

    try:
        async with engine.connect() as conn:
            monkeypatch.setattr(asyncpg.Connection, "_introspect_types", counted)
            await conn.execute(
                sa.text("SELECT status, model_tier FROM ai_session WHERE status = :s LIMIT 0"),
                {"s": "active"},
            )
            await conn.execute(sa.text("SELECT NULL::sex, NULL::policy_violation_type"))
            assert lookups == []
            await conn.execute(sa.text("SELECT NULL::check_in"))  # a row type: not learnt
            assert len(lookups) == 1  # the spy sees lookups when they happen
    finally:
        await engine.dispose()
