"""One turn at a time per session: concurrent turns never lose or interleave messages."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from pydantic_ai.messages import UserPromptPart
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.errors import TurnInProgress
from coach.events import ChatEvent
from coach.history import load_messages, starts_turn
from persistence.models import AISession, table_of
from persistence.repositories import ai_sessions
from tests.coach.helpers import Clock, EngineFactory, ScriptedModel, collect


async def _turn(engine: Any, user_id: uuid.UUID, session_id: uuid.UUID, n: int) -> Any:
    try:
        return await collect(
            engine.run_turn(
                user_id=user_id, message=f"message {n}", session_id=session_id, model="scripted"
            )
        )
    except TurnInProgress as exc:
        return exc


async def test_ten_concurrent_turns_one_proceeds_the_others_get_turn_in_progress(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=7)
    script = ScriptedModel()
    # Two engines on one database stand for two server processes: the claim is in the row.
    engines = [make_engine(models={"scripted": script.model()}) for _ in range(2)]
    session = await engines[0].create_session(user_id=user_id)
    script.gate = asyncio.Event()  # the winning turn waits inside the model call
    tasks = [asyncio.create_task(_turn(engines[n % 2], user_id, session.id, n)) for n in range(10)]
    await asyncio.wait_for(script.started.wait(), timeout=10)
    # Everyone but the winner is refused while the winner is still in the model.
    refused = [t for t in tasks if t.done()]
    for _ in range(100):
        if len(refused) == 9:
            break
        await asyncio.sleep(0.01)
        refused = [t for t in tasks if t.done()]
    assert len(refused) == 9
    assert all(isinstance(t.result(), TurnInProgress) for t in refused)
    script.gate.set()
    results = await asyncio.gather(*tasks)
    completed = [r for r in results if isinstance(r, list)]
    assert len(completed) == 1
    assert completed[0][-1].event == "done"
    async with session_factory() as db:
        stored = await ai_sessions.get(db, user_id=user_id, session_id=session.id)
    history = load_messages(stored.conversation_history)
    assert stored.message_count == 2
    assert len(history) == 2
    assert "turn" not in (stored.session_metadata or {})


async def test_concurrent_retries_serialize_and_store_every_turn(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=7)
    engine = make_engine(models={"scripted": ScriptedModel().model()})
    session = await engine.create_session(user_id=user_id)

    async def until_done(n: int) -> list[ChatEvent]:
        while True:
            result = await _turn(engine, user_id, session.id, n)
            if isinstance(result, list):
                return result
            await asyncio.sleep(0.005)

    results = await asyncio.wait_for(
        asyncio.gather(*(until_done(n) for n in range(10))), timeout=60
    )
    assert all(r[-1].event == "done" for r in results)
    async with session_factory() as db:
        stored = await ai_sessions.get(db, user_id=user_id, session_id=session.id)
    history = load_messages(stored.conversation_history)
    turns = [m for m in history if starts_turn(m)]
    assert stored.message_count == 20
    assert len(history) == 20
    # Every message is there once, and each question is followed by its own answer.
    prompts = sorted(
        str(p.content) for m in turns for p in m.parts if isinstance(p, UserPromptPart)
    )
    assert prompts == sorted(f"message {n}" for n in range(10))
    assert [type(m).__name__ for m in history] == ["ModelRequest", "ModelResponse"] * 10


async def test_stale_claim_of_a_crashed_turn_is_taken_over(
    make_engine: EngineFactory,
    seed_user: Any,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    user_id, _ = await seed_user(days=7)
    engine = make_engine(coach_turn_timeout_s=30)
    session = await engine.create_session(user_id=user_id)
    stale_at = clock() - dt.timedelta(minutes=5)
    async with session_factory() as db:
        # A claim left by a process that died mid-turn five minutes ago.
        await db.execute(
            sa.update(table_of(AISession))
            .where(table_of(AISession).c.id == session.id)
            .values(metadata={"turn": {"id": str(uuid.uuid4()), "at": stale_at.isoformat()}})
        )
        await db.commit()
    events = await collect(engine.run_turn(user_id=user_id, message="hi", session_id=session.id))
    assert events[-1].event == "done"
