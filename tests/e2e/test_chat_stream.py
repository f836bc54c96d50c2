"""POST /v1/coach/chat against a real uvicorn server, read with httpx-sse."""

from __future__ import annotations

import re
import uuid

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import AISession
from tests.e2e.conftest import LiveServer, MakeAccount, Sse, chat, reply_text

PAYLOAD_KEYS = {
    "session": {"session_id", "status"},
    "text": {"delta"},
    "tool_call": {"tool", "call_id", "args_summary"},
    "tool_result": {"tool", "call_id", "status", "cached", "latency_ms"},
    "policy": {"stage", "type", "severity", "action", "message"},
    "plan": {"plan", "adjusted", "changes"},
    "usage": {"input_tokens", "output_tokens"},
    "done": {"session_id", "message_count", "tokens_used"},
    "error": {"code", "message"},
}


def assert_contract(events: list[Sse]) -> None:
    """Order, ids and payload keys as the contract lists them."""
    assert events[0].event == "session" and events[-1].event in ("done", "error")
    assert [e.id for e in events] == list(range(1, len(events) + 1))
    for event in events:
        assert set(event.data) == PAYLOAD_KEYS[event.event], event
    calls = {e.data["call_id"]: i for i, e in enumerate(events) if e.event == "tool_call"}
    results = {e.data["call_id"]: i for i, e in enumerate(events) if e.event == "tool_result"}
    assert calls.keys() == results.keys()
    assert all(calls[c] < results[c] for c in calls)


async def stored_session(factory: async_sessionmaker[AsyncSession], session_id: str) -> AISession:
    async with factory() as db:
        row = await db.get(AISession, uuid.UUID(session_id), populate_existing=True)
    assert row is not None
    return row


