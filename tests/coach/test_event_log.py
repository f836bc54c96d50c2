"""The replay log: one contract over both backends, and replay through the engine."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
import redis.asyncio as aioredis

from coach.event_log import EventLog, MemoryEventLog, RedisEventLog
from coach.events import ChatEvent, EventCounter
from persistence.errors import NotFound
from tests.coach.helpers import EngineFactory, ScriptedModel, collect


@pytest.fixture(params=["memory", "redis"])
async def log(request: pytest.FixtureRequest, redis: aioredis.Redis) -> AsyncIterator[EventLog]:
    """Each backend in turn, with a short TTL."""
    if request.param == "memory":
        yield MemoryEventLog(ttl_s=1)
    else:
        yield RedisEventLog(redis, prefix=f"test:{uuid.uuid4().hex[:6]}", ttl_s=1)


def _turn(n_text: int = 3) -> list[ChatEvent]:
    counter = EventCounter()
    events = [counter.session(uuid.uuid4(), "active")]
    events += [counter.text(f"part {i}. ") for i in range(n_text)]
    events.append(counter.make("done", {"session_id": "s", "message_count": 2, "tokens_used": 0}))
    return events


async def _read(log: EventLog, sid: uuid.UUID, after: int, wait: float = 0.0) -> list[ChatEvent]:
    return [e async for e in log.read(sid, after_id=after, wait_s=wait)]


async def test_read_returns_events_after_the_given_id(log: EventLog) -> None:
    sid, events = uuid.uuid4(), _turn()
    await log.start_turn(sid)
    for event in events:
        await log.append(sid, event)
    assert await _read(log, sid, 0) == events
    assert await _read(log, sid, 2) == events[2:]
    assert await _read(log, sid, events[-1].id) == []
    assert await log.has_turn(sid)


async def test_new_turn_replaces_the_previous_one(log: EventLog) -> None:
    sid = uuid.uuid4()
    await log.start_turn(sid)
    for event in _turn(5):
        await log.append(sid, event)
    second = _turn(1)
    await log.start_turn(sid)
    for event in second:
        await log.append(sid, event)
    assert await _read(log, sid, 0) == second


async def test_read_follows_a_running_turn_until_terminal(log: EventLog) -> None:
    sid, events = uuid.uuid4(), _turn()
    await log.start_turn(sid)
    await log.append(sid, events[0])

    async def produce() -> None:
        for event in events[1:]:
            await asyncio.sleep(0.02)
            await log.append(sid, event)

    producer = asyncio.create_task(produce())
    got = await asyncio.wait_for(_read(log, sid, 0, wait=2.0), timeout=5)
    await producer
    assert got == events


async def test_read_of_a_stalled_turn_stops_after_wait(log: EventLog) -> None:
    sid, events = uuid.uuid4(), _turn()
    await log.start_turn(sid)
    await log.append(sid, events[0])
    got = await asyncio.wait_for(_read(log, sid, 0, wait=0.1), timeout=5)
    assert got == events[:1]


async def test_entries_expire_after_ttl(log: EventLog) -> None:
    sid = uuid.uuid4()
    await log.start_turn(sid)
    for event in _turn():
        await log.append(sid, event)
    await asyncio.sleep(1.3)
    assert not await log.has_turn(sid)
    assert await _read(log, sid, 0) == []


async def test_unknown_session_has_no_turn(log: EventLog) -> None:
    assert not await log.has_turn(uuid.uuid4())
    assert await _read(log, uuid.uuid4(), 0) == []


@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_engine_replay_returns_rest_of_last_turn_without_the_model(
    make_engine: EngineFactory, seed_user: Any, redis: aioredis.Redis, backend: str
) -> None:
    user_id, _ = await seed_user(days=7)
    script = ScriptedModel(["One. ", "Two. ", "Three."])
    event_log = (
        MemoryEventLog(ttl_s=60)
        if backend == "memory"
        else RedisEventLog(redis, prefix=f"t:{uuid.uuid4().hex[:6]}", ttl_s=60)
    )
    engine = make_engine(models={"scripted": script.model()}, event_log=event_log)
    events = await collect(engine.run_turn(user_id=user_id, message="count", model="scripted"))
    session_id = uuid.UUID(events[0].data["session_id"])
    calls = len(script.requests)
    rest = await collect(engine.replay(user_id=user_id, session_id=session_id, after_id=2))
    assert rest == events[2:]
    assert len(script.requests) == calls  # the model did not run again
    everything = await collect(engine.replay(user_id=user_id, session_id=session_id, after_id=0))
    assert everything == events


async def test_engine_replay_refuses_other_users_and_unlogged_sessions(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    owner, _ = await seed_user(seed=3, days=7)
    other, _ = await seed_user(seed=4, days=7)
    engine = make_engine()
    events = await collect(engine.run_turn(user_id=owner, message="hi"))
    session_id = uuid.UUID(events[0].data["session_id"])
    with pytest.raises(NotFound):
        await anext(engine.replay(user_id=other, session_id=session_id, after_id=0))
    fresh = await engine.create_session(user_id=owner)
    with pytest.raises(NotFound, match="event log"):
        await anext(engine.replay(user_id=owner, session_id=fresh.id, after_id=0))


async def test_engine_replay_follows_a_turn_still_running(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=7)
    script = ScriptedModel(["Slow answer."])
    script.gate = asyncio.Event()
    engine = make_engine(models={"scripted": script.model()}, coach_replay_wait_s=5)
    live = engine.run_turn(user_id=user_id, message="hi", model="scripted")
    first = await anext(live)
    session_id = uuid.UUID(first.data["session_id"])
    consumer = asyncio.create_task(collect(live))
    await asyncio.wait_for(script.started.wait(), timeout=5)
    replayed = asyncio.create_task(
        collect(engine.replay(user_id=user_id, session_id=session_id, after_id=1))
    )
    await asyncio.sleep(0.05)
    script.gate.set()
    rest = await asyncio.wait_for(consumer, timeout=10)
    assert await asyncio.wait_for(replayed, timeout=10) == rest
    assert rest[-1].event == "done"


async def test_read_after_the_terminal_event_returns_at_once(log: EventLog) -> None:
    sid, events = uuid.uuid4(), _turn()
    await log.start_turn(sid)
    for event in events:
        await log.append(sid, event)
    # A long wait must not be spent on a turn that is already over.
    got = await asyncio.wait_for(_read(log, sid, events[-1].id, wait=30.0), timeout=2)
    assert got == []


async def test_redis_read_waits_longer_than_one_blocking_slice(redis: aioredis.Redis) -> None:
    log = RedisEventLog(redis, prefix=f"slice:{uuid.uuid4().hex[:6]}", ttl_s=60)
    sid, events = uuid.uuid4(), _turn(1)
    await log.start_turn(sid)
    await log.append(sid, events[0])

    async def produce_late() -> None:
        await asyncio.sleep(2.5)  # longer than one blocking read slice
        for event in events[1:]:
            await log.append(sid, event)

    producer = asyncio.create_task(produce_late())
    got = await asyncio.wait_for(_read(log, sid, 0, wait=6.0), timeout=10)
    await producer
    assert got == events


async def test_start_turn_with_its_first_event(log: EventLog) -> None:
    sid = uuid.uuid4()
    await log.start_turn(sid)
    for event in _turn(4):
        await log.append(sid, event)
    second = _turn(2)
    await log.start_turn(sid, second[0])  # forgets the old turn and records the new one's first
    assert await _read(log, sid, 0) == second[:1]
    assert not await log.ended(sid)
    for event in second[1:]:
        await log.append(sid, event)
    assert await _read(log, sid, 0) == second


class _CountingLog(MemoryEventLog):
    """Counts the writes a turn makes (each is one round trip on Redis)."""

    def __init__(self) -> None:
        super().__init__(ttl_s=60)
        self.writes: list[list[str]] = []

    async def start_turn(self, session_id: uuid.UUID, first: ChatEvent | None = None) -> None:
        self.writes.append(["start"] + ([first.event] if first else []))
        await MemoryEventLog.start_turn(self, session_id)
        if first is not None:
            await MemoryEventLog.append(self, session_id, first)

    async def append(self, session_id: uuid.UUID, event: ChatEvent) -> None:
        self.writes.append([event.event])
        await MemoryEventLog.append(self, session_id, event)

    async def append_many(self, session_id: uuid.UUID, events: Sequence[ChatEvent]) -> None:
        self.writes.append([e.event for e in events])
        for event in events:
            await MemoryEventLog.append(self, session_id, event)


@pytest.mark.parametrize(("flush_s", "most_writes"), [(0.0, None), (5.0, 2)])
async def test_a_turns_events_are_logged_together_within_the_flush_window(
    make_engine: EngineFactory, seed_user: Any, flush_s: float, most_writes: int | None
) -> None:
    """With a window, a quick turn's events go in one write after the opening one (the
    terminal event ends the window early); without one, each goes when it comes. Either
    way the log holds the whole turn, in order, when the client gets the end."""
    user_id, _ = await seed_user(days=7)
    script = ScriptedModel(["One. ", "Two. ", "Three."])
    log = _CountingLog()
    engine = make_engine(
        models={"scripted": script.model()}, event_log=log, coach_event_log_flush_s=flush_s
    )
    events = await collect(engine.run_turn(user_id=user_id, message="count", model="scripted"))
    session_id = uuid.UUID(events[0].data["session_id"])
    assert await _read(log, session_id, 0) == events
    assert log.writes[0] == ["start", "session"]
    assert [name for write in log.writes for name in write if name != "start"] == [
        e.event for e in events
    ]
    if most_writes is None:
        assert len(log.writes) > 2
    else:
        assert len(log.writes) <= most_writes
