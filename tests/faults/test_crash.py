"""``coach serve`` killed with SIGKILL in the middle of a streamed turn, then restarted.

What the client sees: the replay of the killed turn ends with ``turn_interrupted`` within
10 s, and the session takes a new turn within 10 s of the restart. What the database holds:
the killed turn's user message, and the session marked as having lost that turn.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from httpx_sse import aconnect_sse
from sqlalchemy.ext.asyncio import create_async_engine

from persistence.models import AISession, table_of
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.faults.conftest import CoachProcess, serve_env, sign_in

MODEL = "fault-model"


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A scripted OpenAI-compatible model on loopback."""
    with FakeOpenAI() as server:
        yield server


async def _stream_until_text(
    client: httpx.AsyncClient, headers: dict[str, str], message: str
) -> tuple[str, int]:
    """POST a message and read until the first ``text`` event: (session id, last event id)."""
    session_id = ""
    async with aconnect_sse(
        client, "POST", "/v1/coach/chat", json={"message": message}, headers=headers
    ) as source:
        assert source.response.status_code == 200
        async for event in source.aiter_sse():
            if event.event == "session":
                session_id = json.loads(event.data)["session_id"]
            if event.event == "text":
                return session_id, int(event.id)
    raise AssertionError("the turn ended before any text")


async def test_sigkill_mid_turn_keeps_the_message_and_frees_the_session_within_10s(
    coach_process: Callable[..., CoachProcess],
    fake_openai: FakeOpenAI,
    database_url: str,
    redis_url: str,
    tmp_path: Path,
) -> None:
    env = serve_env(
        database_url=database_url,
        data_dir=tmp_path,
        redis_url=redis_url,
        COACH_MODEL=f"openai-chat:{MODEL}",
        OPENAI_BASE_URL=fake_openai.base_url,
        OPENAI_API_KEY="sk-fault-suite",
        COACH_EVENT_LOG_PREFIX=f"fault:{uuid.uuid4().hex[:8]}",
        TOOL_CACHE_PREFIX=f"fault:{uuid.uuid4().hex[:8]}",
    )
    # The first turn says a sentence, then stalls (the process is killed meanwhile); the
    # turn after the restart answers at once.
    fake_openai.script(
        MODEL,
        Reply.say("Here is the first sentence. ", "And then a long pause", gap_s=60),
        Reply.say("I am back. "),
    )
    first = coach_process(env)
    first.start()
    async with httpx.AsyncClient(base_url=first.url, timeout=30) as client:
        headers = await sign_in(client)
        session_id, last_id = await _stream_until_text(client, headers, "remember my question")
    first.kill()

    second = coach_process(env, port=first.port)
    second.start()
    restarted = time.monotonic()
    async with httpx.AsyncClient(base_url=second.url, timeout=30) as client:
        replay = await client.get(
            f"/v1/coach/sessions/{session_id}/stream",
            headers={**headers, "Last-Event-ID": str(last_id)},
        )
        replayed_in = time.monotonic() - restarted
        events = [_parse(block) for block in replay.text.split("\n\n") if block.strip()]
        statuses: list[int] = []
        done: list[dict[str, Any]] = []
        while time.monotonic() - restarted < 10 and not done:
            response = await client.post(
                "/v1/coach/chat",
                json={"message": "are you still there?", "session_id": session_id},
                headers={**headers, "Accept": "application/json"},
            )
            statuses.append(response.status_code)
            if response.status_code == 200:
                done = [e for e in response.json()["events"] if e["event"] == "done"]
            else:
                await asyncio.sleep(0.5)
        usable_in = time.monotonic() - restarted

    assert replay.status_code == 200, (replay.status_code, replay.text, second.log())
    assert replayed_in < 10
    assert [e.get("event") for e in events if e.get("event")][-1] == "error"
    assert json.loads(events[-1]["data"])["code"] == "turn_interrupted"
    assert done, f"session still refused 10 s after the restart: {statuses}"
    assert usable_in < 10
    assert set(statuses) <= {200, 409}

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            s = table_of(AISession)
            row = (
                await conn.execute(
                    sa.select(s.c.conversation_history, s.c["metadata"]).where(
                        s.c.id == uuid.UUID(session_id)
                    )
                )
            ).one()
    finally:
        await engine.dispose()
    prompts = [
        part["content"]
        for message in row[0]
        for part in message.get("parts", [])
        if part.get("part_kind") == "user-prompt"
    ]
    assert prompts == ["remember my question", "are you still there?"]
    assert "turn" not in row[1]
    assert row[1]["interrupted_turn"]["id"]


def _parse(block: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in block.splitlines():
        name, _, value = line.partition(": ")
        fields[name] = value
    return fields