async def test_chat_streams_session_tools_text_usage_done_in_order(
    live_server: LiveServer,
    http: httpx.AsyncClient,
    make_account: MakeAccount,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    account = await make_account()
    body = {"message": "How am I doing?"}

    async with http.stream(
        "POST", "/v1/coach/chat", json=body, headers=account.headers
    ) as response:
        raw = (await response.aread()).decode()
    status, events, _ = await chat(http, account.headers, "How am I doing?")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    # On the wire: an id and an event name and one JSON data line per event.
    first_block = raw.split("\r\n\r\n")[0].split("\r\n")
    assert first_block[0] == "id: 1" and first_block[1] == "event: session"
    assert first_block[2].startswith("data: {")

    assert status == 200
    assert_contract(events)
    kinds = [e.event for e in events]
    assert kinds.count("tool_call") >= 2
    assert kinds.index("usage") == len(kinds) - 2 and kinds[-1] == "done"
    session_id = events[0].data["session_id"]
    assert events[0].data["status"] == "active"
    done = events[-1].data
    assert done["session_id"] == session_id
    assert all(e.data["status"] == "success" for e in events if e.event == "tool_result")
    assert reply_text(events).strip()
    stored = await stored_session(session_factory, session_id)
    usage = next(e.data for e in events if e.event == "usage")
    assert stored.message_count == done["message_count"]
    assert stored.tokens_used == done["tokens_used"]
    assert done["tokens_used"] == usage["input_tokens"] + usage["output_tokens"]


async def test_second_turn_continues_the_session_and_its_history(
    http: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()
    _, first, _ = await chat(http, account.headers, "How is my weight trending?")
    session_id = first[0].data["session_id"]

    status, second, _ = await chat(http, account.headers, "And my nutrition?", session_id)

    assert status == 200
    assert_contract(second)
    assert second[0].data["session_id"] == session_id
    assert second[-1].data["message_count"] > first[-1].data["message_count"]
    detail = (await http.get(f"/v1/coach/sessions/{session_id}", headers=account.headers)).json()
    users = [item["text"] for item in detail["history"] if item["role"] == "user"]
    assert users == ["How is my weight trending?", "And my nutrition?"]
    replies = [item["text"] for item in detail["history"] if item["role"] == "assistant"]
    assert replies[-1] == reply_text(second)
    assert detail["message_count"] == second[-1].data["message_count"]
    assert "turn" not in detail["metadata"]  # the engine's claim marker stays internal


async def test_accept_json_returns_the_whole_turn_as_one_object(
    http: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()

    response = await http.post(
        "/v1/coach/chat",
        json={"message": "How am I doing?"},
        headers={**account.headers, "Accept": "application/json"},
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    events = [Sse(e["event"], e["id"], e["data"]) for e in body["events"]]
    assert_contract(events)
    assert body["session_id"] == events[0].data["session_id"]
    assert body["reply"] == reply_text(events) and body["reply"]
    assert body["usage"] == next(e.data for e in events if e.event == "usage")
    assert body["message_count"] == events[-1].data["message_count"]
    assert body["tokens_used"] == events[-1].data["tokens_used"]
    assert body["error"] is None


async def test_unknown_session_is_404_problem_before_any_event(
    http: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()

    status, events, problem = await chat(http, account.headers, "hello", str(uuid.uuid4()))

    assert status == 404 and events == []
    assert problem is not None and problem["status"] == 404


async def test_completed_session_refuses_messages_with_409_and_a_hint(
    http: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()
    created = await http.post("/v1/coach/sessions", json={}, headers=account.headers)
    session_id = created.json()["id"]
    assert created.status_code == 201 and created.json()["status"] == "active"

    completed = await http.post(
        f"/v1/coach/sessions/{session_id}/complete", headers=account.headers
    )
    status, events, problem = await chat(http, account.headers, "hello", session_id)

    assert completed.status_code == 200 and completed.json()["status"] == "completed"
    assert status == 409 and events == []
    assert problem is not None and problem["hint"] and problem["session_status"] == "completed"


async def test_idle_session_expires_and_refuses_messages_with_409(
    live_server: LiveServer,
    http: httpx.AsyncClient,
    make_account: MakeAccount,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    account = await make_account()
    _, first, _ = await chat(http, account.headers, "hello")
    session_id = first[0].data["session_id"]
    idle = live_server.state.config.coach.coach_session_idle_minutes
    async with session_factory() as db:
        await db.execute(
            sa.update(AISession)
            .where(AISession.id == uuid.UUID(session_id))  # type: ignore[arg-type]
            .values(last_message_at=sa.func.now() - sa.text(f"interval '{idle + 1} minutes'"))
        )
        await db.commit()

    status, _, problem = await chat(http, account.headers, "still there?", session_id)
    detail = await http.get(f"/v1/coach/sessions/{session_id}", headers=account.headers)

    assert status == 409
    assert problem is not None and problem["session_status"] == "expired" and problem["hint"]
    assert detail.json()["status"] == "expired"
    assert detail.json()["message_count"] == first[-1].data["message_count"]


async def test_replay_after_last_event_id_returns_the_rest_of_the_turn(
    http: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()
    _, events, _ = await chat(http, account.headers, "How am I doing?")
    session_id = events[0].data["session_id"]
    url = f"/v1/coach/sessions/{session_id}/stream"

    async def replay(**kwargs: object) -> list[Sse]:
        from httpx_sse import aconnect_sse

        out = []
        async with aconnect_sse(http, "GET", url, **kwargs) as src:  # type: ignore[arg-type]
            assert src.response.status_code == 200
            async for sse in src.aiter_sse():
                out.append(Sse(sse.event, int(sse.id), __import__("json").loads(sse.data)))
        return out

    by_header = await replay(headers={**account.headers, "Last-Event-ID": "3"})
    by_query = await replay(headers=account.headers, params={"last_event_id": 0})
    nothing_left = await http.get(
        url, headers={**account.headers, "Last-Event-ID": str(events[-1].id)}
    )

    assert by_header == events[3:]
    assert by_query == events
    assert nothing_left.status_code == 204


async def test_replay_of_a_session_without_turns_is_404(
    http: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()
    created = await http.post("/v1/coach/sessions", json={}, headers=account.headers)

    response = await http.get(
        f"/v1/coach/sessions/{created.json()['id']}/stream", headers=account.headers
    )

    assert response.status_code == 404


async def test_ten_concurrent_posts_on_one_session_lose_no_message(
    http: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    import asyncio

    account = await make_account()
    _, first, _ = await chat(http, account.headers, "hello")
    session_id = first[0].data["session_id"]
    per_turn = first[-1].data["message_count"]  # what one turn adds, measured
    messages = [f"note number {n}" for n in range(10)]

    outcomes = await asyncio.gather(*(chat(http, account.headers, m, session_id) for m in messages))

    succeeded = [m for m, (status, ev, _) in zip(messages, outcomes, strict=True) if status == 200]
    refused = [problem for status, _, problem in outcomes if status != 200]
    assert all(p is not None and p["status"] == 409 for p in refused)
    assert all(p is not None and p["detail"] == "turn in progress" for p in refused)
    assert len(succeeded) + len(refused) == 10 and succeeded
    for status, events, _ in outcomes:
        if status == 200:
            assert events[-1].event == "done"
    detail = (await http.get(f"/v1/coach/sessions/{session_id}", headers=account.headers)).json()
    users = [item["text"] for item in detail["history"] if item["role"] == "user"]
    assert users[0] == "hello"
    assert sorted(users[1:]) == sorted(succeeded)
    assert detail["message_count"] == per_turn * (1 + len(succeeded))


async def test_policy_input_block_streams_a_policy_event_and_safe_reply(
    http: httpx.AsyncClient, make_account: MakeAccount
) -> None:
    account = await make_account()

    status, events, _ = await chat(
        http, account.headers, "I want to eat 500 kcal a day to lose weight fast"
    )

    assert status == 200
    assert_contract(events)
    policy = [e.data for e in events if e.event == "policy"]
    assert policy and policy[0]["stage"] == "input"
    assert policy[0]["action"] in ("block", "refer", "adjust")
    assert not any(e.event == "tool_call" for e in events)
    assert re.search(r"\d", reply_text(events))
