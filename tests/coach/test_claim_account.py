"""The claim checks the account: an inactive user gets no turn and no session."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.errors import UserInactive
from persistence.models import AISession, table_of
from tests.coach.helpers import EngineFactory, collect
from tests.support import deactivate_user


async def test_run_turn_inactive_user_is_refused_without_session(
    make_engine: EngineFactory,
    seed_user: object,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user_id, _ = await seed_user(days=7)  # type: ignore[operator]
    engine = make_engine()
    first = await collect(engine.run_turn(user_id=user_id, message="hi"))
    session_id = first[0].data["session_id"]
    await deactivate_user(session_factory, user_id)
    with pytest.raises(UserInactive):
        await anext(engine.run_turn(user_id=user_id, message="hi"))
    with pytest.raises(UserInactive):
        await anext(
            engine.run_turn(user_id=user_id, message="hi", session_id=uuid.UUID(session_id))
        )
    s = table_of(AISession)
    async with session_factory() as db:
        count = (
            await db.execute(
                sa.select(sa.func.count()).select_from(s).where(s.c.user_id == user_id)
            )
        ).scalar_one()
    # Only the session of the first turn exists: the refused turns created none.
    assert count == 1


async def test_announced_new_session_is_the_stored_one_and_replays_from_its_first_event(
    make_engine: EngineFactory,
    seed_user: object,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user_id, _ = await seed_user(days=7)  # type: ignore[operator]
    engine = make_engine()
    events = await collect(engine.run_turn(user_id=user_id, message="hi", announce_new=True))
    assert events[0].event == "session" and events[0].id == 1
    assert events[-1].event == "done"
    assert [e.id for e in events] == list(range(1, len(events) + 1))
    session_id = uuid.UUID(events[0].data["session_id"])
    s = table_of(AISession)
    async with session_factory() as db:
        stored = (await db.execute(sa.select(s.c.user_id).where(s.c.id == session_id))).scalar_one()
    assert stored == user_id
    replayed = await collect(engine.replay(user_id=user_id, session_id=session_id, after_id=0))
    assert [e.id for e in replayed] == [e.id for e in events]


async def test_announced_new_session_of_inactive_account_ends_with_error(
    make_engine: EngineFactory,
    seed_user: object,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user_id, _ = await seed_user(days=7)  # type: ignore[operator]
    await deactivate_user(session_factory, user_id)
    engine = make_engine()
    events = await collect(engine.run_turn(user_id=user_id, message="hi", announce_new=True))
    assert [e.event for e in events] == ["session", "error"]
    assert events[1].data["code"] == "account_inactive"
    s = table_of(AISession)
    async with session_factory() as db:
        count = (
            await db.execute(
                sa.select(sa.func.count()).select_from(s).where(s.c.user_id == user_id)
            )
        ).scalar_one()
    assert count == 0
    # Refusals that need no database still come before any event.
    with pytest.raises(ValueError, match="message"):
        await anext(engine.run_turn(user_id=user_id, message="   ", announce_new=True))
