"""The SSE plumbing of coach turns (api.sse): wire format, heartbeats, errors, refusals."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Response

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
