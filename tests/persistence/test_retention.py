"""Data retention on seeded old rows, in a database of its own (the job sweeps every user)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from typer.testing import CliRunner

from coach.main import build_app
from persistence import migrations
from persistence.models import (
    AIPolicyViolationLog,
    AISession,
    AIToolCallLog,
    CheckIn,
    RefreshToken,
    User,
    table_of,
)
from persistence.retention import (
    TABLES,
    RetentionPolicy,
    deleted_at,
    deletion_marker,
    run_retention,
)
from persistence.storage import LocalStorage

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def retention_url(create_database: Callable[[], str]) -> str:
    """A migrated database only these tests use."""
    url = create_database()
    migrations.upgrade(url)
    return url


@pytest.fixture
async def factory(retention_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the retention database, emptied before each test."""
    engine: AsyncEngine = create_async_engine(retention_url, pool_size=2)
    async with engine.begin() as conn:
        await conn.execute(sa.text('TRUNCATE "user" CASCADE'))
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    """Local object storage in a temporary data dir."""
    return LocalStorage(tmp_path / "objects", signing_key=b"k" * 32, url_base="http://h/f")


async def insert(factory: async_sessionmaker[AsyncSession], model: type[Any], **values: Any) -> Any:
    """Insert one row with explicit (old) timestamps; returns its id."""
    row_id = values.pop("id", uuid.uuid4())
    async with factory() as db:
        await db.execute(sa.insert(table_of(model)).values(id=row_id, **values))
        await db.commit()
    return row_id


async def new_user(factory: async_sessionmaker[AsyncSession], **values: Any) -> uuid.UUID:
    """A user row (active unless told otherwise)."""
    values.setdefault("hashed_password", "argon2-hash")
    user_id: uuid.UUID = await insert(
        factory, User, email=f"r-{uuid.uuid4().hex[:10]}@example.com", **values
    )
    return user_id


async def seed(factory: async_sessionmaker[AsyncSession], storage: LocalStorage) -> dict[str, Any]:
    """Rows on both sides of every retention boundary."""
    ids: dict[str, Any] = {}
    user = ids["user"] = await new_user(factory)
    gone = ids["deleted_user"] = await new_user(
        factory, is_active=False, hashed_password=deletion_marker(NOW - 31 * DAY)
    )
    recent = ids["recently_deleted"] = await new_user(
        factory, is_active=False, hashed_password=deletion_marker(NOW - 29 * DAY)
    )
    ids["deactivated"] = await new_user(factory, is_active=False)  # by an operator: kept

    def token(**when: Any) -> dict[str, Any]:
        return {"user_id": user, "token_hash": uuid.uuid4().hex, **when}

    ids["tokens_gone"] = [
        await insert(factory, RefreshToken, **token(expires_at=NOW - 31 * DAY)),
        await insert(
            factory, RefreshToken, **token(expires_at=NOW + 5 * DAY, revoked_at=NOW - 40 * DAY)
        ),
    ]
    ids["tokens_kept"] = [
        await insert(factory, RefreshToken, **token(expires_at=NOW - 29 * DAY)),
        await insert(
            factory, RefreshToken, **token(expires_at=NOW + 5 * DAY, revoked_at=NOW - 2 * DAY)
        ),
        await insert(factory, RefreshToken, **token(expires_at=NOW + 20 * DAY)),
    ]
    history = [{"role": "user", "content": "hello from the past"}]
    old = ids["old_session"] = await insert(
        factory,
        AISession,
        user_id=user,
        last_message_at=NOW - 91 * DAY,
        started_at=NOW - 92 * DAY,
        conversation_history=history,
    )
    fresh = ids["fresh_session"] = await insert(
        factory, AISession, user_id=user, last_message_at=NOW - 89 * DAY
    )
    ids["deleted_users_session"] = await insert(
        factory, AISession, user_id=gone, last_message_at=NOW - 5 * DAY
    )
    ids["recent_users_old_session"] = await insert(
        factory, AISession, user_id=recent, last_message_at=NOW - 100 * DAY
    )

    def call(session: uuid.UUID, age: dt.timedelta) -> dict[str, Any]:
        return {
            "session_id": session,
            "user_id": user,
            "tool_name": "get_weight_trend",
            "tool_category": "internal",
            "input_hash": "0" * 64,
            "created_at": NOW - age,
        }

    ids["old_session_calls"] = [
        await insert(factory, AIToolCallLog, **call(old, 91 * DAY)),
        await insert(factory, AIToolCallLog, **call(old, 91 * DAY)),
    ]
    ids["old_call_in_fresh_session"] = await insert(factory, AIToolCallLog, **call(fresh, 95 * DAY))
    ids["fresh_call"] = await insert(factory, AIToolCallLog, **call(fresh, 89 * DAY))

    def violation(age: dt.timedelta, session: uuid.UUID | None) -> dict[str, Any]:
        return {
            "user_id": user,
            "session_id": session,
            "violation_type": "calorie_minimum",
            "severity": "warning",
            "action_taken": "adjusted",
            "created_at": NOW - age,
        }

    ids["old_violation"] = await insert(factory, AIPolicyViolationLog, **violation(366 * DAY, None))
    ids["violation_of_old_session"] = await insert(
        factory, AIPolicyViolationLog, **violation(91 * DAY, old)
    )
    await insert(factory, CheckIn, user_id=gone, date=dt.date(2024, 1, 1), weight_kg=70)
    await storage.put(f"photos/{gone}/p.jpg", b"jpeg", content_type="image/jpeg")
    await storage.put(f"photos/{recent}/p.jpg", b"jpeg", content_type="image/jpeg")
    return ids


