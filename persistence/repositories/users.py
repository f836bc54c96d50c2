"""Users: lookup, creation, activation state."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from persistence.errors import Conflict, NotFound
from persistence.models import User


def normalize_email(email: str) -> str:
    """Emails are compared case-insensitively and stored lowercase."""
    return email.strip().lower()


async def get(db: AsyncSession, *, user_id: uuid.UUID) -> User:
    """The user with this id, or ``NotFound``."""
    user = await db.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


async def find_by_email(db: AsyncSession, *, email: str) -> User | None:
    """The user with this email (case-insensitive), if any."""
    stmt = sa.select(User).where(col(User.email) == normalize_email(email))
    return (await db.scalars(stmt)).one_or_none()


async def get_by_email(db: AsyncSession, *, email: str) -> User:
    """The user with this email, or ``NotFound``."""
    user = await find_by_email(db, email=email)
    if user is None:
        raise NotFound("user", email)
    return user


async def get_by_id_or_email(db: AsyncSession, *, key: str) -> User:
    """A user by UUID or email, as operators type them on the command line."""
    try:
        return await get(db, user_id=uuid.UUID(key))
    except ValueError:
        return await get_by_email(db, email=key)


async def reserve_email(db: AsyncSession, *, email: str) -> None:
    """Hold ``email`` for a registration until the caller's transaction ends.

    ``Conflict`` when it is taken, or when a concurrent registration holds it (a
    transaction-level advisory lock on the address): of simultaneous registrations of one
    address only one goes on to hash its password, the others are refused at once.
    """
    normalized = normalize_email(email)
    locked = (
        await db.execute(
            sa.select(sa.func.pg_try_advisory_xact_lock(sa.func.hashtextextended(normalized, 0)))
        )
    ).scalar_one()
    if not locked:
        raise Conflict(f"email {normalized} is being registered")
    if await find_by_email(db, email=email) is not None:
        raise Conflict(f"email {normalized} is already registered")


async def create(
    db: AsyncSession, *, email: str, hashed_password: str, is_verified: bool = False
) -> User:
    """Add a user; ``Conflict`` when the email is taken."""
    if await find_by_email(db, email=email) is not None:
        raise Conflict(f"email {normalize_email(email)} is already registered")
    user = User(email=normalize_email(email), hashed_password=hashed_password)
    user.is_verified = is_verified
    db.add(user)
    await db.flush()
    await db.refresh(user)
    return user


async def update(db: AsyncSession, *, user: User, **values: object) -> User:
    """Set attributes on a user and flush."""
    for key, value in values.items():
        if key not in User.model_fields or key in ("id", "created_at", "updated_at"):
            raise ValueError(f"user has no writable field {key!r}")
        setattr(user, key, value)
    await db.flush()
    await db.refresh(user)
    return user


async def delete(db: AsyncSession, *, user_id: uuid.UUID) -> None:
    """Hard-delete a user; every owned row goes with it (ON DELETE CASCADE)."""
    await db.execute(sa.delete(User).where(col(User.id) == user_id))
