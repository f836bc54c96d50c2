"""The admin audit API: key guard, validation and aggregates on committed seeded rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.state import AppConfig
from tests.coach.test_audit_support import Seeded, group_by, seed, tool_stats

ADMIN_KEY = "admin-" + secrets.token_urlsafe(24)
BASE = "/v1/admin/audit"


@pytest.fixture
def app_config(app_config: AppConfig) -> AppConfig:
    """The shared test config with an admin key."""
    app_config.api.admin_api_key = ADMIN_KEY
    return app_config


@pytest.fixture
async def seeded(session_factory: async_sessionmaker[AsyncSession]) -> Seeded:
    async with session_factory() as db:
        rows = await seed(db, seed_value=202, calls=200, violations=50)
        await db.commit()
    return rows


def admin() -> dict[str, str]:
    return {"X-Admin-Key": ADMIN_KEY}


def window(seeded: Seeded) -> dict[str, str]:
    return {"from": seeded.start.isoformat(), "to": seeded.end.isoformat()}


def user_token(app: FastAPI, user_id: uuid.UUID) -> dict[str, str]:
    token = app.state.coach.tokens.encode(user_id, now=dt.datetime.now(dt.UTC))
    return {"Authorization": f"Bearer {token}"}


async def test_admin_tools_match_python_aggregates(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get(
        f"{BASE}/tools", params={**window(seeded), "by": "tool"}, headers=admin()
    )
    assert response.status_code == 200, response.text
    body = response.json()
    expected = tool_stats(seeded.calls)
    for name in ("calls", "success", "failed", "blocked", "cached", "max_ms"):
        assert body["total"][name] == expected[name], name
    for name in ("error_rate", "cache_hit_rate", "p50_ms", "p95_ms", "p99_ms"):
        assert body["total"][name] == pytest.approx(expected[name]), name
    per_tool = group_by(seeded.calls, lambda r: r["tool_name"])
    for group in body["groups"]:
        assert group["p99_ms"] == pytest.approx(tool_stats(per_tool[group["key"]])["p99_ms"])
    assert {g["key"] for g in body["groups"]} == set(per_tool)


async def test_admin_tools_filters_by_user_email(client: httpx.AsyncClient, seeded: Seeded) -> None:
    user = seeded.users[0]
    response = await client.get(
        f"{BASE}/tools", params={**window(seeded), "user": user.email}, headers=admin()
    )
    assert response.status_code == 200
    assert response.json()["total"]["calls"] == sum(r["user_id"] == user.id for r in seeded.calls)


async def test_admin_violations_session_user_and_slow(
    client: httpx.AsyncClient, seeded: Seeded
) -> None:
    response = await client.get(
        f"{BASE}/violations", params={**window(seeded), "by": "type"}, headers=admin()
    )
    assert response.status_code == 200
    body = response.json()
    expected = Counter(r["violation_type"].value for r in seeded.violations)
    assert {g["key"]: g["count"] for g in body["groups"]} == dict(expected)
    assert sum(d["count"] for d in body["trend"]) == len(seeded.violations)

    session_id = seeded.sessions[3]
    response = await client.get(f"{BASE}/session/{session_id}", headers=admin())
    assert response.status_code == 200
    calls = [r for r in seeded.calls if r["session_id"] == session_id]
    assert response.json()["totals"]["tool_calls"] == len(calls)
    assert sum(e["kind"] == "tool_call" for e in response.json()["entries"]) == len(calls)

    user = seeded.users[1]
    response = await client.get(f"{BASE}/user/{user.email}", headers=admin())
    assert response.status_code == 200
    assert response.json()["tools"]["total"]["calls"] == sum(
        r["user_id"] == user.id for r in seeded.calls
    )

    response = await client.get(
        f"{BASE}/slow", params={**window(seeded), "over": 3000, "limit": 5}, headers=admin()
    )
    assert response.status_code == 200
    slowest = sorted((r["latency_ms"] for r in seeded.calls), reverse=True)[:5]
    assert [c["latency_ms"] for c in response.json()["calls"]] == [
        ms for ms in slowest if ms >= 3000
    ]


async def test_admin_refuses_user_token(
    app: FastAPI, client: httpx.AsyncClient, seeded: Seeded
) -> None:
    headers = user_token(app, seeded.users[0].id)
    response = await client.get(f"{BASE}/tools", headers=headers)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "X-Admin-Key" in response.json()["detail"]
    # A user token next to a wrong key gets nowhere either.
    response = await client.get(
        f"{BASE}/tools", headers={**headers, "X-Admin-Key": "wrong-" + ADMIN_KEY}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Admin-Key": ""}, {"X-Admin-Key": ADMIN_KEY[:-1]}, {"X-Admin-Key": ADMIN_KEY + "x"}],
)
async def test_admin_refuses_missing_or_wrong_key(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    for path in ("/tools", "/violations", "/slow", f"/session/{uuid.uuid4()}", "/user/x@y.z"):
        response = await client.get(BASE + path, headers=headers)
        assert response.status_code == 401, path


@pytest.fixture
async def client_with(app_config: AppConfig) -> AsyncIterator[Any]:
    """A factory of clients for apps whose admin key differs from the shared one."""
    stack: list[Any] = []

    async def make(key: str | None) -> httpx.AsyncClient:
        config = dataclasses.replace(
            app_config, api=app_config.api.model_copy(update={"admin_api_key": key})
        )
        application = create_app(config)
        lifespan = application.router.lifespan_context(application)
        await lifespan.__aenter__()
        stack.append(lifespan)
        transport = httpx.ASGITransport(app=application)
        client = httpx.AsyncClient(transport=transport, base_url="http://test")
        stack.append(client)
        return client

    yield make
    for item in reversed(stack):
        if isinstance(item, httpx.AsyncClient):
            await item.aclose()
        else:
            await item.__aexit__(None, None, None)


@pytest.mark.parametrize("key", [None, "", "changeme", "short-key"])
async def test_admin_api_is_404_when_key_unset_or_placeholder(
    client_with: Any, key: str | None
) -> None:
    client = await client_with(key)
    for headers in ({}, {"X-Admin-Key": key or "anything"}):
        response = await client.get(f"{BASE}/tools", headers=headers)
        assert response.status_code == 404
    response = await client.get(f"{BASE}/session/{uuid.uuid4()}", headers={"X-Admin-Key": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/tools", {"since": "7x"}, "query.since"),
        ("/tools", {"since": "1d", "from": "2030-01-01"}, "query.since"),
        ("/violations", {"from": "2030-02-01", "to": "2030-01-01"}, "query.to"),
        ("/slow", {"to": "not-a-date"}, "query.to"),
        ("/tools", {"by": "weekday"}, "query.by"),
        ("/tools", {"limit": "0"}, "query.limit"),
        ("/violations", {"type": "rude"}, "query.type"),
        ("/slow", {"over": "-1"}, "query.over"),
        ("/session/not-a-uuid", {}, "path.session_id"),
    ],
)
async def test_admin_bad_input_is_422_naming_the_field(
    client: httpx.AsyncClient, path: str, params: dict[str, str], field: str
) -> None:
    response = await client.get(BASE + path, params=params, headers=admin())
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_admin_unknown_user_or_session_is_404(client: httpx.AsyncClient) -> None:
    for path in (
        f"/user/nobody-{uuid.uuid4().hex}@example.com",
        f"/user/{uuid.uuid4()}",
        f"/session/{uuid.uuid4()}",
    ):
        response = await client.get(BASE + path, headers=admin())
        assert response.status_code == 404, path
    response = await client.get(
        f"{BASE}/tools", params={"user": str(uuid.uuid4())}, headers=admin()
    )
    assert response.status_code == 404
