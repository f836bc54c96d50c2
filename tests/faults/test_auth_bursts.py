"""Bursts against the login limit of a served instance (limit 5 per 15 minutes), then its
Redis (a private Valkey) stopped.

Each wrong password that gets a 401 cost one password check; each 429 cost none. Through
a real socket from loopback, with and without forged ``X-Forwarded-For`` headers. The
tests share one served instance (starting one costs seconds); the last stops its Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator

import httpx
import pytest

from tests.faults.conftest import CoachProcess, PrivateValkey, serve_env, unique_email

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def valkey() -> Iterator[PrivateValkey]:
    """The instance's Redis: a private Valkey the last test stops."""
    server = PrivateValkey()
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.stop()


@pytest.fixture(scope="module")
def served(
    valkey: PrivateValkey, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CoachProcess]:
    """An instance with the default limits, sharing them through Redis."""
    data_dir = tmp_path_factory.mktemp("bursts")
    proc = CoachProcess(
        env=serve_env(database_url=database_url, data_dir=data_dir, redis_url=valkey.url),
        log_path=data_dir / "serve.log",
    )
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


async def test_150_concurrent_wrong_passwords_get_at_most_5_checks_and_no_error(
    served: CoachProcess,
) -> None:
    email = unique_email()
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=served.url, timeout=60, limits=limits) as client:
        registered = await client.post(
            "/v1/auth/register", json={"email": email, "password": PASSWORD}
        )
        assert registered.status_code == 201
        body = {"email": email, "password": "not the password"}
        responses = await asyncio.gather(
            *(client.post("/v1/auth/login", json=body) for _ in range(150))
        )
    statuses = [r.status_code for r in responses]
    assert statuses.count(401) <= 5
    assert statuses.count(401) + statuses.count(429) == 150
    assert all(r.headers["content-type"].startswith("application/problem+json") for r in responses)


async def test_rotating_x_forwarded_for_gets_429_within_6_tries(served: CoachProcess) -> None:
    email = unique_email()
    statuses = []
    async with httpx.AsyncClient(base_url=served.url, timeout=30) as client:
        for n in range(6):
            forged = {"X-Forwarded-For": f"203.0.113.{n + 1}", "X-Real-IP": f"198.51.100.{n}"}
            response = await client.post(
                "/v1/auth/login",
                json={"email": email, "password": "not the password"},
                headers=forged,
            )
            statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429]


async def test_8_concurrent_registrations_of_one_email_create_one_account(
    served: CoachProcess,
) -> None:
    email = unique_email()
    body = {"email": email, "password": PASSWORD}
    async with httpx.AsyncClient(base_url=served.url, timeout=60) as client:
        responses = await asyncio.gather(
            *(client.post("/v1/auth/register", json=body) for _ in range(8))
        )
        login = await client.post("/v1/auth/login", json=body)
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1
    assert set(statuses) <= {201, 409, 429}
    assert login.status_code == 200


async def test_redis_stopped_keeps_limits_and_chat_and_answers_replay_503(
    served: CoachProcess, valkey: PrivateValkey
) -> None:
    email = unique_email()
    body = {"email": email, "password": PASSWORD}
    async with httpx.AsyncClient(base_url=served.url, timeout=60) as client:
        assert (await client.post("/v1/auth/register", json=body)).status_code == 201
        token = (await client.post("/v1/auth/login", json=body)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        first = await client.post("/v1/coach/chat", json={"message": "hi"}, headers=headers)
        session_id = json.loads(first.text.split("data: ", 1)[1].split("\n", 1)[0])["session_id"]

        valkey.stop()

        # The login limit still holds (counted in process)...
        other = {"email": unique_email(), "password": "not the password"}
        statuses = [(await client.post("/v1/auth/login", json=other)).status_code for _ in range(7)]
        # ...a turn still runs (uncached tools, no replay log)...
        turn = await client.post(
            "/v1/coach/chat",
            json={"message": "how am I doing?", "session_id": session_id},
            headers={**headers, "Accept": "application/json"},
        )
        # ...and a replay, which needs the log, is 503 problem+json.
        replay = await client.get(
            f"/v1/coach/sessions/{session_id}/stream",
            headers={**headers, "Last-Event-ID": "1"},
        )

    assert statuses == [401] * 5 + [429] * 2
    assert turn.status_code == 200
    assert [e["event"] for e in turn.json()["events"]][-1] == "done"
    assert replay.status_code == 503
    assert replay.headers["content-type"].startswith("application/problem+json")
    assert int(replay.headers["retry-after"]) >= 1
    assert "Traceback" not in served.log()
