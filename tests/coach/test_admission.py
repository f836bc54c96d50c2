"""Turn start-ups are admitted a few at a time; a slot is freed at the first model request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic_ai.messages import ModelMessage
from pydantic_ai.models.function import AgentInfo, FunctionModel

from coach.admission import StartGate
from coach.engine import CoachEngine
from tests.coach.helpers import EngineFactory, collect
from tests.support import deactivate_user


async def test_gate_admits_up_to_its_limit_and_release_is_idempotent() -> None:
    with pytest.raises(ValueError, match="limit"):
        StartGate(0)
    gate = StartGate(2)
    first, second = await gate.enter(), await gate.enter()
    assert gate.waiting
    third = asyncio.ensure_future(gate.enter())
    await asyncio.sleep(0)
    assert not third.done()
    first.release()
    first.release()  # a second release gives nothing back
    ticket = await asyncio.wait_for(third, 1)
    assert gate.waiting
    second.release()
    ticket.release()
    assert not gate.waiting


def _blocking_model(started: asyncio.Event, go: asyncio.Event) -> FunctionModel:
    """Streams one reply, after ``go`` is set (``started`` tells the model was reached)."""

    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        started.set()
        await go.wait()
        yield "Keep logging your meals this week."

    def request(messages: list[ModelMessage], info: AgentInfo) -> Any:
        raise AssertionError("streamed only")

    return FunctionModel(request, stream_function=stream)


async def _all_free(engine: CoachEngine, limit: int) -> bool:
    """Every slot of the engine's gate can be taken at once (none leaked)."""
    gate: StartGate = engine._start_gate
    if gate.limit != limit:
        return False
    tickets = []
    try:
        for _ in range(limit):
            tickets.append(await asyncio.wait_for(gate.enter(), 0.5))
    except TimeoutError:
        return False
    finally:
        for ticket in tickets:
            ticket.release()
    return True