async def counts(factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """Rows per table."""
    models = {
        "user": User,
        "ai_session": AISession,
        "ai_tool_call_log": AIToolCallLog,
        "ai_policy_violation_log": AIPolicyViolationLog,
        "refresh_token": RefreshToken,
        "check_in": CheckIn,
    }
    async with factory() as db:
        return {
            name: int(
                (
                    await db.execute(sa.select(sa.func.count()).select_from(table_of(model)))
                ).scalar_one()
            )
            for name, model in models.items()
        }


EXPECTED = {
    "user": 1,  # the account deleted 31 days ago
    "ai_session": 2,  # 91 days idle + the recently deleted user's 100-day-old one
    "ai_tool_call_log": 3,  # two with the old session, one 95 days old
    "ai_policy_violation_log": 1,  # 366 days old
    "refresh_token": 2,  # expired 31 days ago, revoked 40 days ago
}


async def test_dry_run_counts_and_changes_nothing(
    factory: async_sessionmaker[AsyncSession], storage: LocalStorage
) -> None:
    ids = await seed(factory, storage)
    before = await counts(factory)
    report = await run_retention(factory, storage=storage, now=NOW, dry_run=True)
    assert report.deleted == EXPECTED
    assert report.archived_sessions == 1  # sessions of deleted accounts are never archived
    assert report.archives == []
    assert await counts(factory) == before
    assert await storage.exists(f"photos/{ids['deleted_user']}/p.jpg")


async def test_run_deletes_archives_and_is_idempotent(
    factory: async_sessionmaker[AsyncSession], storage: LocalStorage
) -> None:
    ids = await seed(factory, storage)
    before = await counts(factory)
    report = await run_retention(factory, storage=storage, now=NOW)
    assert report.deleted == EXPECTED
    after = await counts(factory)
    assert after["user"] == before["user"] - 1
    assert after["check_in"] == before["check_in"] - 1  # the deleted account's rows cascade
    assert after["ai_session"] == before["ai_session"] - 3  # 2 old + the deleted account's
    assert after["refresh_token"] == before["refresh_token"] - 2

    async with factory() as db:
        users = {u.id for u in (await db.scalars(sa.select(User))).all()}
        assert ids["deleted_user"] not in users
        assert {ids["user"], ids["recently_deleted"], ids["deactivated"]} <= users
        tokens = {t.id for t in (await db.scalars(sa.select(RefreshToken))).all()}
        assert tokens == set(ids["tokens_kept"])
        calls = {c.id for c in (await db.scalars(sa.select(AIToolCallLog))).all()}
        assert calls == {ids["fresh_call"]}
        violations = {v.id: v for v in (await db.scalars(sa.select(AIPolicyViolationLog))).all()}
        assert set(violations) == {ids["violation_of_old_session"]}
        assert violations[ids["violation_of_old_session"]].session_id is None

    assert not await storage.exists(f"photos/{ids['deleted_user']}/p.jpg")
    assert await storage.exists(f"photos/{ids['recently_deleted']}/p.jpg")
    assert report.photo_objects_removed == 1

    [key] = report.archives
    assert key.startswith("archives/ai_sessions/") and key.endswith(".jsonl.gz")
    lines = gzip.decompress(await storage.get(key)).decode().splitlines()
    archived = [json.loads(line) for line in lines]
    assert [a["session"]["id"] for a in archived] == [str(ids["old_session"])]
    assert archived[0]["session"]["conversation_history"][0]["content"] == "hello from the past"
    assert sorted(c["id"] for c in archived[0]["tool_calls"]) == sorted(
        str(i) for i in ids["old_session_calls"]
    )

    again = await run_retention(factory, storage=storage, now=NOW)
    assert again.deleted == dict.fromkeys(TABLES, 0) and again.archives == []
    assert await counts(factory) == after


async def test_deletes_in_batches(
    factory: async_sessionmaker[AsyncSession], storage: LocalStorage
) -> None:
    user = await new_user(factory)
    for _ in range(7):
        await insert(
            factory,
            RefreshToken,
            user_id=user,
            token_hash=uuid.uuid4().hex,
            expires_at=NOW - 60 * DAY,
        )
    for i in range(5):
        await insert(factory, AISession, user_id=user, last_message_at=NOW - (100 + i) * DAY)
    report = await run_retention(
        factory, storage=storage, now=NOW, policy=RetentionPolicy(batch_size=2)
    )
    assert report.deleted["refresh_token"] == 7
    assert report.deleted["ai_session"] == report.archived_sessions == 5
    assert len(report.archives) == 3  # 2 + 2 + 1 sessions
    assert (await counts(factory))["refresh_token"] == 0


def test_deletion_marker_round_trip_and_order() -> None:
    at = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)
    assert deleted_at(deletion_marker(at)) == at.replace(microsecond=0)
    assert deletion_marker(at) < deletion_marker(at + dt.timedelta(seconds=1))
    assert deleted_at("$argon2id$v=19$m=65536,t=3,p=4$...") is None
    assert deleted_at("!deleted:garbage") is None


def test_cli_dry_run_prints_counts_per_table(
    retention_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", retention_url)
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PHOTO_BUCKET", raising=False)
    runner = CliRunner()
    result = runner.invoke(build_app(), ["retention", "run", "--dry-run", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["dry_run"] is True
    assert set(payload["deleted"]) == set(TABLES)
    table = runner.invoke(build_app(), ["retention", "run", "--dry-run"])
    assert table.exit_code == 0 and "would delete" in table.stdout
