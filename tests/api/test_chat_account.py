"""The chat route answers 403 to inactive accounts and 401 to deleted ones."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.api.test_sessions_api import _headers, _user
from tests.support import deactivate_user


async def test_chat_refuses_inactive_and_unknown_users(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    uid = await _user(session_factory)
    h = _headers(app, uid)
    ok = await client.post(
        "/v1/coach/chat", json={"message": "hi"}, headers={**h, "Accept": "application/json"}
    )
    assert ok.status_code == 200, ok.text
    sid = ok.json()["session_id"]
    await deactivate_user(session_factory, uid)
    r = await client.post("/v1/coach/chat", json={"message": "hi"}, headers=h)
    assert r.status_code == 403, r.text
    r = await client.post("/v1/coach/chat", json={"message": "hi", "session_id": sid}, headers=h)
    assert r.status_code == 403, r.text
    gone = _headers(app, uuid.uuid4())
    r = await client.post("/v1/coach/chat", json={"message": "hi"}, headers=gone)
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"] == "Bearer"
    r = await client.post("/v1/coach/chat", json={"message": "hi", "session_id": sid}, headers=gone)
    assert r.status_code == 401, r.text
