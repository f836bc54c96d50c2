"""Result cache for tools: per-user data versions, TTLs and single-flight.

Contract of every :class:`ToolCache` backend:

- ``get_or_compute(user_id=, key=, ttl_s=, compute=)`` returns the value cached under
  ``key`` for the user's *current data version*, or runs ``compute`` once and stores its
  value for ``ttl_s`` seconds. Concurrent identical calls share one computation
  (single-flight). A failed computation is never cached and its error reaches every waiter.
- ``bump_user_version(user_id)`` makes every cached value of that user unreachable. The API
  calls it after each write to check-ins, nutrition, profile, goal, preferences or photos.
- A backend that cannot reach its store computes without caching and logs a warning; it
  never raises its own errors into a turn.

Two backends: :class:`MemoryToolCache` (in-process, the embedded default) and
:class:`RedisToolCache` (shared across processes; single-flight across processes with a
``SET NX`` lock), on the process's :class:`~persistence.redis.SharedRedis`, whose breaker
it shares with the rate limiter and the replay log.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import redis.asyncio as aioredis

from persistence.redis import REDIS_FAILURES, SharedRedis

log = logging.getLogger(__name__)

Compute = Callable[[], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class CacheResult:
    """A value and where it came from.

    ``hit``: not computed by this call (stored, or shared from a concurrent identical call);
    ``degraded``: the backend was unavailable and the value was computed without caching.
    """

    value: str
    hit: bool
    shared: bool = False
    degraded: bool = False


@runtime_checkable
class ToolCache(Protocol):
    """What the toolset needs from a cache backend (see the module docstring)."""

    async def get_or_compute(
        self, *, user_id: uuid.UUID, key: str, ttl_s: float, compute: Compute
    ) -> CacheResult:
        """The cached value for ``key`` at the user's data version, or ``compute()``'s."""
        ...

    async def bump_user_version(self, user_id: uuid.UUID) -> int | None:
        """Invalidate the user's cached values; the new version, ``None`` if unavailable."""
        ...

    async def user_version(self, user_id: uuid.UUID) -> int | None:
        """The user's current data version (0 before any write), ``None`` if unavailable."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class _SingleFlight:
    """In-process single-flight: the first caller of a key computes, the others await it."""

    def __init__(self) -> None:
        self._inflight: dict[str, asyncio.Future[str]] = {}

    def waiter(self, key: str) -> asyncio.Future[str] | None:
        return self._inflight.get(key)

    def lead(self, key: str) -> asyncio.Future[str]:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        return future

    def finish(
        self, key: str, future: asyncio.Future[str], value: str | None, error: BaseException | None
    ) -> None:
        if self._inflight.get(key) is future:
            del self._inflight[key]
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
            future.exception()  # mark retrieved: a leader with no waiters must not warn
        else:
            assert value is not None
            future.set_result(value)


async def _await_leader(future: asyncio.Future[str]) -> str | None:
    """The leader's value; ``None`` when the leader was cancelled (the caller computes)."""
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        if future.cancelled():
            return None
        raise


