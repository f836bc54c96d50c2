"""Plain helpers shared by test modules (fixtures live in the conftest files)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.models import User, table_of


async def deactivate_user(
    session_factory: async_sessionmaker[AsyncSession], user_id: uuid.UUID | str
) -> None:
    """Mark a user inactive and commit, as an operator would."""
    users = table_of(User)
    async with session_factory() as db:
        await db.execute(
            sa.update(users).where(users.c.id == uuid.UUID(str(user_id))).values(is_active=False)
        )
        await db.commit()


def sse_blocks(raw: str) -> list[dict[str, str]]:
    """An SSE body's blocks as {field: value}; comment lines under the key ':'."""
    out = []
    for block in raw.replace("\r\n", "\n").split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            name, _, value = line.partition(": ")
            fields[name if name else ":"] = value
        if fields:
            out.append(fields)
    return out
