"""The demo account ``coach serve`` seeds on first run, so the first command has data to chat about.

The demo user gets 90 days of synthetic check-ins and nutrition (``persistence.synthetic``,
ending today), a profile, a fat-loss goal and diet preferences. Its password is generated
once and kept in ``<data dir>/demo-account.json`` (mode 0600), so every later start prints
the same credentials. Seeding happens only when the demo user does not exist yet, and only
on the embedded database or when ``COACH_SEED_DEMO=1``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from argon2 import PasswordHasher, Type
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from persistence import migrations
from persistence.db import create_engine, create_session_factory, resolve_database
from persistence.enums import DietType, GoalType, PacePreference
from persistence.files import write_private
from persistence.models import DietPreferences, User, UserProfile
from persistence.repositories import users
from persistence.settings import DatabaseSettings
from persistence.synthetic import SyntheticConfig, generate_user, seed_synthetic_user

__all__ = [
    "DEMO_DAYS",
    "DEMO_EMAIL",
    "DemoAccount",
    "credentials_path",
    "ensure_demo_user",
    "prepare_demo_account",
    "should_seed_demo",
]

log = logging.getLogger(__name__)

DEMO_EMAIL = "demo@sleek.coach"
DEMO_DAYS = 90
#: A fixed seed: every fresh install gets the same (plausible) demo person.
DEMO_SEED = 20_240_601
_CREDENTIALS_FILE = "demo-account.json"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """Credentials of the demo user; ``created`` is True on the run that seeded it."""

    email: str
    password: str
    user_id: uuid.UUID
    created: bool


def should_seed_demo(settings: DatabaseSettings, environ: dict[str, str] | None = None) -> bool:
    """Seed on the embedded database, or anywhere when ``COACH_SEED_DEMO=1``."""
    env = os.environ if environ is None else environ
    flag = env.get("COACH_SEED_DEMO", "").strip().lower()
    if flag in ("0", "false", "no"):
        return False
    return settings.embedded or flag in ("1", "true", "yes")


def credentials_path(data_dir: Path) -> Path:
    """Where the demo password is kept between runs."""
    return data_dir.expanduser() / _CREDENTIALS_FILE


def _read_password(path: Path, email: str) -> str | None:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("email") != email:
        return None
    password = stored.get("password")
    return password if isinstance(password, str) and password else None


def _write_password(path: Path, *, email: str, password: str, user_id: uuid.UUID) -> None:
    # 0600 from the start: the file holds a password.
    write_private(path, json.dumps({"email": email, "password": password, "user_id": str(user_id)}))


def _default_hasher() -> PasswordHasher:
    # The API's Argon2id parameters (OWASP minimum), so logins never ask for a rehash.
    return PasswordHasher(
        time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID
    )


def _demo_config(today: dt.date) -> SyntheticConfig:
    return SyntheticConfig(
        days=DEMO_DAYS,
        end=today,
        goal_type=GoalType.FAT_LOSS,
        pace=PacePreference.MODERATE,
        target_date_weeks=20,
        # No photo rows: the demo has no image bytes to serve behind them.
        photo_every_days=0,
    )


async def _seed(db: AsyncSession, *, email: str, password_hash: str, today: dt.date) -> uuid.UUID:
    data = generate_user(_demo_config(today), seed=DEMO_SEED)
    user_id = await seed_synthetic_user(db, data, email=email)
    await db.execute(
        sa.update(User)
        .where(col(User.id) == user_id)
        .values(hashed_password=password_hash, is_verified=True)
    )
    await db.execute(
        sa.update(UserProfile)
        .where(col(UserProfile.user_id) == user_id)
        .values(display_name="Demo")
    )
    await db.execute(
        sa.update(DietPreferences)
        .where(col(DietPreferences.user_id) == user_id)
        .values(
            diet_type=DietType.NONE,
            allergies=["peanuts"],
            disliked_foods=["olives"],
            meals_per_day=3,
        )
    )
    return user_id


async def ensure_demo_user(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    data_dir: Path,
    email: str = DEMO_EMAIL,
    today: dt.date | None = None,
    hasher: PasswordHasher | None = None,
) -> DemoAccount:
    """The demo account, seeding it (one transaction) when the user does not exist.

    When the user exists but its password file was lost, a new password is set and stored,
    so the printed credentials always work.
    """
    path = credentials_path(data_dir)
    ph = hasher or _default_hasher()
    async with session_factory() as db:
        existing = await users.find_by_email(db, email=email)
        if existing is not None:
            password = _read_password(path, email)
            if password is None:
                password = secrets.token_urlsafe(12)
                existing.hashed_password = ph.hash(password)
                await db.commit()
                _write_password(path, email=email, password=password, user_id=existing.id)
                log.warning("demo password file missing; set a new demo password")
            return DemoAccount(email=email, password=password, user_id=existing.id, created=False)

        password = secrets.token_urlsafe(12)
        day = today or dt.datetime.now(dt.UTC).date()
        try:
            user_id = await _seed(db, email=email, password_hash=ph.hash(password), today=day)
            await db.commit()
        except IntegrityError:
            # Another process seeded it at the same moment: take the existing-user path.
            await db.rollback()
            return await ensure_demo_user(
                session_factory, data_dir=data_dir, email=email, today=today, hasher=ph
            )
    # Written after the commit: if this fails, the next start finds no file and resets it.
    _write_password(path, email=email, password=password, user_id=user_id)
    return DemoAccount(email=email, password=password, user_id=user_id, created=True)


def prepare_demo_account(settings: DatabaseSettings) -> DemoAccount:
    """Resolve (and on the embedded server, migrate) the database, then ensure the demo user.

    Synchronous, for the CLI: call it before the server's event loop starts.
    """
    resolved = resolve_database(settings)
    if resolved.embedded:
        migrations.upgrade(resolved.url)

    async def run() -> DemoAccount:
        engine = create_engine(settings, resolved.url)
        try:
            return await ensure_demo_user(
                create_session_factory(engine), data_dir=settings.coach_data_dir
            )
        finally:
            await engine.dispose()

    return asyncio.run(run())