async def test_slot_is_freed_at_the_model_request_not_at_the_end_of_the_turn(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    first_user, _ = await seed_user(days=3)
    second_user, _ = await seed_user(days=3)
    started_a, go_a = asyncio.Event(), asyncio.Event()
    started_b, go_b = asyncio.Event(), asyncio.Event()
    engine = make_engine(
        models={"a": _blocking_model(started_a, go_a), "b": _blocking_model(started_b, go_b)},
        coach_start_concurrency=1,
    )
    turn_a = asyncio.ensure_future(
        collect(engine.run_turn(user_id=first_user, message="hi", model="a", announce_new=True))
    )
    await asyncio.wait_for(started_a.wait(), 5)
    # The only slot went back when turn A asked its model: B starts while A is still waiting.
    turn_b = asyncio.ensure_future(
        collect(engine.run_turn(user_id=second_user, message="hi", model="b", announce_new=True))
    )
    await asyncio.wait_for(started_b.wait(), 5)
    assert not turn_a.done()
    go_a.set()
    go_b.set()
    for events in await asyncio.gather(turn_a, turn_b):
        assert events[-1].event == "done"
    assert await _all_free(engine, 1)


async def test_every_way_a_turn_ends_gives_its_slot_back(
    make_engine: EngineFactory, seed_user: Any, session_factory: Any
) -> None:
    user_id, _ = await seed_user(days=3)
    inactive, _ = await seed_user(days=3)
    await deactivate_user(session_factory, inactive)
    engine = make_engine(coach_start_concurrency=2)

    # Refused by the input policy: no model request at all.
    refused = await collect(
        engine.run_turn(user_id=user_id, message="I want to eat 500 calories a day")
    )
    assert any(e.event == "policy" for e in refused)
    # The account was deactivated: an error event after the announced session.
    ended = await collect(engine.run_turn(user_id=inactive, message="hi", announce_new=True))
    assert [e.event for e in ended] == ["session", "error"]
    # The client went away right after the session event, and during the turn.
    stream = engine.run_turn(user_id=user_id, message="how am I doing?", announce_new=True)
    await anext(stream)
    await stream.aclose()
    stream = engine.run_turn(user_id=user_id, message="how am I doing?", announce_new=True)
    await anext(stream)
    await anext(stream)
    await stream.aclose()
    # Several turns at once, more than the slots.
    runs = await asyncio.gather(
        *(collect(engine.run_turn(user_id=user_id, message="hi")) for _ in range(5))
    )
    assert all(events[-1].event == "done" for events in runs)
    assert await _all_free(engine, 2)


async def test_start_ups_wait_while_a_turn_is_opening() -> None:
    gate = StartGate(4, opening_wait_s=30)
    with gate.opening_turn():
        assert gate.openings == 1
        waiting = asyncio.ensure_future(gate.enter())
        await asyncio.sleep(0.05)
        assert not waiting.done()  # a slot is free, but a turn still waits for its first event
    ticket = await asyncio.wait_for(waiting, 1)
    ticket.release()
    assert gate.openings == 0
    # Nobody opening: a slot at once.
    (await asyncio.wait_for(gate.enter(), 0.5)).release()


async def test_the_wait_for_opening_turns_is_bounded_and_leaves_nothing_behind() -> None:
    with pytest.raises(ValueError, match="opening_wait_s"):
        StartGate(1, opening_wait_s=-1)
    gate = StartGate(2, opening_wait_s=0.05)
    with gate.opening_turn():  # a claim that never returns
        (await asyncio.wait_for(gate.enter(), 2)).release()
        patient = StartGate(2, opening_wait_s=30)
        with patient.opening_turn():
            waiting = asyncio.ensure_future(patient.enter())
            await asyncio.sleep(0.01)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            assert patient._waiters == []
    # Without a wait configured, an opening turn holds nobody up.
    eager = StartGate(1)
    with eager.opening_turn():
        (await asyncio.wait_for(eager.enter(), 0.5)).release()


async def test_a_turn_starts_up_only_after_another_turns_claim(
    make_engine: EngineFactory, seed_user: Any, session_factory: Any
) -> None:
    """While one turn waits for its claim (its session row is locked here), a turn that has
    its first event waits before its start-up: its model is reached only after the claim."""
    first_user, _ = await seed_user(days=3)
    second_user, _ = await seed_user(days=3)
    started, go = asyncio.Event(), asyncio.Event()
    go.set()
    engine = make_engine(
        models={"b": _blocking_model(started, go)}, coach_first_event_priority_ms=30_000
    )
    first = await collect(engine.run_turn(user_id=first_user, message="hi"))
    session_a = first[0].data["session_id"]
    async with session_factory() as lock:
        await lock.execute(
            sa.text("SELECT 1 FROM ai_session WHERE id = :id FOR UPDATE"), {"id": session_a}
        )
        turn_a = asyncio.ensure_future(
            collect(engine.run_turn(user_id=first_user, message="hi", session_id=session_a))
        )
        await asyncio.sleep(0.2)  # A is in its claim, waiting for the lock
        assert engine._start_gate.openings == 1
        turn_b = asyncio.ensure_future(
            collect(engine.run_turn(user_id=second_user, message="hi", model="b"))
        )
        await asyncio.sleep(0.3)
        assert not started.is_set()  # B's session event left; its start-up waits for A
        await lock.rollback()
    await asyncio.wait_for(started.wait(), 5)
    for events in await asyncio.gather(turn_a, turn_b):
        assert events[-1].event == "done"
    assert engine._start_gate.openings == 0


async def test_a_start_up_waits_only_for_the_turns_opening_when_it_came() -> None:
    gate = StartGate(4, opening_wait_s=30)
    earlier = gate.opening_turn()
    earlier.__enter__()
    waiting = asyncio.ensure_future(gate.enter())
    await asyncio.sleep(0.01)
    with gate.opening_turn():  # a turn that came after the start-up
        earlier.__exit__(None, None, None)
        ticket = await asyncio.wait_for(waiting, 1)  # not held up by the later turn
        assert gate.openings == 1
    ticket.release()
