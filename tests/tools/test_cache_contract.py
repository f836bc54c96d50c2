"""One contract, two backends (in-process and real Redis)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import pytest

from tools.cache import MemoryToolCache, RedisToolCache, ToolCache


class Counter:
    """A compute function that counts its runs."""

    def __init__(self, value: str = "v", delay: float = 0.0) -> None:
        self.calls = 0
        self.value = value
        self.delay = delay

    async def __call__(self) -> str:
        self.calls += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        return f"{self.value}{self.calls}"


async def test_get_or_compute_hits_on_repeat(cache: ToolCache) -> None:
    user, compute = uuid.uuid4(), Counter()
    first = await cache.get_or_compute(user_id=user, key="k", ttl_s=60, compute=compute)
    second = await cache.get_or_compute(user_id=user, key="k", ttl_s=60, compute=compute)
    assert (first.value, first.hit) == ("v1", False)
    assert (second.value, second.hit) == ("v1", True)
    assert compute.calls == 1


async def test_bump_user_version_invalidates_only_that_user(cache: ToolCache) -> None:
    alice, bob, compute = uuid.uuid4(), uuid.uuid4(), Counter()
    await cache.get_or_compute(user_id=alice, key="k", ttl_s=60, compute=compute)
    await cache.get_or_compute(user_id=bob, key="k", ttl_s=60, compute=compute)
    assert await cache.user_version(alice) == 0
    assert await cache.bump_user_version(alice) == 1
    again = await cache.get_or_compute(user_id=alice, key="k", ttl_s=60, compute=compute)
    bob_again = await cache.get_or_compute(user_id=bob, key="k", ttl_s=60, compute=compute)
    assert not again.hit and again.value == "v3"
    assert bob_again.hit and bob_again.value == "v2"


async def test_entry_expires_after_ttl(cache: ToolCache) -> None:
    user, compute = uuid.uuid4(), Counter()
    await cache.get_or_compute(user_id=user, key="k", ttl_s=0.1, compute=compute)
    await asyncio.sleep(0.25)
    later = await cache.get_or_compute(user_id=user, key="k", ttl_s=0.1, compute=compute)
    assert not later.hit and compute.calls == 2


async def test_concurrent_identical_calls_compute_once(cache: ToolCache) -> None:
    user, compute = uuid.uuid4(), Counter(delay=0.05)
    results = await asyncio.gather(
        *(cache.get_or_compute(user_id=user, key="k", ttl_s=60, compute=compute) for _ in range(20))
    )
    assert compute.calls == 1
    assert {r.value for r in results} == {"v1"}
    assert sum(not r.hit for r in results) == 1


async def test_failed_compute_is_not_cached_and_reaches_every_waiter(cache: ToolCache) -> None:
    user = uuid.uuid4()
    calls = 0

    async def boom() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.02)
        raise RuntimeError("db down")

    outcomes = await asyncio.gather(
        *(cache.get_or_compute(user_id=user, key="k", ttl_s=60, compute=boom) for _ in range(5)),
        return_exceptions=True,
    )
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert calls == 1
    ok = await cache.get_or_compute(user_id=user, key="k", ttl_s=60, compute=Counter())
    assert not ok.hit and ok.value == "v1"


async def test_redis_single_flight_across_processes(redis_url: str) -> None:
    # Two backends share nothing in-process, like two API workers.
    prefix = f"test:{uuid.uuid4().hex}"
    a = RedisToolCache.from_url(redis_url, prefix=prefix)
    b = RedisToolCache.from_url(redis_url, prefix=prefix)
    user, compute = uuid.uuid4(), Counter(delay=0.1)
    try:
        results = await asyncio.gather(
            *(
                backend.get_or_compute(user_id=user, key="k", ttl_s=60, compute=compute)
                for backend in (a, b, a, b)
            )
        )
    finally:
        await a.aclose()
        await b.aclose()
    assert compute.calls == 1
    assert {r.value for r in results} == {"v1"}


async def test_redis_stopped_mid_test_computes_uncached_and_warns(
    private_redis: Any, caplog: pytest.LogCaptureFixture
) -> None:
    cache = RedisToolCache.from_url(private_redis.url, prefix="t", retry_after_s=0.0)
    user, compute = uuid.uuid4(), Counter()
    try:
        await cache.get_or_compute(user_id=user, key="k", ttl_s=60, compute=compute)
        assert (await cache.get_or_compute(user_id=user, key="k", ttl_s=60, compute=compute)).hit
        private_redis.stop()
        with caplog.at_level(logging.WARNING, logger="tools.cache"):
            down = await cache.get_or_compute(user_id=user, key="k", ttl_s=60, compute=compute)
            bumped = await cache.bump_user_version(user)
        assert down.value == "v2" and not down.hit and down.degraded
        assert bumped is None
        assert any("Redis unavailable" in r.getMessage() for r in caplog.records)
    finally:
        await cache.aclose()


async def test_memory_cache_evicts_least_recently_used() -> None:
    cache = MemoryToolCache(max_entries=2)
    user, compute = uuid.uuid4(), Counter()
    for key in ("a", "b", "a", "c"):
        await cache.get_or_compute(user_id=user, key=key, ttl_s=60, compute=compute)
    # "b" was least recently used when "c" arrived.
    assert (await cache.get_or_compute(user_id=user, key="a", ttl_s=60, compute=compute)).hit
    assert not (await cache.get_or_compute(user_id=user, key="b", ttl_s=60, compute=compute)).hit
