"""Progress photos' metadata."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from persistence.enums import PhotoVisibility
from persistence.errors import NotFound
from persistence.models import ProgressPhoto


async def add(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    photo_id: uuid.UUID,
    day: dt.date,
    s3_key: str,
    content_hash: str | None,
    visibility: PhotoVisibility = PhotoVisibility.PRIVATE,
    photo_metadata: dict[str, Any] | None = None,
) -> ProgressPhoto:
    """Add a photo row."""
    photo = ProgressPhoto(
        id=photo_id,
        user_id=user_id,
        date=day,
        s3_key=s3_key,
        content_hash=content_hash,
        visibility=visibility,
        photo_metadata=photo_metadata,
    )
    db.add(photo)
    await db.flush()
    await db.refresh(photo)
    return photo


async def get(db: AsyncSession, *, user_id: uuid.UUID, photo_id: uuid.UUID) -> ProgressPhoto:
    """The user's photo with this id, or ``NotFound`` (also for another user's photo)."""
    photo = await db.get(ProgressPhoto, photo_id)
    if photo is None or photo.user_id != user_id:
        raise NotFound("photo", photo_id)
    return photo


async def find_by_hash(
    db: AsyncSession, *, user_id: uuid.UUID, content_hash: str
) -> ProgressPhoto | None:
    """The user's photo with these bytes, for deduplication."""
    stmt = (
        sa.select(ProgressPhoto)
        .where(
            col(ProgressPhoto.user_id) == user_id, col(ProgressPhoto.content_hash) == content_hash
        )
        .limit(1)
    )
    return (await db.scalars(stmt)).first()


async def list_for_user(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    visibility: PhotoVisibility | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int | None = None,
) -> list[ProgressPhoto]:
    """The user's photos, newest first, optionally of one visibility and date range."""
    stmt = sa.select(ProgressPhoto).where(col(ProgressPhoto.user_id) == user_id)
    if visibility is not None:
        stmt = stmt.where(col(ProgressPhoto.visibility) == visibility)
    if start is not None:
        stmt = stmt.where(col(ProgressPhoto.date) >= start)
    if end is not None:
        stmt = stmt.where(col(ProgressPhoto.date) <= end)
    stmt = stmt.order_by(col(ProgressPhoto.date).desc(), col(ProgressPhoto.created_at).desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await db.scalars(stmt)).all())


async def set_visibility(
    db: AsyncSession, *, user_id: uuid.UUID, photo_id: uuid.UUID, visibility: PhotoVisibility
) -> ProgressPhoto:
    """Change a photo's visibility."""
    photo = await get(db, user_id=user_id, photo_id=photo_id)
    photo.visibility = visibility
    await db.flush()
    return photo


async def delete(db: AsyncSession, *, user_id: uuid.UUID, photo_id: uuid.UUID) -> ProgressPhoto:
    """Delete a photo row and return it (the caller removes the stored object)."""
    photo = await get(db, user_id=user_id, photo_id=photo_id)
    await db.delete(photo)
    await db.flush()
    return photo
