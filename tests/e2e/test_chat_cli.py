"""``coach chat`` and the demo account, against a real server."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col
from typer.testing import CliRunner

from coach.demo import DEMO_DAYS, credentials_path, ensure_demo_user, should_seed_demo
from coach.main import build_app
from persistence.models import CheckIn, DietPreferences, NutritionDay, UserProfile
from persistence.settings import DatabaseSettings
from tests.e2e.conftest import LiveServer, MakeAccount


async def _set_password(
    live: LiveServer, factory: async_sessionmaker[AsyncSession], user_id: uuid.UUID
) -> str:
    password = f"pw-{uuid.uuid4().hex}"
    hashed = await live.state.passwords.hash(password)
    async with factory() as db:
        await db.execute(
            sa.text('UPDATE "user" SET hashed_password = :h WHERE id = :i'),
            {"h": hashed, "i": user_id},
        )
        await db.commit()
    return password


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client keeps its refresh tokens in the data dir: a fresh one per test."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))


def _invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app(), ["chat", *args])
    return result.exit_code, result.stdout, result.stderr


async def test_chat_cli_one_shot_json_prints_the_turns_events(
    live_server: LiveServer,
    make_account: MakeAccount,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    account = await make_account()
    password = await _set_password(live_server, session_factory, account.user_id)
    args = ["--url", live_server.url, "--email", account.email, "--password", password]

    code, out, _ = await asyncio.to_thread(
        _invoke, [*args, "--json", "--keep-session", "--message", "How am I doing?"]
    )

    assert code == 0
    events = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert events[0]["event"] == "session" and events[-1]["event"] == "done"
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    session_id = events[0]["data"]["session_id"]

    code, out, _ = await asyncio.to_thread(
        _invoke, [*args, "--session", session_id, "--message", "And my nutrition?"]
    )

    assert code == 0
    assert "messages" in out and "→ get_nutrition_summary" in out


async def _session_status(factory: async_sessionmaker[AsyncSession], session_id: str) -> str | None:
    async with factory() as db:
        status = await db.scalar(
            sa.text("SELECT status::text FROM ai_session WHERE id = :i"), {"i": session_id}
        )
    return None if status is None else str(status)


async def test_chat_cli_one_shot_completes_its_session_and_reuses_its_sign_in(
    live_server: LiveServer,
    make_account: MakeAccount,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    account = await make_account()
    password = await _set_password(live_server, session_factory, account.user_id)
    base = ["--url", live_server.url, "--email", account.email, "--json", "--message", "Hi"]

    code, out, err = await asyncio.to_thread(_invoke, [*base, "--password", password])
    assert code == 0, err
    first = json.loads(out.splitlines()[0])["data"]["session_id"]
    tokens = tmp_path / "chat-tokens.json"
    assert tokens.stat().st_mode & 0o777 == 0o600
    stored = json.loads(tokens.read_text())

    # No password at all: the stored refresh token signs in (and is rotated).
    code, out, err = await asyncio.to_thread(_invoke, base)
    assert code == 0, err
    assert json.loads(tokens.read_text()) != stored
    second = json.loads(out.splitlines()[0])["data"]["session_id"]

    assert await _session_status(session_factory, first) == "completed"
    assert await _session_status(session_factory, second) == "completed"


async def test_chat_cli_with_a_wrong_password_exits_1_with_the_reason(
    live_server: LiveServer, make_account: MakeAccount
) -> None:
    account = await make_account()

    code, _, err = await asyncio.to_thread(
        _invoke,
        ["--url", live_server.url, "--email", account.email, "--password", "wrong-one-1"],
    )

    assert code == 1 and "401" in err


async def test_demo_user_is_seeded_once_with_90_days_and_its_password_kept(
    live_server: LiveServer,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    email = f"demo-{uuid.uuid4().hex[:8]}@sleek.coach"

    first = await ensure_demo_user(session_factory, data_dir=tmp_path, email=email)
    again = await ensure_demo_user(session_factory, data_dir=tmp_path, email=email)

    assert first.created and not again.created
    assert (again.password, again.user_id) == (first.password, first.user_id)
    assert credentials_path(tmp_path).stat().st_mode & 0o077 == 0
    async with session_factory() as db:
        checkins = await db.scalar(
            sa.select(sa.func.count()).where(col(CheckIn.user_id) == first.user_id)
        )
        days = await db.scalar(
            sa.select(sa.func.count(sa.distinct(NutritionDay.date))).where(
                col(NutritionDay.user_id) == first.user_id
            )
        )
        profile = await db.get(UserProfile, first.user_id)
        prefs = (
            await db.scalars(
                sa.select(DietPreferences).where(col(DietPreferences.user_id) == first.user_id)
            )
        ).one()
    assert checkins == DEMO_DAYS and 0 < (days or 0) <= DEMO_DAYS
    assert prefs.allergies == ["peanuts"]
    assert profile is None or profile.display_name == "Demo"

    # `coach chat` without credentials uses the demo account of the data dir.
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    code, out, err = await asyncio.to_thread(
        _invoke, ["--url", live_server.url, "--json", "--message", "How am I doing?"]
    )
    assert code == 0, err
    assert json.loads(out.splitlines()[-1])["event"] == "done"


async def test_demo_password_is_reset_when_its_file_is_lost(
    live_server: LiveServer, session_factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    email = f"demo-{uuid.uuid4().hex[:8]}@sleek.coach"
    first = await ensure_demo_user(session_factory, data_dir=tmp_path, email=email)
    credentials_path(tmp_path).unlink()

    again = await ensure_demo_user(session_factory, data_dir=tmp_path, email=email)

    assert not again.created and again.password != first.password
    code, _, err = await asyncio.to_thread(
        _invoke,
        [
            "--url",
            live_server.url,
            "--email",
            email,
            "--password",
            again.password,
            "--message",
            "hello",
        ],
    )
    assert code == 0, err


def test_demo_seeding_runs_on_embedded_or_when_asked() -> None:
    embedded = DatabaseSettings(database_url=None)
    external = DatabaseSettings(database_url="postgresql://x/y")

    assert should_seed_demo(embedded, {})
    assert not should_seed_demo(external, {})
    assert should_seed_demo(external, {"COACH_SEED_DEMO": "1"})
    assert not should_seed_demo(embedded, {"COACH_SEED_DEMO": "0"})


async def test_serve_seeds_the_demo_once_and_prints_the_same_credentials_each_start(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: served.append(kw))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("COACH_SEED_DEMO", "1")
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JWT_SECRET", "a-test-signing-secret-of-forty-characters")

    def start() -> str:
        result = CliRunner().invoke(build_app(), ["serve", "--port", "8123"])
        assert result.exit_code == 0, result.output
        return result.stderr

    first = await asyncio.to_thread(start)
    second = await asyncio.to_thread(start)

    password = json.loads(credentials_path(tmp_path).read_text())["password"]
    command = (
        f"coach chat --url http://127.0.0.1:8123 --email demo@sleek.coach --password {password}"
    )
    assert "created with 90 days" in first and "created" not in second
    assert command in first and command in second
    assert [kw["port"] for kw in served] == [8123, 8123]
