"""What the app builds at startup and hands to every request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic_settings import BaseSettings
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.mailer import LoggingMailer, Mailer
from api.passwords import Passwords
from api.ratelimit import MemoryRateLimiter, RateLimiter
from api.security import TokenCodec
from api.settings import ApiSettings
from coach.engine import CoachEngine
from coach.settings import CoachSettings
from persistence.observability import ObservabilitySettings, Telemetry
from persistence.redis import RedisSettings, SharedRedis
from persistence.settings import DatabaseSettings
from persistence.storage import ObjectStorage
from tools.cache import MemoryToolCache, ToolCache
from tools.settings import ToolSettings


def utc_now() -> dt.datetime:
    """The wall clock in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


@dataclass
class AppConfig:
    """Every package's settings, read once from the environment."""

    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    tools: ToolSettings = field(default_factory=ToolSettings)
    coach: CoachSettings = field(default_factory=CoachSettings)
    observability: ObservabilitySettings = field(default_factory=ObservabilitySettings)
    redis: RedisSettings = field(default_factory=RedisSettings)
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
    cache: ToolCache = field(default_factory=MemoryToolCache)
    storage: ObjectStorage | None = None
    passwords: Passwords = field(default_factory=Passwords)
    mailer: Mailer = field(default_factory=LoggingMailer)
    rate_limiter: RateLimiter = field(default_factory=MemoryRateLimiter)
    coach_engine: CoachEngine | None = None
    telemetry: Telemetry | None = None
    #: The process's Redis clients by URL (one in production: ``REDIS_URL``), shared by the
    #: rate limiter, the tool cache and the replay log.
    redis: dict[str, SharedRedis] = field(default_factory=dict)
