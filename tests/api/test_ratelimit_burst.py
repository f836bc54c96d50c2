"""The auth limits under bursts: a pool that waits, never a limit that switches off.

Each test counts the password work the app really did (``Passwords`` is wrapped, not
replaced: the hashes are real), so "at most 5 password checks" is measured, not inferred.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.passwords import Passwords
from api.state import AppConfig, AppState

PASSWORD = "correct horse battery"


class CountingPasswords(Passwords):
    """Real Argon2id, with a count of every hash and verification (an unknown account's
    dummy verification goes through ``verify`` too)."""

    def __init__(self) -> None:
        super().__init__()
        self.verified = 0
        self.hashed = 0

    async def hash(self, password: str) -> str:
        """See :class:`Passwords`."""
        self.hashed += 1
        return await super().hash(password)

    async def verify(self, hashed: str, password: str) -> bool:
        """See :class:`Passwords`."""
        self.verified += 1
        return await super().verify(hashed, password)


@pytest.fixture(params=["memory", "redis"])
def app_config(app_config: AppConfig, request: pytest.FixtureRequest, redis_url: str) -> AppConfig:
    """The app on each limiter backend (Redis: the test database)."""
    app_config.api.rate_limit_backend = request.param
    app_config.api.redis_url = redis_url if request.param == "redis" else None
    return app_config


@pytest.fixture
def passwords(app: FastAPI) -> CountingPasswords:
    """The app's password hasher, counting."""
    state: AppState = app.state.coach
    counting = CountingPasswords()
    state.passwords = counting
    return counting


async def _burst(client: httpx.AsyncClient, n: int, send: Callable[[], Any]) -> list[int]:
    responses = await asyncio.gather(*(send() for _ in range(n)))
    return [r.status_code for r in responses]


async def test_150_concurrent_wrong_passwords_get_at_most_5_password_checks(
    client: httpx.AsyncClient, passwords: CountingPasswords, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    assert (
        await client.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
    ).status_code == 201
    passwords.verified = 0

    statuses = await _burst(
        client,
        150,
        lambda: client.post("/v1/auth/login", json={"email": email, "password": "wrong guess"}),
    )

    assert passwords.verified <= 5
    assert statuses.count(401) == passwords.verified
    assert statuses.count(429) == 150 - passwords.verified


async def test_8_concurrent_registrations_of_one_email_reach_the_write_once(
    client: httpx.AsyncClient, passwords: CountingPasswords, unique_email: Callable[[], str]
) -> None:
    email = unique_email()
    statuses = await _burst(
        client,
        8,
        lambda: client.post("/v1/auth/register", json={"email": email, "password": PASSWORD}),
    )
    assert statuses.count(201) == 1
    assert set(statuses) <= {201, 409, 429}
    assert passwords.hashed == 1


async def test_auth_limit_falls_back_in_process_when_redis_is_unreachable(
    app_config: AppConfig, unique_email: Callable[[], str]
) -> None:
    from api.app import create_app

    app_config.api.rate_limit_backend = "redis"
    app_config.api.redis_url = f"redis://127.0.0.1:1/{uuid.uuid4().int % 16}"
    app = create_app(app_config)
    async with app.router.lifespan_context(app):
        counting = CountingPasswords()
        app.state.coach.passwords = counting
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            email = unique_email()
            statuses = [
                (
                    await client.post(
                        "/v1/auth/login", json={"email": email, "password": "wrong guess"}
                    )
                ).status_code
                for _ in range(8)
            ]
    assert statuses == [401] * 5 + [429] * 3
    assert counting.verified == 5
