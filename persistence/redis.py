"""The process's Redis client and its "is Redis down" breaker, shared by every Redis user.

The tool cache (``tools``), the rate limiter (``api``) and the replay log (``coach``) all
talk to Redis through one :class:`SharedRedis`, built by the app's lifespan (or a CLI
command) from :class:`RedisSettings`, never at import:

- **one bounded pool that waits**: a ``BlockingConnectionPool`` of ``REDIS_MAX_CONNECTIONS``.
  A caller that finds every connection busy waits up to ``REDIS_POOL_WAIT_S`` for one to be
  handed back, and only then gets :class:`PoolBusy`. A burst is queued, not refused; and
  a busy pool is not an outage (it never opens the breaker).
- **one breaker**: the first failure that means Redis is unreachable (refused, reset, timed
  out) opens it for ``REDIS_RETRY_AFTER_S``; meanwhile every user skips Redis at once (the
  cache computes uncached, the limiter counts in process, the replay log answers
  :class:`~persistence.errors.RedisUnavailable`) instead of each paying a timeout. One
  warning is logged per opening.

Short socket timeouts (``REDIS_TIMEOUT_S``) make a hung server count as down; commands that
block on purpose (the replay log's ``XREAD BLOCK``) block for less than that.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import redis.asyncio as aioredis
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis.asyncio.connection import BlockingConnectionPool
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import MaxConnectionsError, RedisError

from persistence.errors import RedisUnavailable, outage_of

log = logging.getLogger(__name__)

#: What a Redis call may raise when the server or the pool fails (catch these, then ask
#: :meth:`SharedRedis.failed` whether it was an outage).
REDIS_FAILURES: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)


class RedisSettings(BaseSettings):
    """The shared Redis client: URL, pool and timeouts (read from the environment)."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    redis_url: str | None = Field(default=None, description="redis://host:port/db")
    redis_max_connections: int = Field(default=64, ge=1, description="pool size per process")
    redis_pool_wait_s: float = Field(
        default=1.0, ge=0, description="how long a caller waits for a free pooled connection"
    )
    redis_timeout_s: float = Field(
        default=1.0, gt=0, description="socket timeout: a slower Redis counts as down"
    )
    redis_connect_timeout_s: float = Field(default=0.5, gt=0)
    redis_retry_after_s: float = Field(
        default=5.0, ge=0, description="after an outage, skip Redis for this long"
    )


class PoolBusy(RedisConnectionError):
    """Every pooled connection stayed busy for the whole wait (load, not an outage)."""


class _WaitingPool(BlockingConnectionPool):
    """A ``BlockingConnectionPool`` whose give-up after the wait is :class:`PoolBusy`."""

    async def get_connection(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().get_connection(*args, **kwargs)  # type: ignore[no-untyped-call]
        except RedisConnectionError as exc:
            if isinstance(exc.__cause__, TimeoutError):
                raise PoolBusy(f"no Redis connection free within {self.timeout} s") from exc
            raise


class RedisBreaker:
    """Open (Redis skipped) for ``retry_after_s`` after an outage, then closed again."""

    def __init__(
        self, *, retry_after_s: float = 5.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._retry_after = retry_after_s
        self._clock = clock
        self._open_until = 0.0

    @property
    def is_open(self) -> bool:
        """True while Redis is to be skipped."""
        return self._clock() < self._open_until

    def trip(self, exc: BaseException, action: str) -> None:
        """Open the breaker after ``exc`` (logged once per opening)."""
        if not self.is_open:
            log.warning(
                "Redis unavailable during %s (%s: %s); skipping it for %.1f s",
                action,
                type(exc).__name__,
                exc,
                self._retry_after,
            )
        self._open_until = self._clock() + self._retry_after


class SharedRedis:
    """One client (pool) and one breaker for every Redis user of the process."""

    def __init__(
        self, client: aioredis.Redis, breaker: RedisBreaker | None = None, *, owns: bool = True
    ) -> None:
        self.client = client
        self.breaker = breaker or RedisBreaker()
        self._owns = owns

    @classmethod
    def from_settings(cls, settings: RedisSettings, url: str | None = None) -> SharedRedis:
        """A client on ``url`` (default: ``settings.redis_url``) with the settings' pool."""
        target = url or settings.redis_url
        if not target:
            raise ValueError("redis_url: required for a Redis client")
        pool = _WaitingPool.from_url(
            target,
            max_connections=settings.redis_max_connections,
            timeout=settings.redis_pool_wait_s,
            socket_timeout=settings.redis_timeout_s,
            socket_connect_timeout=settings.redis_connect_timeout_s,
            # One quick retry on a fresh connection (a pooled one may predate a restart);
            # past that, down means down.
            retry=Retry(NoBackoff(), 1),
        )
        client = aioredis.Redis.from_pool(pool)
        return cls(client, RedisBreaker(retry_after_s=settings.redis_retry_after_s))

    @classmethod
    def from_url(cls, url: str, **overrides: Any) -> SharedRedis:
        """:meth:`from_settings` with the default settings, changed by ``overrides``."""
        return cls.from_settings(RedisSettings(redis_url=url, **overrides))

    @classmethod
    def wrap(cls, client: aioredis.Redis, *, retry_after_s: float = 5.0) -> SharedRedis:
        """A caller's own client (not closed by :meth:`aclose`) with a breaker of its own."""
        return cls(client, RedisBreaker(retry_after_s=retry_after_s), owns=False)

    @property
    def timeout_s(self) -> float | None:
        """The client's socket timeout (``None``: none)."""
        value = self.client.connection_pool.connection_kwargs.get("socket_timeout")
        return float(value) if value is not None else None

    @property
    def available(self) -> bool:
        """False while the breaker is open."""
        return not self.breaker.is_open

    def check(self) -> None:
        """:class:`RedisUnavailable` while the breaker is open."""
        if self.breaker.is_open:
            raise RedisUnavailable("Redis was unreachable a moment ago")

    def failed(self, exc: BaseException, action: str) -> bool:
        """Record a failed call; True when it was an outage (the breaker is then open).

        A busy pool is load, not an outage: it leaves the breaker closed.
        """
        if isinstance(exc, PoolBusy | MaxConnectionsError):
            return False
        if outage_of(exc) is None and not isinstance(exc, OSError | TimeoutError):
            return False
        self.breaker.trip(exc, action)
        return True

    async def aclose(self) -> None:
        """Close the pool when this object created it."""
        if self._owns:
            await self.client.aclose()


__all__ = [
    "REDIS_FAILURES",
    "PoolBusy",
    "RedisBreaker",
    "RedisSettings",
    "SharedRedis",
]
