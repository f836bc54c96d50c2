"""Rate limits: one contract for both backends, then the limits as the API applies them."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from api.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from api.state import AppConfig

PASSWORD = "correct horse battery"


class FakeClock:
    """A settable clock in seconds."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move forward."""
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    """The limiter's clock."""
    return FakeClock()


@pytest.fixture(params=["memory", "redis"])
async def limiter(
    request: pytest.FixtureRequest, clock: FakeClock, redis: aioredis.Redis
) -> AsyncIterator[RateLimiter]:
    """Each backend in turn, on the same fake clock."""
    if request.param == "memory":
        yield MemoryRateLimiter(clock=clock)
    else:
        # The fixture's client belongs to the fixture; the limiter is not closed here.
        yield RedisRateLimiter(redis, prefix=f"test:{uuid.uuid4().hex}", clock=clock)


# --- contract (both backends) -----------------------------------------------------------


async def test_limit_allows_up_to_limit_then_denies(limiter: RateLimiter) -> None:
    remaining = []
    for _ in range(3):
        decision = await limiter.hit("k", limit=3, window_s=60)
        assert decision.allowed and decision.retry_after_s == 0
        remaining.append(decision.remaining)
    assert remaining == [2, 1, 0]
    denied = await limiter.hit("k", limit=3, window_s=60)
    assert not denied.allowed and denied.remaining == 0
    assert denied.retry_after_s == pytest.approx(60)
    assert denied.retry_after_header == "60"


async def test_window_slides_with_the_oldest_request(
    limiter: RateLimiter, clock: FakeClock
) -> None:
    start = clock.now
    for offset in (0, 20, 40):
        clock.now = start + offset
        assert (await limiter.hit("k", limit=3, window_s=60)).allowed
    clock.now = start + 50
    denied = await limiter.hit("k", limit=3, window_s=60)
    assert not denied.allowed
    assert denied.retry_after_s == pytest.approx(0 + 60 - 50)
    clock.now = start + 60.5  # the request at 0 has left the window
    assert (await limiter.hit("k", limit=3, window_s=60)).allowed
    clock.now = start + 61
    denied = await limiter.hit("k", limit=3, window_s=60)
    assert not denied.allowed
    assert denied.retry_after_s == pytest.approx(20 + 60 - 61)


async def test_denied_requests_are_not_counted(limiter: RateLimiter, clock: FakeClock) -> None:
    assert (await limiter.hit("k", limit=1, window_s=10)).allowed
    clock.advance(5)
    assert not (await limiter.hit("k", limit=1, window_s=10)).allowed
    clock.advance(5.5)
    assert (await limiter.hit("k", limit=1, window_s=10)).allowed


async def test_keys_are_counted_separately(limiter: RateLimiter) -> None:
    assert (await limiter.hit("a", limit=1, window_s=60)).allowed
    assert not (await limiter.hit("a", limit=1, window_s=60)).allowed
    assert (await limiter.hit("b", limit=1, window_s=60)).allowed


async def test_retry_after_header_rounds_up_to_whole_seconds(
    limiter: RateLimiter, clock: FakeClock
) -> None:
    assert (await limiter.hit("k", limit=1, window_s=10)).allowed
    clock.advance(9.75)
    denied = await limiter.hit("k", limit=1, window_s=10)
    assert denied.retry_after_s == pytest.approx(0.25)
    assert denied.retry_after_header == "1"


# --- backend specifics ------------------------------------------------------------------


async def test_redis_keys_expire_with_their_window(redis: aioredis.Redis) -> None:
    limiter = RedisRateLimiter(redis, prefix="expiry")
    await limiter.hit("k", limit=5, window_s=30)
    ttl_ms = await redis.pttl("expiry:k")
    assert 0 < ttl_ms <= 30_000


async def test_redis_down_counts_in_process_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter = RedisRateLimiter.from_url("redis://127.0.0.1:1/0", redis_timeout_s=0.2)
    try:
        with caplog.at_level(logging.WARNING):
            decisions = [await limiter.hit("k", limit=2, window_s=60) for _ in range(4)]
    finally:
        await limiter.aclose()
    # Never open: the in-process count keeps the limit while Redis is away.
    assert [d.allowed for d in decisions] == [True, True, False, False]
    warnings = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(warnings) == 1


