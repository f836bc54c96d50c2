"""Rate limiting: a sliding-window log per key, in process or in Redis.

Contract (both backends, one test suite): :meth:`RateLimiter.hit` records one request under
``key`` and answers whether it is allowed. At most ``limit`` requests are allowed in any
``window_s``-second window: a request at time ``t`` counts until ``t + window_s``. A denied
request is not recorded, so a client that keeps knocking while blocked is let in again as
soon as its oldest counted request leaves the window; ``retry_after_s`` says when that is.

- :class:`MemoryRateLimiter` (the embedded default) keeps a deque of timestamps per key,
  dropping idle keys once the table grows past ``max_keys``.
- :class:`RedisRateLimiter` (when ``REDIS_URL`` is set) keeps a sorted set per key, updated
  atomically by one Lua script, so several app processes share the limits. It talks to
  Redis through the process's :class:`~persistence.redis.SharedRedis` (a pool that waits for
  a free connection rather than refusing, and the breaker every Redis user shares), and it
  never fails open: every request is first counted by an in-process limiter, which decides
  alone while Redis is unreachable or busy, so a burst costs at most ``limit`` requests per
  process even then. When Redis is up, its (shared) count decides.

A sliding log is exact (no double burst at a fixed window's edge); its cost, one entry per
counted request, is bounded by ``limit`` per key.

The ``limits`` package was considered for the windows: its moving window keeps the same
log, but reads the clock itself (second granularity), needs a second call for the retry
time of a denied request and would still need this fallback and breaker around it.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import redis.asyncio as aioredis

from persistence.redis import REDIS_FAILURES, SharedRedis

log = logging.getLogger(__name__)

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The outcome of one :meth:`RateLimiter.hit`."""

    allowed: bool
    limit: int
    remaining: int
    #: Seconds until a denied request would be allowed (0 when allowed).
    retry_after_s: float

    @property
    def retry_after_header(self) -> str:
        """``Retry-After`` in whole seconds, at least 1."""
        return str(max(1, math.ceil(self.retry_after_s)))


class RateLimiter(Protocol):
    """Counts requests per key in a sliding window."""

    async def hit(self, key: str, *, limit: int, window_s: float) -> RateDecision:
        """Record one request under ``key`` when the limit allows it."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class MemoryRateLimiter:
    """In-process sliding-window log; one process only (the embedded default)."""

    def __init__(self, *, clock: Clock = time.monotonic, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._hits: dict[str, tuple[float, deque[float]]] = {}

    async def hit(self, key: str, *, limit: int, window_s: float) -> RateDecision:
        """See :class:`RateLimiter`."""
        now = self._clock()
        entry = self._hits.get(key)
        if entry is None:
            if len(self._hits) >= self._max_keys:
                self._evict(now)
            entry = (window_s, deque())
            self._hits[key] = entry
        stamps = entry[1]
        while stamps and stamps[0] <= now - window_s:
            stamps.popleft()
        if len(stamps) < limit:
            stamps.append(now)
            self._hits[key] = (window_s, stamps)
            return RateDecision(True, limit, limit - len(stamps), 0.0)
        return RateDecision(False, limit, 0, stamps[0] + window_s - now)

    def undo(self, key: str) -> None:
        """Forget the last request counted under ``key`` (another limiter denied it)."""
        entry = self._hits.get(key)
        if entry is not None and entry[1]:
            entry[1].pop()

    async def aclose(self) -> None:
        """Forget every key."""
        self._hits.clear()

    def _evict(self, now: float) -> None:
        idle = [k for k, (window, s) in self._hits.items() if not s or s[-1] <= now - window]
        for key in idle:
            del self._hits[key]
        # Still full of live keys (a flood of distinct keys): drop the oldest half rather
        # than grow without bound; those keys merely start counting afresh.
        if len(self._hits) >= self._max_keys:
            for key in list(self._hits)[: len(self._hits) // 2]:
                del self._hits[key]


# KEYS[1]: the key. ARGV: now (ms), window (ms), limit, a unique member for this request.
# Returns {allowed (0/1), remaining, retry_after_ms}.
_SLIDING_WINDOW_LUA = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, 0, tonumber(oldest[2]) + window - now}
"""


class RedisRateLimiter:
    """Sliding-window log in Redis sorted sets, shared by every app process, behind an
    in-process limiter that never lets a Redis failure switch the limit off.

    Timestamps come from the app's wall clock (``time.time``), so processes on hosts with
    synchronised clocks agree on the window.
    """

    def __init__(
        self,
        redis: SharedRedis | aioredis.Redis,
        *,
        prefix: str = "coach:rl",
        clock: Clock = time.time,
        local: MemoryRateLimiter | None = None,
    ) -> None:
        self._redis = redis if isinstance(redis, SharedRedis) else SharedRedis.wrap(redis)
        self._prefix = prefix
        self._clock = clock
        self._local = local or MemoryRateLimiter(clock=clock)
        self._script = self._redis.client.register_script(_SLIDING_WINDOW_LUA)
        self._last_warning = -math.inf

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "coach:rl", **settings: Any) -> RedisRateLimiter:
        """A limiter on a client of its own (``settings``: :class:`RedisSettings` fields)."""
        return cls(SharedRedis.from_url(url, **settings), prefix=prefix)

    async def hit(self, key: str, *, limit: int, window_s: float) -> RateDecision:
        """See :class:`RateLimiter`.

        The in-process count comes first: a burst past the limit is refused without a
        Redis call. What it allows, Redis decides (when Redis denies, the local count is
        taken back); while Redis is down or its pool stays busy, the local count decides.
        """
        local = await self._local.hit(key, limit=limit, window_s=window_s)
        if not local.allowed or not self._redis.available:
            return local
        now_ms = int(self._clock() * 1000)
        member = f"{now_ms}-{secrets.token_hex(6)}"
        try:
            result: Any = await self._script(
                keys=[f"{self._prefix}:{key}"],
                args=[now_ms, int(window_s * 1000), limit, member],
            )
        except REDIS_FAILURES as exc:
            self._redis.failed(exc, "rate limiting")
            self._warn(exc)
            return local
        allowed, remaining, retry_ms = (int(x) for x in result)
        if not allowed:
            self._local.undo(key)
        return RateDecision(bool(allowed), limit, remaining, retry_ms / 1000)

    async def aclose(self) -> None:
        """Close the client when this limiter created it."""
        await self._redis.aclose()

    def _warn(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last_warning >= 60:
            self._last_warning = now
            log.warning("rate limiter: Redis failed, counting in process (%s)", exc)


def build_rate_limiter(
    *, backend: str, redis_url: str | None, redis: SharedRedis | None = None
) -> RateLimiter:
    """The backend named by the settings: ``auto`` is Redis when a URL is set, else memory.
    ``redis``: the process's shared client (one is created for the URL otherwise)."""
    if backend == "redis" or (backend == "auto" and redis_url):
        if redis is not None:
            return RedisRateLimiter(redis)
        if not redis_url:
            raise ValueError("RATE_LIMIT_BACKEND=redis needs REDIS_URL")
        return RedisRateLimiter.from_url(redis_url)
    return MemoryRateLimiter()


__all__ = [
    "MemoryRateLimiter",
    "RateDecision",
    "RateLimiter",
    "RedisRateLimiter",
    "build_rate_limiter",
]
