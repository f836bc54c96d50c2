"""PostgreSQL or Redis unreachable: 503 problem+json with ``Retry-After``, never a 500.

The unreachable servers are real addresses nobody listens on (connections are refused);
the fault suite (``tests/faults``) stops real servers under load.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.state import AppConfig
from tests.api.conftest import MakeDataUser
from tests.support import sse_blocks

DEAD_REDIS = "redis://127.0.0.1:1/0"


def _assert_503(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) >= 1


@pytest.fixture
def dead_redis_config(app_config: AppConfig) -> AppConfig:
    """Every Redis user (limiter, cache, event log) pointed at a closed port."""
    app_config.api.redis_url = DEAD_REDIS
    app_config.tools.redis_url = DEAD_REDIS
    app_config.coach.redis_url = DEAD_REDIS
    return app_config


async def test_replay_with_redis_unreachable_is_503(
    dead_redis_config: AppConfig, client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()
    created = await client.post("/v1/coach/sessions", headers=user.headers)
    assert created.status_code == 201
    response = await client.get(
        f"/v1/coach/sessions/{created.json()['id']}/stream",
        headers={**user.headers, "Last-Event-ID": "1"},
    )
    _assert_503(response)


async def test_chat_still_answers_with_redis_unreachable(
    dead_redis_config: AppConfig, client: httpx.AsyncClient, data_user: MakeDataUser
) -> None:
    user = await data_user()
    response = await client.post(
        "/v1/coach/chat", json={"message": "how am I doing?"}, headers=user.headers
    )
    assert response.status_code == 200
    assert "event: done" in response.text


@pytest.fixture
async def dead_db_app(app_config: AppConfig) -> FastAPI:
    """An app whose database is a closed port (configured, so nothing is started)."""
    app_config.database.database_url = "postgresql+asyncpg://postgres@127.0.0.1:1/none"
    return create_app(app_config)


async def test_database_unreachable_is_503_on_every_kind_of_route(
    dead_db_app: FastAPI, unique_email: Callable[[], str]
) -> None:
    async with dead_db_app.router.lifespan_context(dead_db_app):
        state = dead_db_app.state.coach
        token = state.tokens.encode(uuid.uuid4(), now=state.clock())
        headers = {"Authorization": f"Bearer {token}"}
        transport = httpx.ASGITransport(app=dead_db_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            body = {"email": unique_email(), "password": "correct horse battery"}
            _assert_503(await client.post("/v1/auth/login", json=body))
            _assert_503(await client.get("/v1/me", headers=headers))
            # A turn of an existing session is refused before its stream starts...
            _assert_503(
                await client.post(
                    "/v1/coach/chat",
                    json={"message": "hi", "session_id": str(uuid.uuid4())},
                    headers=headers,
                )
            )
            # ...a stream that starts a new session announces it first, then ends with an
            # `unavailable` error event.
            started = await client.post("/v1/coach/chat", json={"message": "hi"}, headers=headers)
            assert started.status_code == 200
            events = sse_blocks(started.text)
            assert [e.get("event") for e in events] == ["session", "error"]
            assert json.loads(events[-1]["data"])["code"] == "unavailable"
            _assert_503(
                await client.post(
                    "/v1/coach/chat",
                    json={"message": "hi"},
                    headers={**headers, "Accept": "application/json"},
                )
            )
