"""A fresh, migrated PostgreSQL database for each eval run.

The database is created on the configured server (``DATABASE_URL``), or on the embedded
server when none is configured, migrated to head with ``persistence.migrations.upgrade`` and
dropped when the run ends (unless kept for inspection). Runs never see each other's data,
nor the data of the server's other databases.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from persistence import migrations
from persistence.db import describe_url, normalize_url, resolve_database
from persistence.errors import DatabaseUnavailable
from persistence.settings import DatabaseSettings

log = logging.getLogger(__name__)

DATABASE_PREFIX = "coach_eval_"


@dataclass(frozen=True, slots=True)
class EvalDatabase:
    """The run's database: its name, its URL and the server it lives on."""

    name: str
    url: str
    server_url: str
    embedded: bool


def server_url(settings: DatabaseSettings | None = None) -> tuple[str, bool]:
    """URL of a database on the configured server (starting the embedded one if needed)."""
    resolved = resolve_database(settings or DatabaseSettings())
    return resolved.url, resolved.embedded


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def fresh_database(
    admin_url: str, *, embedded: bool = False, keep: bool = False
) -> AsyncIterator[EvalDatabase]:
    """Create, migrate, yield and drop a database on the server of ``admin_url``.

    ``admin_url`` is any database on that server the user may connect to and create
    databases from (the configured database itself does).
    """
    admin_url = normalize_url(admin_url)
    name = f"{DATABASE_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        # name is generated above from hex digits only, so quoting it is safe.
        await _admin(admin_url, f'CREATE DATABASE "{name}"')
    except (OSError, SQLAlchemyError) as exc:
        raise DatabaseUnavailable(
            f"cannot create the eval database on {describe_url(admin_url)}: "
            f"{str(exc).splitlines()[0]} (evals need a server where they may create databases)"
        ) from exc
    # A throwaway database needs no durable commits; not waiting for the WAL flush on every
    # turn's commits makes a run several times faster on a busy disk.
    await _admin(admin_url, f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        # Alembic's env runs its own event loop; keep it off ours.
        await asyncio.to_thread(migrations.upgrade, url)
        yield EvalDatabase(name=name, url=url, server_url=admin_url, embedded=embedded)
    finally:
        if keep:
            log.warning("kept eval database %s", name)
        else:
            await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
