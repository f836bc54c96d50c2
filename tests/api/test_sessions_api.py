"""The coach sessions endpoints, in-process: listing, history, deletion and IDOR."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from pydantic_ai.messages import (
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from persistence.enums import PolicyViolationType, SessionStatus, ToolCallStatus
from persistence.models import AIPolicyViolationLog, AISession, AIToolCallLog, User
from persistence.repositories import ai_logs, ai_sessions


async def _user(factory: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    async with factory() as db:
        user = User(email=f"s-{uuid.uuid4().hex[:12]}@example.com", hashed_password="x")
        db.add(user)
        await db.commit()
        return user.id


def _headers(app: FastAPI, user_id: uuid.UUID) -> dict[str, str]:
    token = app.state.coach.tokens.encode(user_id, now=dt.datetime.now(dt.UTC))
    return {"Authorization": f"Bearer {token}"}


async def _session(
    factory: async_sessionmaker[AsyncSession],
    user_id: uuid.UUID,
    *,
    history: list[Any] | None = None,
    last_message_at: dt.datetime | None = None,
    status: SessionStatus = SessionStatus.ACTIVE,
) -> uuid.UUID:
    async with factory() as db:
        session = await ai_sessions.create(db, user_id=user_id)
        if history:
            await ai_sessions.append_turn(
                db,
                session=session,
                new_messages=history,
                messages_added=len(history),
                tokens=10,
                at=last_message_at or dt.datetime.now(dt.UTC),
            )
        elif last_message_at is not None:
            session.last_message_at = last_message_at
        session.status = status
        await db.commit()
        return session.id


def _history() -> list[Any]:
    messages = [
        ModelRequest(parts=[UserPromptPart(content="How is my weight trending?")]),
        ModelResponse(
            parts=[ToolCallPart("get_weight_trend", {"days": 14}, tool_call_id="call-1")]
        ),
        ModelRequest(
            parts=[ToolReturnPart("get_weight_trend", {"trend_kg": 81.2}, tool_call_id="call-1")]
        ),
        ModelResponse(parts=[TextPart("Your 14-day trend is 81.2 kg.")]),
    ]
    dumped: list[Any] = json.loads(ModelMessagesTypeAdapter.dump_json(messages))
    return dumped


async def test_list_sessions_pages_most_recent_first_with_total(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await _user(session_factory)
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    created = {
        await _session(session_factory, user_id, last_message_at=base + dt.timedelta(hours=i)): i
        for i in range(5)
    }
    expected = sorted(created, key=lambda sid: created[sid], reverse=True)
    headers = _headers(app, user_id)

    first = (await client.get("/v1/coach/sessions?limit=2", headers=headers)).json()
    last = (await client.get("/v1/coach/sessions?limit=2&offset=4", headers=headers)).json()

    assert first["total"] == 5 and first["next_offset"] == 2
    assert [uuid.UUID(s["id"]) for s in first["items"]] == expected[:2]
    assert [uuid.UUID(s["id"]) for s in last["items"]] == expected[4:]
    assert last["next_offset"] is None


async def test_list_sessions_filters_by_status(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await _user(session_factory)
    done = await _session(session_factory, user_id, status=SessionStatus.COMPLETED)
    await _session(session_factory, user_id)

    page = await client.get("/v1/coach/sessions?status=completed", headers=_headers(app, user_id))

    assert page.status_code == 200
    assert [s["id"] for s in page.json()["items"]] == [str(done)]
    assert page.json()["total"] == 1


async def test_list_sessions_rejects_limit_out_of_range_naming_the_field(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await _user(session_factory)
    response = await client.get("/v1/coach/sessions?limit=0", headers=_headers(app, user_id))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"


async def test_get_session_renders_history_with_roles_and_tool_calls(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await _user(session_factory)
    session_id = await _session(session_factory, user_id, history=_history())

    response = await client.get(f"/v1/coach/sessions/{session_id}", headers=_headers(app, user_id))

    assert response.status_code == 200
    body = response.json()
    assert body["message_count"] == 4
    history = body["history"]
    assert [item["role"] for item in history] == ["user", "assistant", "tool", "assistant"]
    assert history[0]["text"] == "How is my weight trending?"
    assert history[1]["tool_calls"] == [
        {"tool": "get_weight_trend", "call_id": "call-1", "args": {"days": 14}}
    ]
    assert history[2]["tool"] == "get_weight_trend" and history[2]["status"] == "success"
    assert json.loads(history[2]["text"]) == {"trend_kg": 81.2}
    assert history[3]["text"] == "Your 14-day trend is 81.2 kg."


async def test_delete_session_removes_it_with_tool_and_violation_logs(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await _user(session_factory)
    session_id = await _session(session_factory, user_id)
    async with session_factory() as db:
        await ai_logs.add_tool_call(
            db,
            session_id=session_id,
            user_id=user_id,
            tool_name="get_weight_trend",
            tool_category="data",
            input_hash="h",
            input_summary=None,
            output_summary=None,
            status=ToolCallStatus.SUCCESS,
            error_message=None,
            latency_ms=3,
            cached=False,
        )
        violation = await ai_logs.add_violation(
            db,
            user_id=user_id,
            session_id=session_id,
            violation_type=next(iter(PolicyViolationType)),
            severity="high",
            trigger_content="x",
            action_taken="block",
            details=None,
        )
        await db.commit()
    headers = _headers(app, user_id)

    deleted = await client.delete(f"/v1/coach/sessions/{session_id}", headers=headers)

    assert deleted.status_code == 204
    assert (
        await client.get(f"/v1/coach/sessions/{session_id}", headers=headers)
    ).status_code == 404
    async with session_factory() as db:
        tool_rows = await db.scalar(
            sa.select(sa.func.count())
            .select_from(AIToolCallLog)
            .where(col(AIToolCallLog.session_id) == session_id)
        )
        violation_row = await db.get(AIPolicyViolationLog, violation.id)
        session_row = await db.get(AISession, session_id)
    assert tool_rows == 0 and violation_row is None and session_row is None


async def test_another_users_session_is_404_on_every_endpoint(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    owner = await _user(session_factory)
    intruder = await _user(session_factory)
    session_id = await _session(session_factory, owner, history=_history())
    headers = _headers(app, intruder)

    answers = [
        await client.get(f"/v1/coach/sessions/{session_id}", headers=headers),
        await client.delete(f"/v1/coach/sessions/{session_id}", headers=headers),
        await client.post(f"/v1/coach/sessions/{session_id}/complete", headers=headers),
        await client.get(f"/v1/coach/sessions/{session_id}/stream", headers=headers),
        await client.post(
            "/v1/coach/chat",
            json={"message": "hello", "session_id": str(session_id)},
            headers=headers,
        ),
    ]

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert all(a.headers["content-type"].startswith("application/problem+json") for a in answers)
    listed = await client.get("/v1/coach/sessions", headers=headers)
    assert listed.json()["total"] == 0
    async with session_factory() as db:
        still_there = await db.get(AISession, session_id)
    assert still_there is not None and still_there.status == SessionStatus.ACTIVE


async def test_sessions_endpoints_require_a_token(client: httpx.AsyncClient) -> None:
    answers = [
        await client.get("/v1/coach/sessions"),
        await client.post("/v1/coach/sessions"),
        await client.post("/v1/coach/chat", json={"message": "hi"}),
    ]
    assert [a.status_code for a in answers] == [401, 401, 401]


async def test_chat_rejects_blank_message_naming_the_field(
    app: FastAPI, client: httpx.AsyncClient, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await _user(session_factory)
    response = await client.post(
        "/v1/coach/chat", json={"message": "   "}, headers=_headers(app, user_id)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.message"
