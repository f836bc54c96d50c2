"""Slow and unsafe model replies over a real server: cancellation, resume, blocking, 409."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import pytest
from httpx_sse import aconnect_sse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import AISession
from tests.e2e.conftest import (
    AFTER_BLOCK,
    BLOCKED_SENTENCE,
    SAFE_SENTENCE,
    SLOW,
    SLOW_SENTENCES,
    UNSAFE,
    Account,
    LiveServer,
    MakeAccount,
    Sse,
    chat,
    client_for,
    decode,
    reply_text,
)


@pytest.fixture
async def scripted_http(scripted_server: LiveServer) -> httpx.AsyncClient:
    async with client_for(scripted_server) as client:
        yield client  # type: ignore[misc]


@pytest.fixture
async def account(make_account: MakeAccount, scripted_server: LiveServer) -> Account:
    return await make_account(live=scripted_server)


async def _history(
    http: httpx.AsyncClient, account: Account, session_id: str
) -> list[dict[str, object]]:
    detail = await http.get(f"/v1/coach/sessions/{session_id}", headers=account.headers)
    assert detail.status_code == 200
    history: list[dict[str, object]] = detail.json()["history"]
    return history


async def _wait_until_free(
    factory: async_sessionmaker[AsyncSession], session_id: str, before: int
) -> AISession:
    """The session once the cancelled turn has been persisted (bounded wait)."""
    for _ in range(200):
        async with factory() as db:
            row = await db.get(AISession, uuid.UUID(session_id), populate_existing=True)
        assert row is not None
        if row.message_count > before:
            return row
        await asyncio.sleep(0.05)
    raise AssertionError("the cancelled turn was never persisted")


async def test_disconnect_cancels_the_turn_and_keeps_what_completed(
    scripted_http: httpx.AsyncClient,
    account: Account,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    _, first, _ = await chat(scripted_http, account.headers, "hello")
    session_id = first[0].data["session_id"]
    before = first[-1].data["message_count"]

    _, partial, _ = await chat(
        scripted_http, account.headers, f"{SLOW} tell me a story", session_id, stop_after=4
    )
    stored = await _wait_until_free(session_factory, session_id, before)
    status, after, _ = await chat(scripted_http, account.headers, "How am I doing?", session_id)

    received = reply_text(partial)
    assert [e.event for e in partial[:2]] == ["session", "text"] and received
    assert status == 200 and after[-1].event == "done"
    assert after[0].data["session_id"] == session_id
    history = await _history(scripted_http, account, session_id)
    users = [item["text"] for item in history if item["role"] == "user"]
    assert users == ["hello", f"{SLOW} tell me a story", "How am I doing?"]
    cancelled_reply = next(
        str(item["text"])
        for item in history
        if item["role"] == "assistant" and str(item["text"]).startswith("Sentence 0")
    )
    # What the client saw was persisted; the run stopped long before the model's end.
    assert cancelled_reply.startswith(received)
    assert f"Sentence {SLOW_SENTENCES - 1} " not in cancelled_reply
    assert stored.message_count > before


async def test_replay_follows_a_running_turn_from_last_event_id(
    scripted_http: httpx.AsyncClient, account: Account
) -> None:
    body = {"message": f"{SLOW} go slowly"}
    live: list[Sse] = []
    async with aconnect_sse(
        scripted_http, "POST", "/v1/coach/chat", json=body, headers=account.headers
    ) as source:
        events = source.aiter_sse()
        while len(live) < 3:
            sse = await anext(events)
            live.append(decode(sse.event, sse.id, sse.data))
        session_id = live[0].data["session_id"]
        resumed: list[Sse] = []
        # A second connection resumes after event 3 while the first is still reading.
        async with aconnect_sse(
            scripted_http,
            "GET",
            f"/v1/coach/sessions/{session_id}/stream",
            headers={**account.headers, "Last-Event-ID": "3"},
        ) as replay:
            assert replay.response.status_code == 200
            async for sse in replay.aiter_sse():
                resumed.append(decode(sse.event, sse.id, sse.data))
        async for sse in events:
            live.append(decode(sse.event, sse.id, sse.data))

    assert live[-1].event == "done"
    assert resumed == live[3:]
    assert reply_text(live).count("slow reply") == SLOW_SENTENCES


async def test_second_message_during_a_running_turn_gets_409_turn_in_progress(
    scripted_http: httpx.AsyncClient, account: Account
) -> None:
    async with aconnect_sse(
        scripted_http,
        "POST",
        "/v1/coach/chat",
        json={"message": f"{SLOW} take your time"},
        headers=account.headers,
    ) as source:
        # Keep the iterator referenced: a collected one closes the response (a disconnect).
        stream = source.aiter_sse()
        first = await anext(stream)
        session_id = json.loads(first.data)["session_id"]
        # A new session is announced before it is claimed: wait for the turn's next event
        # (the claim is made by then), else a fast second message could find no session.
        await anext(stream)
        status, events, problem = await chat(
            scripted_http, account.headers, "are you there?", session_id
        )
        rest = [sse.event async for sse in stream]

    assert status == 409 and events == []
    assert problem is not None and problem["detail"] == "turn in progress"
    assert rest[-1] == "done"


async def test_blocked_sentence_never_reaches_the_client(
    scripted_http: httpx.AsyncClient, account: Account
) -> None:
    status, events, _ = await chat(scripted_http, account.headers, f"{UNSAFE} any tips?")

    assert status == 200 and events[-1].event == "done"
    text = reply_text(events)
    assert text.startswith(SAFE_SENTENCE)
    assert BLOCKED_SENTENCE.strip() not in text and "5 days straight" not in text
    assert AFTER_BLOCK.strip() not in text
    policy = [e.data for e in events if e.event == "policy"]
    assert [(p["stage"], p["action"]) for p in policy] == [("output", "block")]
    # The replacement follows the policy event; nothing of the blocked sentence is stored.
    kinds = [e.event for e in events]
    assert kinds.index("policy") < max(i for i, k in enumerate(kinds) if k == "text")
    session_id = events[0].data["session_id"]
    history = await _history(scripted_http, account, session_id)
    stored = " ".join(str(i["text"]) for i in history if i["role"] == "assistant")
    assert "5 days straight" not in stored