class MemoryToolCache:
    """In-process backend: an LRU of at most ``max_entries`` values with per-entry expiry."""

    def __init__(
        self, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries: must be >= 1, got {max_entries}")
        self._max = max_entries
        self._clock = clock
        self._versions: dict[uuid.UUID, int] = {}
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._flight = _SingleFlight()

    async def get_or_compute(
        self, *, user_id: uuid.UUID, key: str, ttl_s: float, compute: Compute
    ) -> CacheResult:
        """See :class:`ToolCache`."""
        full = f"{user_id}:{self._versions.get(user_id, 0)}:{key}"
        entry = self._entries.get(full)
        if entry is not None:
            if entry[0] > self._clock():
                self._entries.move_to_end(full)
                return CacheResult(value=entry[1], hit=True)
            del self._entries[full]
        leader = self._flight.waiter(full)
        if leader is not None:
            shared = await _await_leader(leader)
            if shared is not None:
                return CacheResult(value=shared, hit=True, shared=True)
            return await self.get_or_compute(user_id=user_id, key=key, ttl_s=ttl_s, compute=compute)
        future = self._flight.lead(full)
        try:
            value = await compute()
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                future.cancel()
            self._flight.finish(full, future, None, exc)
            raise
        if ttl_s > 0:
            self._entries[full] = (self._clock() + ttl_s, value)
            self._entries.move_to_end(full)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        self._flight.finish(full, future, value, None)
        return CacheResult(value=value, hit=False)

    async def bump_user_version(self, user_id: uuid.UUID) -> int:
        """See :class:`ToolCache`."""
        version = self._versions.get(user_id, 0) + 1
        self._versions[user_id] = version
        return version

    async def user_version(self, user_id: uuid.UUID) -> int:
        """See :class:`ToolCache`."""
        return self._versions.get(user_id, 0)

    async def aclose(self) -> None:
        """Drop every entry."""
        self._entries.clear()


# Reads the user's version and the value stored under it in one round trip.
_GET_SCRIPT = """
local v = redis.call('GET', KEYS[1])
if not v then v = '0' end
return {v, redis.call('GET', ARGV[1] .. v .. ARGV[2])}
"""
# Releases a single-flight lock only if this caller still holds it.
_UNLOCK_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_POLL_START_S = 0.002
_POLL_MAX_S = 0.05


class RedisToolCache:
    """Redis backend shared by every process.

    Keys: ``<prefix>:v:<user>`` (data version, INCR on bump),
    ``<prefix>:r:<user>:<version>:<key>`` (values, with TTL) and ``<prefix>:l:...`` (locks).
    After a Redis outage it computes uncached while the shared breaker is open, so a dead
    server costs one timeout, not one per call.
    """

    def __init__(
        self,
        redis: SharedRedis | aioredis.Redis,
        *,
        prefix: str = "coach:tools",
        lock_ttl_s: float = 10.0,
        retry_after_s: float = 5.0,
        owns: bool = False,
    ) -> None:
        """``redis``: the process's shared client, or a bare client (given a breaker of its
        own that stays open ``retry_after_s`` after an outage); ``owns``: close it in
        :meth:`aclose`."""
        self._owns = owns
        self._shared = (
            redis
            if isinstance(redis, SharedRedis)
            else SharedRedis.wrap(redis, retry_after_s=retry_after_s)
        )
        client = self._shared.client
        self._redis = client
        self._prefix = prefix
        self._lock_ttl_ms = max(1, int(lock_ttl_s * 1000))
        self._get = client.register_script(_GET_SCRIPT)
        self._unlock = client.register_script(_UNLOCK_SCRIPT)
        self._flight = _SingleFlight()

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        prefix: str = "coach:tools",
        timeout_s: float = 0.25,
        lock_ttl_s: float = 10.0,
        retry_after_s: float = 5.0,
    ) -> RedisToolCache:
        """A backend on a client of its own (closed by :meth:`aclose`)."""
        shared = SharedRedis.from_url(
            url,
            redis_timeout_s=timeout_s,
            redis_connect_timeout_s=timeout_s,
            redis_retry_after_s=retry_after_s,
        )
        return cls(shared, prefix=prefix, lock_ttl_s=lock_ttl_s, owns=True)

    def _available(self) -> bool:
        return self._shared.available

    def _mark_down(self, exc: BaseException, action: str) -> None:
        if self._shared.failed(exc, f"tool cache {action}"):
            return
        log.warning("tool cache: Redis %s failed (%s: %s)", action, type(exc).__name__, exc)

    def _version_key(self, user_id: uuid.UUID) -> str:
        return f"{self._prefix}:v:{user_id}"

    async def get_or_compute(
        self, *, user_id: uuid.UUID, key: str, ttl_s: float, compute: Compute
    ) -> CacheResult:
        """See :class:`ToolCache`."""
        if not self._available():
            return CacheResult(value=await compute(), hit=False, degraded=True)
        head = f"{self._prefix}:r:{user_id}:"
        try:
            raw_version, raw_value = await self._get(
                keys=[self._version_key(user_id)], args=[head, f":{key}"]
            )
        except REDIS_FAILURES as exc:
            self._mark_down(exc, "read")
            return CacheResult(value=await compute(), hit=False, degraded=True)
        if raw_value is not None:
            return CacheResult(value=_text(raw_value), hit=True)
        version = _text(raw_version)
        value_key = f"{head}{version}:{key}"
        leader = self._flight.waiter(value_key)
        if leader is not None:
            shared = await _await_leader(leader)
            if shared is not None:
                return CacheResult(value=shared, hit=True, shared=True)
        future = self._flight.lead(value_key)
        try:
            result = await self._lead(value_key, ttl_s, compute)
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                future.cancel()
            self._flight.finish(value_key, future, None, exc)
            raise
        self._flight.finish(value_key, future, result.value, None)
        return result

    async def _lead(self, value_key: str, ttl_s: float, compute: Compute) -> CacheResult:
        """Compute under a cross-process lock, or wait for the process that holds it."""
        lock_key = f"{self._prefix}:l:{value_key[len(self._prefix) + 3 :]}"
        token = secrets.token_hex(8)
        try:
            locked = await self._redis.set(lock_key, token, nx=True, px=self._lock_ttl_ms)
            if not locked:
                waited = await self._wait_for(value_key, lock_key)
                if waited is not None:
                    return CacheResult(value=waited, hit=True, shared=True)
                locked = await self._redis.set(lock_key, token, nx=True, px=self._lock_ttl_ms)
        except REDIS_FAILURES as exc:
            self._mark_down(exc, "lock")
            return CacheResult(value=await compute(), hit=False, degraded=True)
        try:
            value = await compute()
        except BaseException:
            if locked:
                await self._release(lock_key, token)
            raise
        try:
            if ttl_s > 0:
                await self._redis.set(value_key, value, px=max(1, int(ttl_s * 1000)))
            if locked:
                await self._unlock(keys=[lock_key], args=[token])
        except REDIS_FAILURES as exc:
            self._mark_down(exc, "write")
            return CacheResult(value=value, hit=False, degraded=True)
        return CacheResult(value=value, hit=False)

    async def _release(self, lock_key: str, token: str) -> None:
        try:
            await self._unlock(keys=[lock_key], args=[token])
        except REDIS_FAILURES as exc:
            self._mark_down(exc, "unlock")

    async def _wait_for(self, value_key: str, lock_key: str) -> str | None:
        """Poll until the lock holder stores the value; ``None`` if it gave up or died."""
        delay = _POLL_START_S
        deadline = time.monotonic() + self._lock_ttl_ms / 1000.0
        while time.monotonic() < deadline:
            await asyncio.sleep(delay)
            value, holder = await self._redis.mget([value_key, lock_key])
            if value is not None:
                return _text(value)
            if holder is None:
                return None
            delay = min(delay * 2, _POLL_MAX_S)
        return None

    async def bump_user_version(self, user_id: uuid.UUID) -> int | None:
        """See :class:`ToolCache`. Logs an error and returns ``None`` when Redis is down;
        entries of the old version then live at most their TTL."""
        try:
            return int(await self._redis.incr(self._version_key(user_id)))
        except REDIS_FAILURES as exc:
            self._mark_down(exc, "version bump")
            log.error("tool cache: could not bump data version of user %s", user_id)
            return None

    async def user_version(self, user_id: uuid.UUID) -> int | None:
        """See :class:`ToolCache`."""
        try:
            raw = await self._redis.get(self._version_key(user_id))
        except REDIS_FAILURES as exc:
            self._mark_down(exc, "version read")
            return None
        return 0 if raw is None else int(raw)

    async def aclose(self) -> None:
        """Close the client when this backend created it."""
        if self._owns:
            await self._shared.aclose()


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


async def bump_user_version(cache: ToolCache, user_id: uuid.UUID) -> int | None:
    """Invalidate ``user_id``'s cached tool results; call after every write to their data."""
    return await cache.bump_user_version(user_id)
