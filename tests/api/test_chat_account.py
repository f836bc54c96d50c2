"""The chat route refuses inactive accounts (403) and deleted ones (401).

A stream that starts a new session announces it before the claim, so there the refusal
arrives as an ``error`` event ``account_inactive`` after a ``session`` event, with nothing
stored.
"""

from __future__ import annotations

import json
import uuid

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import AISession, table_of
from tests.api.test_sessions_api import _headers, _user
from tests.support import deactivate_user, sse_blocks

JSON = {"Accept": "application/json"}


def _events(body: str) -> list[tuple[str, dict[str, object]]]:
    return [(b["event"], json.loads(b["data"])) for b in sse_blocks(body) if "event" in b]


async def _session_count(factory: async_sessionmaker[AsyncSession], uid: uuid.UUID) -> int:
    s = table_of(AISession)
    async with factory() as db:
        stmt = sa.select(sa.func.count()).select_from(s).where(s.c.user_id == uid)
        return int((await db.execute(stmt)).scalar_one())


async def test_chat_refuses_inactive_and_unknown_users(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    uid = await _user(session_factory)
    h = _headers(app, uid)
    ok = await client.post("/v1/coach/chat", json={"message": "hi"}, headers={**h, **JSON})
    assert ok.status_code == 200, ok.text
    sid = ok.json()["session_id"]
    await deactivate_user(session_factory, uid)
    r = await client.post("/v1/coach/chat", json={"message": "hi"}, headers={**h, **JSON})
    assert r.status_code == 403, r.text
    r = await client.post("/v1/coach/chat", json={"message": "hi", "session_id": sid}, headers=h)
    assert r.status_code == 403, r.text
    gone = _headers(app, uuid.uuid4())
    r = await client.post("/v1/coach/chat", json={"message": "hi"}, headers={**gone, **JSON})
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"] == "Bearer"
    r = await client.post("/v1/coach/chat", json={"message": "hi", "session_id": sid}, headers=gone)
    assert r.status_code == 401, r.text


async def test_new_session_stream_of_inactive_account_ends_with_error_and_stores_nothing(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    uid = await _user(session_factory)
    await deactivate_user(session_factory, uid)
    r = await client.post("/v1/coach/chat", json={"message": "hi"}, headers=_headers(app, uid))
    assert r.status_code == 200, r.text
    events = _events(r.text)
    assert [name for name, _ in events] == ["session", "error"]
    assert events[1][1]["code"] == "account_inactive"
    assert await _session_count(session_factory, uid) == 0
    # The announced id was never stored: the session does not exist.
    announced = events[0][1]["session_id"]
    got = await client.get(f"/v1/coach/sessions/{announced}", headers=_headers(app, uid))
    assert got.status_code == 403, got.text  # the account check of the sessions routes
