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
