"""Building a cache backend from settings (the app's lifespan or a CLI command calls it)."""

from __future__ import annotations

from persistence.redis import SharedRedis
from tools.cache import MemoryToolCache, RedisToolCache, ToolCache
from tools.settings import ToolSettings


def uses_redis(settings: ToolSettings) -> bool:
    """Whether the settings choose the Redis backend (``auto`` with ``REDIS_URL``, or ``redis``)."""
    backend = settings.tool_cache_backend
    if backend == "redis" and not settings.redis_url:
        raise ValueError("tool_cache_backend: 'redis' needs REDIS_URL to be set")
    return backend == "redis" or (backend == "auto" and bool(settings.redis_url))


def create_cache(settings: ToolSettings, *, redis: SharedRedis | None = None) -> ToolCache:
    """Redis when configured, else in-process. ``redis``: the process's shared client (without
    it, the backend gets a client of its own)."""
    if not uses_redis(settings):
        return MemoryToolCache(max_entries=settings.tool_cache_max_entries)
    if redis is not None:
        return RedisToolCache(
            redis, prefix=settings.tool_cache_prefix, lock_ttl_s=settings.tool_cache_lock_ttl_s
        )
    assert settings.redis_url is not None
    return RedisToolCache.from_url(
        settings.redis_url,
        prefix=settings.tool_cache_prefix,
        timeout_s=settings.tool_cache_redis_timeout_s,
        lock_ttl_s=settings.tool_cache_lock_ttl_s,
        retry_after_s=settings.tool_cache_redis_retry_after_s,
    )
