"""A turn touches the database with as few statements as it can: claim, then persist."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from persistence.repositories import ai_logs
from tests.coach.helpers import EngineFactory, collect, named


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block (first word of each)."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]).split()[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_turn_with_tools_claims_and_persists_in_one_statement_each(
    make_engine: EngineFactory,
    seed_user: Any,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user_id, _ = await seed_user(days=30)
    coach = make_engine()
    first = await collect(coach.run_turn(user_id=user_id, message="How am I doing?"))
    session_id = uuid.UUID(first[0].data["session_id"])
    with statements(engine) as seen:
        events = await collect(
            coach.run_turn(user_id=user_id, message="How am I doing?", session_id=session_id)
        )
    assert events[-1].event == "done"
    assert len(named(events, "tool_result")) == 2
    # One claim (an UPDATE in a CTE with the user's facts) and one append that also writes
    # the tool-call rows; the warm tools read from the cache.
    assert seen == ["WITH", "WITH"]
    async with session_factory() as db:
        rows = await ai_logs.list_tool_calls(db, session_id=session_id)
    assert sorted(r.tool_name for r in rows) == sorted(["get_weight_trend", "get_adherence"] * 2)
    assert sum(r.cached for r in rows) == 2  # the second turn's calls
