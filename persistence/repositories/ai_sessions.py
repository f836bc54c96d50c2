"""AI coach sessions: lifecycle, history, expiry."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from persistence.enums import SessionStatus
from persistence.errors import NotFound
from persistence.models import AISession, table_of
from persistence.repositories._common import rowcount


async def create(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    model_tier: str = "standard",
    session_metadata: dict[str, Any] | None = None,
    session_id: uuid.UUID | None = None,
) -> AISession:
    """Start an active session."""
    session = AISession(
        id=session_id or uuid.uuid4(),
        user_id=user_id,
        model_tier=model_tier,
        session_metadata=session_metadata,
        conversation_history=[],
    )
    db.add(session)
    await db.flush()
    await db.refresh(session)
    return session


async def get(
    db: AsyncSession, *, user_id: uuid.UUID, session_id: uuid.UUID, for_update: bool = False
) -> AISession:
    """The user's session, or ``NotFound`` (also for another user's session)."""
    stmt = sa.select(AISession).where(
        col(AISession.id) == session_id,
        col(AISession.user_id) == user_id,
    )
    if for_update:
        stmt = stmt.with_for_update()
    session = (await db.scalars(stmt.execution_options(populate_existing=True))).one_or_none()
    if session is None:
        raise NotFound("session", session_id)
    return session


async def list_for_user(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    limit: int = 20,
    offset: int = 0,
    status: SessionStatus | None = None,
) -> tuple[list[AISession], int]:
    """A page of the user's sessions (most recent activity first) and the total count."""
    where = [col(AISession.user_id) == user_id]
    if status is not None:
        where.append(col(AISession.status) == status)
    total = int(
        (
            await db.execute(sa.select(sa.func.count()).select_from(AISession).where(*where))
        ).scalar_one()
    )
    stmt = (
        sa.select(AISession)
        .where(*where)
        .order_by(col(AISession.last_message_at).desc(), col(AISession.id))
        .limit(limit)
        .offset(offset)
    )
    return list((await db.scalars(stmt)).all()), total


async def append_turn(
    db: AsyncSession,
    *,
    session: AISession,
    new_messages: Sequence[Any],
    messages_added: int,
    tokens: int,
    at: dt.datetime,
    context_summary: str | None = None,
    session_metadata: dict[str, Any] | None = None,
) -> AISession:
    """Append a turn's messages to the history and update the counters in one UPDATE.

    The history is appended with ``||`` in SQL, so the stored history is never rewritten
    from a stale copy.
    """
    values: dict[str, Any] = {
        "conversation_history": sa.func.coalesce(
            col(AISession.conversation_history), sa.text("'[]'::jsonb")
        ).op("||")(sa.cast(list(new_messages), table_of(AISession).c.conversation_history.type)),
        "message_count": col(AISession.message_count) + messages_added,
        "tokens_used": col(AISession.tokens_used) + tokens,
        "last_message_at": at,
    }
    if context_summary is not None:
        values["context_summary"] = context_summary
    if session_metadata is not None:
        values["metadata"] = session_metadata
    await db.execute(
        sa.update(table_of(AISession))
        .where(table_of(AISession).c.id == session.id)
        .values(**values)
    )
    await db.refresh(session)
    return session


async def set_status(db: AsyncSession, *, session: AISession, status: SessionStatus) -> AISession:
    """Change a session's status."""
    session.status = status
    await db.flush()
    return session


async def expire_idle(db: AsyncSession, *, now: dt.datetime, idle: dt.timedelta) -> int:
    """Mark active sessions idle for longer than ``idle`` as expired; returns how many."""
    stmt = (
        sa.update(AISession)
        .where(
            col(AISession.status) == SessionStatus.ACTIVE,
            col(AISession.last_message_at) < now - idle,
        )
        .values(status=SessionStatus.EXPIRED)
    )
    return await rowcount(db, stmt)


async def delete(db: AsyncSession, *, user_id: uuid.UUID, session_id: uuid.UUID) -> None:
    """Delete a session; its tool-call logs go with it (ON DELETE CASCADE)."""
    session = await get(db, user_id=user_id, session_id=session_id)
    await db.delete(session)
    await db.flush()