async def test_memory_limiter_stays_bounded_under_many_keys(clock: FakeClock) -> None:
    limiter = MemoryRateLimiter(clock=clock, max_keys=10)
    for index in range(25):
        await limiter.hit(f"k{index}", limit=1, window_s=60)
    assert len(limiter._hits) <= 10
    clock.advance(61)
    for index in range(25, 35):
        await limiter.hit(f"k{index}", limit=1, window_s=60)
    assert len(limiter._hits) <= 10


# --- the API's limits -------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def app_config(app_config: AppConfig, request: pytest.FixtureRequest, redis_url: str) -> AppConfig:
    """The test app on each backend, with a small per-user limit."""
    app_config.api.rate_limit_backend = request.param
    app_config.api.redis_url = redis_url if request.param == "redis" else None
    app_config.api.rate_limit_user_per_minute = 4
    return app_config


async def _register(client: httpx.AsyncClient, email: str) -> None:
    response = await client.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201


async def _login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> Any:
    return await client.post("/v1/auth/login", json={"email": email, "password": password})


def _assert_429(response: httpx.Response, window_s: int) -> None:
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(response.headers["retry-after"]) <= window_s


async def test_login_allows_5_attempts_per_ip_and_email_then_429(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await _register(client, email)
    for _ in range(5):
        assert (await _login(client, email, "wrong password")).status_code == 401
    blocked = await _login(client, email)  # even the right password waits
    _assert_429(blocked, 15 * 60)
    # Another address from the same IP is counted on its own.
    other = unique_email()
    await _register(client, other)
    assert (await _login(client, other)).status_code == 200


async def test_register_allows_5_attempts_per_ip_and_email_then_429(
    client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    statuses = []
    for _ in range(5):
        response = await client.post(
            "/v1/auth/register", json={"email": email, "password": PASSWORD}
        )
        statuses.append(response.status_code)
    assert statuses == [201, 409, 409, 409, 409]
    blocked = await client.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
    _assert_429(blocked, 15 * 60)


async def test_authenticated_requests_are_limited_per_user(
    client: httpx.AsyncClient, app_config: AppConfig, unique_email: Callable[[], str]
) -> None:
    tokens = []
    for _ in range(2):
        email = unique_email()
        await _register(client, email)
        tokens.append((await _login(client, email)).json()["access_token"])
    first, second = ({"Authorization": f"Bearer {token}"} for token in tokens)
    limit = app_config.api.rate_limit_user_per_minute
    for _ in range(limit):
        assert (await client.get("/v1/me", headers=first)).status_code == 200
    _assert_429(await client.get("/v1/me", headers=first), 60)
    # Every authenticated route shares the user's budget...
    _assert_429(await client.patch("/v1/me/goal", json={}, headers=first), 60)
    # ...and other users have their own.
    assert (await client.get("/v1/me", headers=second)).status_code == 200


async def test_invalid_tokens_are_refused_before_counting(
    client: httpx.AsyncClient, app_config: AppConfig
) -> None:
    for _ in range(app_config.api.rate_limit_user_per_minute + 2):
        response = await client.get("/v1/me", headers={"Authorization": "Bearer junk"})
        assert response.status_code == 401


@pytest.fixture
def disabled_config(app_config: AppConfig) -> AppConfig:
    """Limits switched off."""
    app_config.api.rate_limit_enabled = False
    return app_config


async def test_limits_can_be_disabled(
    disabled_config: AppConfig, client: httpx.AsyncClient, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    await _register(client, email)
    for _ in range(7):
        assert (await _login(client, email, "wrong password")).status_code == 401


@pytest.fixture
def unreachable_redis_config(app_config: AppConfig) -> AppConfig:
    """The Redis backend pointed at a port nobody listens on."""
    app_config.api.rate_limit_backend = "redis"
    app_config.api.redis_url = "redis://127.0.0.1:1/0"
    return app_config


async def test_unreachable_redis_lets_requests_through(
    unreachable_redis_config: AppConfig,
    client: httpx.AsyncClient,
    unique_email: Callable[[], str],
) -> None:
    email = unique_email()
    await _register(client, email)
    response = await _login(client, email)
    assert response.status_code == 200
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert (await client.get("/v1/me", headers=headers)).status_code == 200
