"""The SSE plumbing of coach turns (api.sse): wire format, heartbeats, errors, refusals."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI, Response
from starlette.types import Message

from api.errors import ApiError, install_error_handlers
from api.sse import event_stream_response, prime
from coach.errors import TurnInProgress
from coach.events import ERROR_CODES, ChatEvent, EventCounter
from tests.support import sse_blocks


def _app(stream: AsyncIterator[ChatEvent], *, heartbeat: float = 15) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/turn")
    async def turn() -> Response:
        try:
            primed = await prime(stream)
        except TurnInProgress as exc:
            raise ApiError(409, "turn in progress") from exc
        return event_stream_response(primed, heartbeat_seconds=heartbeat)

    return app


async def _post(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.post("/turn")


async def test_events_carry_id_event_and_one_json_data_line() -> None:
    counter = EventCounter()
    session_id = uuid.uuid4()

    async def turn() -> AsyncIterator[ChatEvent]:
        yield counter.session(session_id, "active")
        yield counter.text("two\nlines é")
        yield counter.make("done", {"session_id": str(session_id), "message_count": 2})

    response = await _post(_app(turn()))

    blocks = sse_blocks(response.text)
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    assert [(b["id"], b["event"]) for b in blocks] == [
        ("1", "session"),
        ("2", "text"),
        ("3", "done"),
    ]
    assert json.loads(blocks[1]["data"]) == {"delta": "two\nlines é"}
    assert json.loads(blocks[0]["data"])["session_id"] == str(session_id)


async def test_idle_stream_sends_heartbeat_comments() -> None:
    counter = EventCounter()

    async def turn() -> AsyncIterator[ChatEvent]:
        yield counter.session(uuid.uuid4(), "active")
        await asyncio.sleep(0.35)
        yield counter.make("done", {})

    response = await _post(_app(turn(), heartbeat=0.1))

    assert any(":" in b and b[":"].startswith("ping") for b in sse_blocks(response.text))


async def test_failure_mid_stream_ends_with_an_error_event_without_internals(
    caplog: pytest.LogCaptureFixture,
) -> None:
    counter = EventCounter()

    async def turn() -> AsyncIterator[ChatEvent]:
        yield counter.session(uuid.uuid4(), "active")
        yield counter.text("Hello. ")
        raise RuntimeError("db password is hunter2")

    response = await _post(_app(turn()))

    blocks = [b for b in sse_blocks(response.text) if "event" in b]
    assert blocks[-1]["event"] == "error" and blocks[-1]["id"] == "3"
    assert json.loads(blocks[-1]["data"]) == {
        "code": "internal",
        "message": ERROR_CODES["internal"],
    }
    assert "hunter2" not in response.text
    assert "hunter2" in caplog.text


async def test_refusal_before_the_first_event_is_a_problem_not_a_stream() -> None:
    async def turn() -> AsyncIterator[ChatEvent]:
        raise TurnInProgress(uuid.uuid4())
        yield  # pragma: no cover - makes this an async generator

    response = await _post(_app(turn()))

    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "turn in progress"


async def _call(response: Response, send: Callable[[Message], Awaitable[None]]) -> None:
    """Run an ASGI response for a POST with a client that never disconnects."""
    never = asyncio.Event()

    async def receive() -> Message:
        await never.wait()
        return {"type": "http.disconnect"}

    scope = {"type": "http", "method": "POST", "path": "/turn", "headers": []}
    await response(scope, receive, send)


async def test_first_event_leaves_with_the_headers_from_the_requests_own_task() -> None:
    counter = EventCounter()
    later = asyncio.Event()

    async def turn() -> AsyncIterator[ChatEvent]:
        yield counter.session(uuid.uuid4(), "active")
        await later.wait()
        yield counter.make("done", {})

    sent: list[tuple[Message, asyncio.Task[object] | None]] = []

    async def send(message: Message) -> None:
        sent.append((message, asyncio.current_task()))
        if len(sent) == 2:
            later.set()

    caller = asyncio.create_task(_call(event_stream_response(await prime(turn())), send))
    await caller

    kinds = [m["type"] for m, _ in sent]
    assert kinds.count("http.response.start") == 1
    assert [(m["type"], task) for m, task in sent[:2]] == [
        ("http.response.start", caller),
        ("http.response.body", caller),
    ]
    events = [sse_blocks(m.get("body", b"").decode()) for m, _ in sent[1:]]
    assert [b["event"] for chunk in events for b in chunk if "event" in b] == ["session", "done"]
    assert sent[-1][0] == {"type": "http.response.body", "body": b"", "more_body": False}


async def test_a_failed_first_send_closes_the_turn() -> None:
    counter = EventCounter()
    closed = asyncio.Event()

    async def turn() -> AsyncIterator[ChatEvent]:
        try:
            yield counter.session(uuid.uuid4(), "active")
            yield counter.make("done", {})
        finally:
            closed.set()

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            raise OSError("client gone")

    with pytest.raises(OSError, match="client gone"):
        await _call(event_stream_response(await prime(turn())), send)
    assert closed.is_set()
