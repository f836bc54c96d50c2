"""A consumer that goes away cancels the turn; what completed is kept; the session works."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
)
from pydantic_ai.models.function import AgentInfo, DeltaToolCalls, FunctionModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.history import load_messages
from persistence.repositories import ai_sessions
from tests.coach.helpers import EngineFactory, ScriptedModel, call, collect, text_of


class Stalling:
    """Says ``before`` (optionally after a tool call), then stalls until released."""

    def __init__(self, before: str, *, tool_first: bool = False) -> None:
        self.before = before
        self.tool_first = tool_first
        self.stalled = asyncio.Event()
        self.release = asyncio.Event()
        self.closed = False
        self.finished = False

    async def stream(
        self, messages: list[ModelMessage], info: AgentInfo
    ) -> AsyncIterator[str | DeltaToolCalls]:
        last = messages[-1]
        answered = isinstance(last, ModelRequest) and any(
            isinstance(p, ToolReturnPart) for p in last.parts
        )
        if self.tool_first and not answered:
            yield call("get_adherence", "adh-1", days=7)
            return
        yield self.before
        self.stalled.set()
        try:
            await self.release.wait()
            yield "The end."
            self.finished = True
        finally:
            self.closed = True


async def _stored(
    session_factory: async_sessionmaker[AsyncSession], user_id: uuid.UUID, session_id: uuid.UUID
) -> Any:
    async with session_factory() as db:
        return await ai_sessions.get(db, user_id=user_id, session_id=session_id)


async def test_closing_the_stream_cancels_the_turn_and_keeps_what_was_said(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=7)
    model = Stalling("First sentence. ")
    engine = make_engine(
        models={"stall": FunctionModel(stream_function=model.stream), "ok": ScriptedModel().model()}
    )
    events = engine.run_turn(user_id=user_id, message="hi", model="stall")
    seen = []
    async for event in events:
        seen.append(event)
        if event.event == "text":
            break
    await events.aclose()  # what a disconnecting client's stream does
    # The run is over: releasing the model now does not make the turn continue.
    model.release.set()
    await asyncio.sleep(0.05)
    assert not model.finished
    assert text_of(seen) == "First sentence. "
    session_id = uuid.UUID(seen[0].data["session_id"])
    stored = await _stored(session_factory, user_id, session_id)
    history = load_messages(stored.conversation_history)
    assert [type(m).__name__ for m in history] == ["ModelRequest", "ModelResponse"]
    last = history[-1]
    assert isinstance(last, ModelResponse)
    assert [p.content for p in last.parts if isinstance(p, TextPart)] == ["First sentence. "]
    assert stored.message_count == 2
    assert "turn" not in (stored.session_metadata or {})
    # Replayers learn that the turn was interrupted.
    logged = await collect(engine.replay(user_id=user_id, session_id=session_id, after_id=0))
    assert logged[-1].event == "error" and logged[-1].data["code"] == "cancelled"
    # The session is usable right away.
    again = await collect(
        engine.run_turn(user_id=user_id, message="again", session_id=session_id, model="ok")
    )
    assert again[-1].event == "done"


async def test_cancelling_the_consumer_task_keeps_the_users_message(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=7)
    script = ScriptedModel(["never said"])
    script.gate = asyncio.Event()
    engine = make_engine(models={"gated": script.model(), "ok": ScriptedModel().model()})
    session = await engine.create_session(user_id=user_id)
    consumer = asyncio.create_task(
        collect(
            engine.run_turn(user_id=user_id, message="hello?", session_id=session.id, model="gated")
        )
    )
    await asyncio.wait_for(script.started.wait(), timeout=5)
    consumer.cancel()
    try:
        await consumer
    except asyncio.CancelledError:
        pass
    stored = await _stored(session_factory, user_id, session.id)
    history = load_messages(stored.conversation_history)
    assert [type(m).__name__ for m in history] == ["ModelRequest"]
    assert stored.message_count == 1
    again = await collect(
        engine.run_turn(user_id=user_id, message="still there?", session_id=session.id, model="ok")
    )
    assert again[-1].event == "done"


async def test_cancel_after_tool_step_keeps_complete_call_pairs(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=14)
    model = Stalling("Looking at your adherence. ", tool_first=True)
    follow_up = ScriptedModel(["All good."])
    engine = make_engine(
        models={"stall": FunctionModel(stream_function=model.stream), "ok": follow_up.model()}
    )
    events = engine.run_turn(user_id=user_id, message="adherence?", model="stall")
    first = await anext(events)
    await asyncio.wait_for(model.stalled.wait(), timeout=10)
    await events.aclose()
    session_id = uuid.UUID(first.data["session_id"])
    stored = await _stored(session_factory, user_id, session_id)
    history = load_messages(stored.conversation_history)
    calls = [p for m in history for p in m.parts if isinstance(p, ToolCallPart)]
    returns = [p for m in history for p in m.parts if isinstance(p, ToolReturnPart)]
    assert [c.tool_call_id for c in calls] == [r.tool_call_id for r in returns] == ["adh-1"]
    # The next turn's model gets a valid history with the interrupted turn in it.
    await collect(
        engine.run_turn(user_id=user_id, message="and now?", session_id=session_id, model="ok")
    )
    seen = follow_up.requests[0]
    assert any(isinstance(p, ToolReturnPart) for m in seen for p in m.parts)
