"""Probes and metrics: /healthz, /readyz (PostgreSQL, Redis), /metrics behind the admin key."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.settings import ApiSettings
from api.state import AppConfig
from persistence.settings import DatabaseSettings

ADMIN_KEY = "metrics-admin-key-0123456789"
JSON = {"Accept": "application/json"}


async def _client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@pytest.fixture
async def ops_client(app_config: AppConfig) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app with an admin key and, when the tests have one, Redis."""
    app_config.api = ApiSettings(
        jwt_secret="test-secret-" + "x" * 40,
        admin_api_key=ADMIN_KEY,
        redis_url=os.environ.get("TEST_REDIS_URL"),
    )
    async for client in _client(create_app(app_config)):
        yield client


@pytest.fixture
async def down_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose PostgreSQL and Redis do not answer (nothing listens)."""
    config = AppConfig(
        database=DatabaseSettings(
            database_url="postgresql://postgres@127.0.0.1:9/none", coach_data_dir=tmp_path
        ),
        api=ApiSettings(jwt_secret="test-secret-" + "x" * 40, redis_url="redis://127.0.0.1:9/0"),
    )
    async for client in _client(create_app(config)):
        yield client


async def test_healthz_and_readyz_answer_200_when_everything_is_up(
    ops_client: httpx.AsyncClient,
) -> None:
    live = await ops_client.get("/healthz")
    ready = await ops_client.get("/readyz")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    assert ready.status_code == 200, ready.text
    expected = {"postgresql": "ok"} | ({"redis": "ok"} if os.environ.get("TEST_REDIS_URL") else {})
    assert ready.json()["checks"] == expected


async def test_readyz_is_503_naming_the_parts_that_are_down(down_client: httpx.AsyncClient) -> None:
    assert (await down_client.get("/healthz")).status_code == 200
    ready = await down_client.get("/readyz")
    assert ready.status_code == 503
    assert ready.headers["content-type"] == "application/problem+json"
    body = ready.json()
    assert body["detail"] == "not ready: postgresql, redis unavailable"
    assert body["checks"]["postgresql"] != "ok" and body["checks"]["redis"] != "ok"
    health = await down_client.get("/v1/health")
    assert health.status_code == 503 and "database unavailable" in health.json()["detail"]


async def test_metrics_need_the_admin_key(ops_client: httpx.AsyncClient) -> None:
    assert (await ops_client.get("/metrics")).status_code == 401
    wrong = await ops_client.get("/metrics", headers={"X-Admin-Key": "nope"})
    assert wrong.status_code == 403
    bearer = await ops_client.get("/metrics", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert bearer.status_code == 200
    assert bearer.headers["content-type"].startswith("text/plain")


async def test_metrics_are_404_without_an_admin_key(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 404


def _samples(text: str, name: str) -> dict[str, float]:
    """``{'{labels}': value}`` of one metric in Prometheus text."""
    found = {}
    for match in re.finditer(rf"^{name}(\{{[^}}]*\}})? ([0-9.e+-]+)$", text, re.M):
        found[match.group(1) or ""] = float(match.group(2))
    return found


async def test_metrics_count_a_turn_its_tool_calls_and_its_policy_decision(
    ops_client: httpx.AsyncClient, data_user: Any
) -> None:
    user = await data_user(profile={"height_cm": 170, "sex": "female", "birth_year": 1990})
    response = await ops_client.post(
        "/v1/coach/chat", json={"message": "how am I doing?"}, headers={**user.headers, **JSON}
    )
    assert response.status_code == 200, response.text
    events = response.json()["events"]
    tools = [e["data"]["tool"] for e in events if e["event"] == "tool_result"]
    assert tools, "the offline coach calls tools for this question"

    text = (await ops_client.get("/metrics", headers={"X-Admin-Key": ADMIN_KEY})).text

    assert _samples(text, "coach_turns_total") == {'{outcome="done"}': 1.0}
    assert _samples(text, "coach_turn_duration_seconds_count") == {"": 1.0}
    assert _samples(text, "coach_turn_first_event_seconds_count") == {"": 1.0}
    calls = _samples(text, "coach_tool_calls_total")
    assert sum(calls.values()) == len(tools)
    assert all(f'tool="{tool}"' in " ".join(calls) for tool in tools)
    decisions = _samples(text, "coach_policy_decisions_total")
    assert decisions['{action="allow",stage="input"}'] == 1.0
    assert any('stage="output"' in labels for labels in decisions)
    pool = _samples(text, "coach_db_pool_connections")
    assert set(pool) == {'{state="in_use"}', '{state="idle"}', '{state="overflow"}'}
    assert pool['{state="in_use"}'] == 0 and pool['{state="idle"}'] >= 1  # all returned


async def test_metrics_count_rate_limit_rejections(ops_client: httpx.AsyncClient) -> None:
    # A fresh address: the limits live in the test Redis, shared with earlier runs.
    body = {"email": f"nobody-{uuid.uuid4().hex[:10]}@example.com", "password": "wrong pass 1"}
    statuses = [(await ops_client.post("/v1/auth/login", json=body)).status_code for _ in range(6)]
    assert statuses[-1] == 429 and statuses.count(429) == 1
    text = (await ops_client.get("/metrics", headers={"X-Admin-Key": ADMIN_KEY})).text
    assert _samples(text, "coach_rate_limit_rejections_total") == {'{limit="auth"}': 1.0}
