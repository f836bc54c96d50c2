"""Durable turns: the user's message is stored first, a turn holds a renewed lease, a dead
process's turn is taken over within seconds and its replay ends with ``turn_interrupted``.

Two engines on one database stand for two processes; a lease "left by a dead process" is
written into the row as the dead process would have left it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import redis.asyncio as aioredis
import sqlalchemy as sa
from pydantic_ai.messages import ModelRequest, UserPromptPart
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.event_log import RedisEventLog
from coach.events import EventCounter
from coach.history import load_messages
from persistence.models import AISession, table_of
from persistence.repositories import ai_sessions
from tests.coach.helpers import Clock, EngineFactory, ScriptedModel, collect

_S = table_of(AISession)


async def _stored(
    session_factory: async_sessionmaker[AsyncSession], user_id: uuid.UUID, session_id: uuid.UUID
) -> AISession:
    async with session_factory() as db:
        return await ai_sessions.get(db, user_id=user_id, session_id=session_id)


def _prompts(session: AISession) -> list[str]:
    return [
        str(part.content)
        for message in load_messages(session.conversation_history)
        if isinstance(message, ModelRequest)
        for part in message.parts
        if isinstance(part, UserPromptPart)
    ]


async def _leave_dead_lease(
    session_factory: async_sessionmaker[AsyncSession],
    session_id: uuid.UUID,
    *,
    now: dt.datetime,
    turn_id: uuid.UUID,
) -> None:
    """The lease a process killed mid-turn leaves behind: expired a moment ago, started 20 s
    ago (far less than the turn timeout, so only the lease can tell the turn is dead)."""
    lease = {
        "id": str(turn_id),
        "at": (now - dt.timedelta(seconds=20)).isoformat(),
        "owner": f"dead-host:{uuid.uuid4().hex[:8]}",
        "until": (now - dt.timedelta(seconds=1)).isoformat(),
    }
    async with session_factory() as db:
        await db.execute(
            sa.update(_S)
            .where(_S.c.id == session_id)
            .values(
                metadata=sa.func.coalesce(_S.c["metadata"], sa.text("'{}'::jsonb")).op("||")(
                    sa.func.jsonb_build_object("turn", sa.cast(lease, _S.c["metadata"].type))
                )
            )
        )
        await db.commit()


async def test_the_users_message_is_stored_before_the_model_answers(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=7)
    script = ScriptedModel()
    script.gate = asyncio.Event()
    engine = make_engine(models={"scripted": script.model()})
    session = await engine.create_session(user_id=user_id)
    turn = asyncio.create_task(
        collect(
            engine.run_turn(
                user_id=user_id, message="remember this", session_id=session.id, model="scripted"
            )
        )
    )
    await asyncio.wait_for(script.started.wait(), timeout=10)
    during = await _stored(session_factory, user_id, session.id)
    script.gate.set()
    events = await turn
    after = await _stored(session_factory, user_id, session.id)

    assert _prompts(during) == ["remember this"]
    assert during.message_count == 1
    assert events[-1].event == "done"
    history = load_messages(after.conversation_history)
    assert [type(m).__name__ for m in history] == ["ModelRequest", "ModelResponse"]
    assert after.message_count == 2


async def test_a_dead_processes_lease_is_taken_over_and_its_message_kept(
    make_engine: EngineFactory,
    seed_user: Any,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    user_id, _ = await seed_user(days=7)
    engine = make_engine()
    session = await engine.create_session(user_id=user_id)
    # The dead turn's message was stored when it claimed the session.
    first = await collect(engine.run_turn(user_id=user_id, message="hi", session_id=session.id))
    assert first[-1].event == "done"
    dead_turn = uuid.uuid4()
    await _leave_dead_lease(session_factory, session.id, now=clock(), turn_id=dead_turn)

    events = await collect(
        engine.run_turn(user_id=user_id, message="are you there?", session_id=session.id)
    )

    assert events[-1].event == "done"
    stored = await _stored(session_factory, user_id, session.id)
    meta = stored.session_metadata or {}
    assert "turn" not in meta
    assert meta["interrupted_turn"]["id"] == str(dead_turn)


async def test_a_live_lease_still_refuses_a_second_turn(
    make_engine: EngineFactory, seed_user: Any, clock: Clock
) -> None:
    from coach.errors import TurnInProgress

    user_id, _ = await seed_user(days=7)
    script = ScriptedModel()
    script.gate = asyncio.Event()
    engines = [make_engine(models={"scripted": script.model()}) for _ in range(2)]
    session = await engines[0].create_session(user_id=user_id)
    turn = asyncio.create_task(
        collect(
            engines[0].run_turn(
                user_id=user_id, message="slow one", session_id=session.id, model="scripted"
            )
        )
    )
    await asyncio.wait_for(script.started.wait(), timeout=10)
    try:
        refused = None
        try:
            await collect(
                engines[1].run_turn(user_id=user_id, message="second", session_id=session.id)
            )
        except TurnInProgress as exc:
            refused = exc
        assert refused is not None
    finally:
        script.gate.set()
        await turn


async def test_a_long_turn_renews_its_lease(
    make_engine: EngineFactory,
    seed_user: Any,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    user_id, _ = await seed_user(days=7)
    script = ScriptedModel()
    script.gate = asyncio.Event()
    engine = make_engine(models={"scripted": script.model()}, coach_turn_lease_s=1.5)
    session = await engine.create_session(user_id=user_id)
    turn = asyncio.create_task(
        collect(
            engine.run_turn(user_id=user_id, message="x", session_id=session.id, model="scripted")
        )
    )
    await asyncio.wait_for(script.started.wait(), timeout=10)
    first = (await _stored(session_factory, user_id, session.id)).session_metadata or {}
    clock.advance(seconds=10)  # the engine's clock moves; the renewal writes a later expiry
    for _ in range(50):
        await asyncio.sleep(0.1)
        later = (await _stored(session_factory, user_id, session.id)).session_metadata or {}
        if later["turn"]["until"] != first["turn"]["until"]:
            break
    script.gate.set()
    await turn
    assert dt.datetime.fromisoformat(later["turn"]["until"]) > dt.datetime.fromisoformat(
        first["turn"]["until"]
    )


async def test_replay_of_an_interrupted_turn_ends_with_turn_interrupted(
    make_engine: EngineFactory,
    seed_user: Any,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    redis: aioredis.Redis,
) -> None:
    user_id, _ = await seed_user(days=7)
    log = RedisEventLog(redis, prefix=f"t:{uuid.uuid4().hex[:8]}")
    engine = make_engine(event_log=log, coach_replay_wait_s=20)
    session = await engine.create_session(user_id=user_id)
    # What a process killed mid-stream leaves: a logged turn without its end, a dead lease.
    counter = EventCounter()
    await log.start_turn(session.id)
    await log.append(session.id, counter.session(session.id, "active"))
    await log.append(session.id, counter.text("Half a sent"))
    await _leave_dead_lease(session_factory, session.id, now=clock(), turn_id=uuid.uuid4())

    events = await asyncio.wait_for(
        collect(engine.replay(user_id=user_id, session_id=session.id, after_id=1)), timeout=10
    )

    assert [e.event for e in events] == ["text", "error"]
    assert events[-1].data["code"] == "turn_interrupted"
    assert events[-1].id == 3


async def test_startup_releases_expired_leases(
    make_engine: EngineFactory,
    seed_user: Any,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    user_id, _ = await seed_user(days=7)
    engine = make_engine()
    session = await engine.create_session(user_id=user_id)
    dead_turn = uuid.uuid4()
    await _leave_dead_lease(session_factory, session.id, now=clock(), turn_id=dead_turn)

    released = await make_engine().release_expired_leases()

    assert released >= 1
    meta = (await _stored(session_factory, user_id, session.id)).session_metadata or {}
    assert "turn" not in meta
    assert meta["interrupted_turn"]["id"] == str(dead_turn)
