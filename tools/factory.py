"""Building a cache backend from settings (the app's lifespan or a CLI command calls it)."""

from __future__ import annotations

from tools.cache import MemoryToolCache, RedisToolCache, ToolCache
from tools.settings import ToolSettings


def create_cache(settings: ToolSettings) -> ToolCache:
    """Redis when configured (``auto`` with ``REDIS_URL``, or ``redis``), else in-process."""
    backend = settings.tool_cache_backend
    if backend == "redis" and not settings.redis_url:
        raise ValueError("tool_cache_backend: 'redis' needs REDIS_URL to be set")
    if backend == "redis" or (backend == "auto" and settings.redis_url):
        assert settings.redis_url is not None
        return RedisToolCache.from_url(
            settings.redis_url,
            prefix=settings.tool_cache_prefix,
            timeout_s=settings.tool_cache_redis_timeout_s,
            lock_ttl_s=settings.tool_cache_lock_ttl_s,
            retry_after_s=settings.tool_cache_redis_retry_after_s,
        )
    return MemoryToolCache(max_entries=settings.tool_cache_max_entries)
