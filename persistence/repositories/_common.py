"""Helpers shared by the repositories."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.models import Base, table_of

M = TypeVar("M", bound=Base)


async def upsert_by_date(
    db: AsyncSession,
    model: type[M],
    *,
    user_id: uuid.UUID,
    day: dt.date,
    values: Mapping[str, Any],
) -> M:
    """Insert or update the row for ``(user_id, day)`` in one statement and return it.

    Only the columns in ``values`` are written on conflict; others keep their stored value.
    """
    table = table_of(model)
    stmt = insert(table).values(user_id=user_id, date=day, **values)
    update = {key: stmt.excluded[key] for key in values} or {"user_id": stmt.excluded.user_id}
    upsert = stmt.on_conflict_do_update(index_elements=["user_id", "date"], set_=update)
    row_id = (await db.execute(upsert.returning(table.c.id))).scalar_one()
    row = await db.get(model, row_id, populate_existing=True)
    assert row is not None
    return row


async def select_range(
    db: AsyncSession,
    model: type[M],
    *,
    user_id: uuid.UUID,
    start: dt.date | None = None,
    end: dt.date | None = None,
    newest_first: bool = True,
    limit: int | None = None,
    before: dt.date | None = None,
) -> list[M]:
    """Rows of one user between ``start`` and ``end`` (inclusive), by date.

    ``before`` is a keyset cursor: only dates strictly before it (with ``newest_first``).
    """
    table = table_of(model)
    col = table.c.date
    stmt = sa.select(model).where(table.c.user_id == user_id)
    if start is not None:
        stmt = stmt.where(col >= start)
    if end is not None:
        stmt = stmt.where(col <= end)
    if before is not None:
        stmt = stmt.where(col < before if newest_first else col > before)
    stmt = stmt.order_by(col.desc() if newest_first else col.asc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await db.scalars(stmt)).all())


async def delete_by_date(
    db: AsyncSession, model: type[M], *, user_id: uuid.UUID, day: dt.date
) -> bool:
    """Delete the row for ``(user_id, day)``; True when one existed."""
    table = table_of(model)
    stmt = sa.delete(table).where(table.c.user_id == user_id, table.c.date == day)
    return await rowcount(db, stmt) > 0


async def rowcount(db: AsyncSession, stmt: sa.Executable) -> int:
    """Execute an UPDATE or DELETE and return how many rows it touched."""
    result = cast(CursorResult[Any], await db.execute(stmt))
    return int(result.rowcount)
