"""The OpenAI path over real HTTP against a local fake server: streaming, retries, fallback."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.events import ERROR_CODES
from persistence.repositories import ai_sessions
from tests.coach.helpers import EngineFactory, collect, named, text_of
from tests.fakes.openai_server import FakeOpenAI, Reply

pytestmark = pytest.mark.usefixtures("loopback_model_requests")


def _model() -> str:
    return f"m-{uuid.uuid4().hex[:8]}"


@pytest.fixture(params=["lean", "sdk"])
def openai_client(request: pytest.FixtureRequest) -> str:
    """Each test runs with the lean Chat Completions model and with the SDK's."""
    value: str = request.param
    return value


def _engine(
    make_engine: EngineFactory, server: FakeOpenAI, client: str, spec: str, **settings: Any
) -> Any:
    values: dict[str, Any] = {
        "coach_model": spec,
        "coach_openai_client": client,
        "openai_base_url": server.base_url,
        "coach_retry_attempts": 3,
        "coach_retry_base_s": 0.01,
        "coach_retry_max_wait_s": 0.05,
        "coach_request_timeout_s": 5.0,
    }
    values.update(settings)
    return make_engine(**values)


def _served(server: FakeOpenAI, *models: str) -> list[tuple[str, int]]:
    return [(model, status) for _, model, status in server.served if model in models]


@pytest.mark.parametrize("kind", ["openai-chat", "openai"])
async def test_streamed_tool_calls_and_text_over_http(
    make_engine: EngineFactory, seed_user: Any, server: FakeOpenAI, kind: str, openai_client: str
) -> None:
    user_id, _ = await seed_user(days=30)
    model = _model()
    server.script(
        model,
        Reply.tools(("get_weight_trend", {"days": 14}), ("get_adherence", {"days": 14})),
        Reply.say("Your trend ", "is heading down. ", "Keep it up."),
    )
    engine = _engine(make_engine, server, openai_client, f"{kind}:{model}")
    events = await collect(engine.run_turn(user_id=user_id, message="How am I doing?"))
    assert [e.data["tool"] for e in named(events, "tool_call")] == [
        "get_weight_trend",
        "get_adherence",
    ]
    assert named(events, "tool_call")[0].data["args_summary"] == '{"days":14}'
    assert {e.data["status"] for e in named(events, "tool_result")} == {"success"}
    assert text_of(events) == "Your trend is heading down. Keep it up."
    (usage,) = named(events, "usage")
    assert usage.data == {"input_tokens": 22, "output_tokens": 14}  # two scripted requests
    assert events[-1].event == "done"
    # The second request carried both tool results back to the server.
    second = [r for r in server.requests if r["model"] == model][1]
    body = str(second)
    call_ids = [e.data["call_id"] for e in named(events, "tool_call")]
    assert all(call_id in body for call_id in call_ids)
    assert "trend_end_kg" in body


async def test_rate_limit_is_retried_by_the_transport(
    make_engine: EngineFactory, seed_user: Any, server: FakeOpenAI, openai_client: str
) -> None:
    user_id, _ = await seed_user(days=7)
    model = _model()
    server.script(model, Reply.fail(429, retry_after=0), Reply.say("Hello there."))
    engine = _engine(make_engine, server, openai_client, f"openai-chat:{model}")
    events = await collect(engine.run_turn(user_id=user_id, message="hi"))
    assert text_of(events) == "Hello there."
    assert _served(server, model) == [(model, 429), (model, 200)]


async def test_timeout_is_retried_by_the_transport(
    make_engine: EngineFactory, seed_user: Any, server: FakeOpenAI, openai_client: str
) -> None:
    user_id, _ = await seed_user(days=7)
    model = _model()
    server.script(model, Reply.hang(1.5), Reply.say("Made it."))
    engine = _engine(
        make_engine, server, openai_client, f"openai-chat:{model}", coach_request_timeout_s=0.4
    )
    events = await collect(engine.run_turn(user_id=user_id, message="hi"))
    assert text_of(events) == "Made it."
    assert [status for _, status in _served(server, model)] == [200, 200]  # the first timed out
    assert len([r for r in server.requests if r["model"] == model]) == 2


async def test_server_errors_exhaust_retries_then_fallback_answers(
    make_engine: EngineFactory, seed_user: Any, server: FakeOpenAI, openai_client: str
) -> None:
    user_id, _ = await seed_user(days=7)
    primary, backup = _model(), _model()
    server.script(primary, Reply.fail(500), Reply.fail(502), Reply.fail(503))
    server.script(backup, Reply.say("From the fallback."))
    engine = _engine(
        make_engine,
        server,
        openai_client,
        f"openai-chat:{primary}",
        coach_fallback_model=f"openai-chat:{backup}",
    )
    events = await collect(engine.run_turn(user_id=user_id, message="hi"))
    assert text_of(events) == "From the fallback."
    assert _served(server, primary, backup) == [
        (primary, 500),
        (primary, 502),
        (primary, 503),
        (backup, 200),
    ]


async def test_model_failure_ends_with_error_event_and_session_stays_usable(
    make_engine: EngineFactory,
    seed_user: Any,
    server: FakeOpenAI,
    session_factory: async_sessionmaker[AsyncSession],
    openai_client: str,
) -> None:
    user_id, _ = await seed_user(days=7)
    model = _model()
    server.script(model, Reply.fail(500), Reply.fail(500), Reply.fail(500))
    engine = _engine(make_engine, server, openai_client, f"openai-chat:{model}")
    events = await collect(engine.run_turn(user_id=user_id, message="hi"))
    assert events[-1].event == "error"
    assert events[-1].data == {
        "code": "model_unavailable",
        "message": ERROR_CODES["model_unavailable"],
    }
    session_id = uuid.UUID(events[0].data["session_id"])
    server.script(model, Reply.say("Back again."))
    again = await collect(engine.run_turn(user_id=user_id, message="hi", session_id=session_id))
    assert text_of(again) == "Back again."
    async with session_factory() as db:
        stored = await ai_sessions.get(db, user_id=user_id, session_id=session_id)
    # The failed turn kept the user's message; the second turn added a question and answer.
    assert stored.message_count == 3
