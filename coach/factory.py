"""Building the engine from settings (the app's lifespan and the CLI call this)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.engine import CoachEngine, utc_now
from coach.settings import CoachSettings
from persistence.redis import SharedRedis
from policies import PolicyEngine, PolicySettings
from tools.cache import ToolCache
from tools.settings import ToolSettings

if TYPE_CHECKING:
    from persistence.observability import Telemetry


def build_policy_engine(
    clock: Callable[[], dt.datetime] = utc_now, telemetry: Telemetry | None = None
) -> PolicyEngine:
    """The safety policy engine, its settings from the environment, dated by ``clock``."""
    return PolicyEngine(PolicySettings(), today=lambda: clock().date(), telemetry=telemetry)


def build_engine(
    *,
    session_factory: async_sessionmaker[AsyncSession],
    cache: ToolCache,
    settings: CoachSettings,
    clock: Callable[[], dt.datetime] = utc_now,
    tool_settings: ToolSettings | None = None,
    policy: PolicyEngine | None = None,
    include_tools: frozenset[str] | None = None,
    telemetry: Telemetry | None = None,
    redis: SharedRedis | None = None,
) -> CoachEngine:
    """An engine with the real policy engine (unless ``policy`` is given) and the event log
    the settings choose (Redis stream with ``REDIS_URL``, on ``redis`` when given, else
    in-process); ``include_tools`` limits its toolset (all registry tools by default);
    ``telemetry`` reaches the engine, its policy engine and its tools."""
    use_redis = redis is not None and settings.event_log_uses_redis
    return CoachEngine(
        session_factory=session_factory,
        cache=cache,
        policy=policy if policy is not None else build_policy_engine(clock, telemetry),
        settings=settings,
        clock=clock,
        tool_settings=tool_settings,
        include_tools=include_tools,
        telemetry=telemetry,
        redis=redis if use_redis else None,
    )
