"""Engine and session factory, built by the app or the CLI (never at import)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from persistence.settings import DatabaseSettings

log = logging.getLogger(__name__)


def normalize_url(url: str) -> str:
    """Use the asyncpg driver for plain ``postgresql://`` / ``postgres://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def describe_url(url: str) -> str:
    """The URL without its password, for logs and ``coach db info``."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True, slots=True)
class ResolvedDatabase:
    """The database in use: its URL and whether it is the embedded server."""

    url: str
    embedded: bool


def resolve_database(settings: DatabaseSettings) -> ResolvedDatabase:
    """The configured database, starting the embedded server when none is configured."""
    if settings.database_url:
        return ResolvedDatabase(url=normalize_url(settings.database_url), embedded=False)
    from persistence.embedded import start_embedded_postgres

    return ResolvedDatabase(url=start_embedded_postgres(settings.coach_data_dir), embedded=True)


def create_engine(settings: DatabaseSettings, url: str | None = None) -> AsyncEngine:
    """An async engine with the configured pool."""
    target = normalize_url(url or settings.database_url or "")
    if not target:
        raise ValueError("no database URL: call resolve_database() first")
    return _create_async_engine(
        target,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_recycle=settings.db_pool_recycle,
        pool_pre_ping=settings.db_pool_pre_ping,
        pool_timeout=settings.db_pool_timeout,
        echo=settings.db_echo,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
