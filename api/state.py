"""What the app builds at startup and hands to every request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic_settings import BaseSettings
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.security import TokenCodec
from api.settings import ApiSettings
from persistence.settings import DatabaseSettings


def utc_now() -> dt.datetime:
    """The wall clock in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


@dataclass
class AppConfig:
    """Every package's settings, read once from the environment."""

    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    extra: dict[str, BaseSettings] = field(default_factory=dict)


@dataclass
class AppState:
    """Long-lived objects of one app instance (``app.state.coach``), built by the lifespan."""

    config: AppConfig
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    tokens: TokenCodec
    database_url: str
    embedded: bool
    clock: Callable[[], dt.datetime] = utc_now
