"""Rate limiting: a sliding-window log per key, in process or in Redis.

Contract (both backends, one test suite): :meth:`RateLimiter.hit` records one request under
``key`` and answers whether it is allowed. At most ``limit`` requests are allowed in any
``window_s``-second window: a request at time ``t`` counts until ``t + window_s``. A denied
request is not recorded, so a client that keeps knocking while blocked is let in again as
soon as its oldest counted request leaves the window; ``retry_after_s`` says when that is.

- :class:`MemoryRateLimiter` (the embedded default) keeps a deque of timestamps per key,
  dropping idle keys once the table grows past ``max_keys``.
- :class:`RedisRateLimiter` (when ``REDIS_URL`` is set) keeps a sorted set per key, updated
  atomically by one Lua script, so several app processes share the limits. When Redis is
  unreachable it fails open: the request is allowed and a warning is logged (at most once a
  minute), and Redis is skipped for a few seconds instead of adding a timeout to every call.

A sliding log is exact (no double burst at a fixed window's edge); its cost, one entry per
counted request, is bounded by ``limit`` per key.
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
from redis.exceptions import RedisError

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
    """Sliding-window log in Redis sorted sets, shared by every app process.

    Timestamps come from the app's wall clock (``time.time``), so processes on hosts with
    synchronised clocks agree on the window.
    """

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        prefix: str = "coach:rl",
        clock: Clock = time.time,
        retry_after_failure_s: float = 5.0,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._clock = clock
        self._retry_after_failure_s = retry_after_failure_s
        self._script = client.register_script(_SLIDING_WINDOW_LUA)
        self._down_until = 0.0
        self._last_warning = -math.inf

    @classmethod
    def from_url(
        cls, url: str, *, timeout_s: float = 0.25, prefix: str = "coach:rl"
    ) -> RedisRateLimiter:
        """A limiter with its own client; a slow Redis (past ``timeout_s``) counts as down."""
        client = aioredis.Redis.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )
        return cls(client, prefix=prefix)

    async def hit(self, key: str, *, limit: int, window_s: float) -> RateDecision:
        """See :class:`RateLimiter`; allowed (fail open) while Redis is unreachable."""
        if time.monotonic() < self._down_until:
            return RateDecision(True, limit, limit, 0.0)
        now_ms = int(self._clock() * 1000)
        member = f"{now_ms}-{secrets.token_hex(6)}"
        try:
            result: Any = await self._script(
                keys=[f"{self._prefix}:{key}"],
                args=[now_ms, int(window_s * 1000), limit, member],
            )
        except (RedisError, OSError, TimeoutError) as exc:
            self._fail_open(exc)
            return RateDecision(True, limit, limit, 0.0)
        allowed, remaining, retry_ms = (int(x) for x in result)
        return RateDecision(bool(allowed), limit, remaining, retry_ms / 1000)

    async def aclose(self) -> None:
        """Close the client."""
        await self._client.aclose()

    def _fail_open(self, exc: BaseException) -> None:
        now = time.monotonic()
        self._down_until = now + self._retry_after_failure_s
        if now - self._last_warning >= 60:
            self._last_warning = now
            log.warning("rate limiter: Redis unavailable, allowing requests (%s)", exc)


def build_rate_limiter(*, backend: str, redis_url: str | None) -> RateLimiter:
    """The backend named by the settings: ``auto`` is Redis when a URL is set, else memory."""
    if backend == "redis" or (backend == "auto" and redis_url):
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
