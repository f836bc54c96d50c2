"""Refresh tokens, stored only as SHA-256 hashes."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from persistence.models import RefreshToken
from persistence.repositories._common import rowcount


async def add(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    token_hash: str,
    expires_at: dt.datetime,
    user_agent: str | None = None,
    ip_address: str | None = None,
) -> RefreshToken:
    """Store a new refresh token's hash."""
    token = RefreshToken(
        user_id=user_id,
        token_hash=token_hash,
        expires_at=expires_at,
        user_agent=user_agent[:500] if user_agent else None,
        ip_address=ip_address[:45] if ip_address else None,
    )
    db.add(token)
    await db.flush()
    return token


async def find_by_hash(
    db: AsyncSession, *, token_hash: str, for_update: bool = False
) -> RefreshToken | None:
    """The token with this hash; ``for_update`` locks the row (refresh rotation)."""
    stmt = sa.select(RefreshToken).where(col(RefreshToken.token_hash) == token_hash)
    if for_update:
        stmt = stmt.with_for_update()
    return (await db.scalars(stmt)).first()


async def revoke(db: AsyncSession, *, token: RefreshToken, now: dt.datetime) -> None:
    """Revoke one token."""
    token.revoked_at = now
    await db.flush()


async def revoke_all_for_user(db: AsyncSession, *, user_id: uuid.UUID, now: dt.datetime) -> int:
    """Revoke every active token of a user; returns how many."""
    stmt = (
        sa.update(RefreshToken)
        .where(col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return await rowcount(db, stmt)


async def list_for_user(db: AsyncSession, *, user_id: uuid.UUID) -> list[RefreshToken]:
    """All of a user's tokens, newest first."""
    stmt = (
        sa.select(RefreshToken)
        .where(col(RefreshToken.user_id) == user_id)
        .order_by(col(RefreshToken.created_at).desc())
    )
    return list((await db.scalars(stmt)).all())
