"""Validated history kept between turns: always what the database holds."""

from __future__ import annotations

from typing import Any

from pydantic_ai.messages import ModelMessage, ModelRequest, UserPromptPart
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.history import HistoryVersion, is_summary, load_messages
from persistence.repositories import ai_sessions
from tests.coach.helpers import EngineFactory, ScriptedModel, call, collect

FILLER = "I walked twice, slept seven hours and logged every meal this week. " * 4


def _step(messages: list[ModelMessage], info: Any) -> list[Any]:
    last = messages[-1]
    if isinstance(last, ModelRequest) and any(isinstance(p, UserPromptPart) for p in last.parts):
        return [call("get_weight_trend", f"c{len(messages)}", days=28)]
    return ["Your trend is steady. " + "Keep logging. " * 12]


def _prompts(messages: list[ModelMessage]) -> list[str]:
    return [
        str(p.content)
        for m in messages
        if isinstance(m, ModelRequest) and not is_summary(m)
        for p in m.parts
        if isinstance(p, UserPromptPart)
    ]


async def _stored_tail(
    session_factory: async_sessionmaker[AsyncSession], user_id: Any, session_id: Any
) -> tuple[HistoryVersion, list[ModelMessage]]:
    async with session_factory() as db:
        row = await ai_sessions.get(db, user_id=user_id, session_id=session_id)
    folded = int((row.session_metadata or {}).get("folded_messages") or 0)
    tail = load_messages(row.conversation_history)[folded:]
    return HistoryVersion(row.message_count, folded), tail


async def test_kept_history_equals_the_stored_tail_across_folds(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=40)
    script = ScriptedModel(*([_step] * 200))
    engine = make_engine(models={"scripted": script.model()}, coach_context_tokens=1500)
    session = await engine.create_session(user_id=user_id)
    folds = set()
    for n in range(12):
        events = await collect(
            engine.run_turn(
                user_id=user_id,
                message=f"turn {n}: {FILLER}",
                session_id=session.id,
                model="scripted",
            )
        )
        assert events[-1].event == "done", events[-1]
        version, tail = await _stored_tail(session_factory, user_id, session.id)
        folds.add(version.folded)
        kept = engine._histories.get(session.id, version)  # what the next turn starts from
        assert kept == tail
    assert len(folds) > 2  # the tail moved several times


async def test_a_turn_stored_elsewhere_is_read_from_the_database(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=40)
    script = ScriptedModel(*([_step] * 50))
    here = make_engine(models={"scripted": script.model()})
    elsewhere = make_engine(models={"scripted": script.model()})  # another process
    session = await here.create_session(user_id=user_id)
    for engine, text in ((here, "first"), (elsewhere, "second"), (here, "third")):
        events = await collect(
            engine.run_turn(user_id=user_id, message=text, session_id=session.id, model="scripted")
        )
        assert events[-1].event == "done", events[-1]
    third_turn_first_request = script.requests[-2]
    assert _prompts(third_turn_first_request) == ["first", "second", "third"]
