"""Per-turn limits: usage limits and the turn timeout end the turn cleanly."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from pydantic_ai.messages import ModelMessage, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.events import ERROR_CODES
from coach.history import load_messages
from persistence.repositories import ai_sessions
from tests.coach.helpers import EngineFactory, ScriptedModel, call, collect, named


def _always_a_tool(messages: list[ModelMessage], info: AgentInfo) -> list[Any]:
    return [call("get_adherence", f"loop-{len(messages)}", days=7)]


async def test_tool_call_limit_ends_the_turn_with_usage_limit_error(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=14)
    looping = ScriptedModel(*([_always_a_tool] * 20))
    engine = make_engine(
        models={"loop": looping.model(), "ok": ScriptedModel().model()},
        coach_max_tool_calls_per_turn=2,
    )
    events = await collect(engine.run_turn(user_id=user_id, message="loop", model="loop"))
    assert events[-1].event == "error"
    assert events[-1].data == {"code": "usage_limit", "message": ERROR_CODES["usage_limit"]}
    assert len(named(events, "tool_result")) <= 2
    session_id = uuid.UUID(events[0].data["session_id"])
    async with session_factory() as db:
        stored = await ai_sessions.get(db, user_id=user_id, session_id=session_id)
    history = load_messages(stored.conversation_history)
    calls = [p.tool_call_id for m in history for p in m.parts if isinstance(p, ToolCallPart)]
    returns = [p.tool_call_id for m in history for p in m.parts if isinstance(p, ToolReturnPart)]
    assert calls == returns  # no call is stored without its return
    again = await collect(
        engine.run_turn(user_id=user_id, message="hi", session_id=session_id, model="ok")
    )
    assert again[-1].event == "done"


async def test_turn_timeout_ends_the_turn_with_timeout_error(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=7)
    slow = ScriptedModel(["too late"])
    slow.gate = asyncio.Event()  # never set: the model never answers
    engine = make_engine(
        models={"slow": slow.model(), "ok": ScriptedModel().model()}, coach_turn_timeout_s=0.3
    )
    events = await asyncio.wait_for(
        collect(engine.run_turn(user_id=user_id, message="hi", model="slow")), timeout=10
    )
    assert events[-1].event == "error"
    assert events[-1].data["code"] == "timeout"
    session_id = uuid.UUID(events[0].data["session_id"])
    again = await collect(
        engine.run_turn(user_id=user_id, message="hi", session_id=session_id, model="ok")
    )
    assert again[-1].event == "done"
