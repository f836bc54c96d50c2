"""Session lifecycle: creation, shared history, counters, metadata, expiry, completion."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic_ai.messages import ModelRequest, ModelResponse, TextPart, UserPromptPart
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from coach.errors import ModelUnavailable, SessionClosed
from coach.history import load_messages
from coach.main import build_app
from coach.version import app_version
from persistence.enums import SessionStatus
from persistence.errors import NotFound
from persistence.models import AISession, User, table_of
from persistence.repositories import ai_sessions
from tests.coach.helpers import Clock, EngineFactory, ScriptedModel, collect, named, text_of


async def load(
    session_factory: async_sessionmaker[AsyncSession], user_id: uuid.UUID, session_id: uuid.UUID
) -> AISession:
    async with session_factory() as db:
        return await ai_sessions.get(db, user_id=user_id, session_id=session_id)


def _session_id(events: list[Any]) -> uuid.UUID:
    return uuid.UUID(events[0].data["session_id"])


async def test_two_turns_share_history(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=30)
    script = ScriptedModel(["First answer."], ["Second answer."])
    engine = make_engine(models={"scripted": script.model()})
    first = await collect(
        engine.run_turn(user_id=user_id, message="first question", model="scripted")
    )
    session_id = _session_id(first)
    second = await collect(
        engine.run_turn(
            user_id=user_id, message="second question", session_id=session_id, model="scripted"
        )
    )
    assert text_of(second) == "Second answer."
    # The second request carries the first turn: its question and its answer.
    seen = script.requests[1]
    prompts = [
        p.content
        for m in seen
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, UserPromptPart)
    ]
    replies = [
        p.content
        for m in seen
        if isinstance(m, ModelResponse)
        for p in m.parts
        if isinstance(p, TextPart)
    ]
    assert prompts == ["first question", "second question"]
    assert replies == ["First answer."]
    stored = await load(session_factory, user_id, session_id)
    history = load_messages(stored.conversation_history)
    assert len(history) == 4
    assert stored.message_count == 4
    usage_total = sum(
        e.data["input_tokens"] + e.data["output_tokens"]
        for e in named(first, "usage") + named(second, "usage")
    )
    assert stored.tokens_used == usage_total == second[-1].data["tokens_used"]
    assert second[-1].data["message_count"] == 4
    # Stored requests carry no instructions (they are rebuilt every turn).
    assert all(m.instructions is None for m in history if isinstance(m, ModelRequest))


async def test_session_metadata_and_timestamps_are_kept_current(
    make_engine: EngineFactory,
    seed_user: Any,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    user_id, _ = await seed_user(days=14)
    engine = make_engine()
    first = await collect(
        engine.run_turn(user_id=user_id, message="hello", client={"name": "test", "v": "1"})
    )
    session_id = _session_id(first)
    started = clock()
    clock.advance(minutes=5)
    await collect(engine.run_turn(user_id=user_id, message="hi again", session_id=session_id))
    stored = await load(session_factory, user_id, session_id)
    assert stored.started_at == started
    assert stored.last_message_at == clock()
    assert stored.model_tier == "standard"
    meta = stored.session_metadata or {}
    assert meta["model"] == "offline"
    assert meta["app_version"] == app_version()
    assert meta["client"] == {"name": "test", "v": "1"}
    assert "turn" not in meta  # the claim is released


async def test_create_session_then_first_message_uses_it(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=14)
    engine = make_engine()
    session = await engine.create_session(user_id=user_id, model_tier="premium")
    assert session.status is SessionStatus.ACTIVE
    assert session.model_tier == "premium"
    events = await collect(engine.run_turn(user_id=user_id, message="hi", session_id=session.id))
    assert events[0].data == {"session_id": str(session.id), "status": "active"}


async def test_unknown_user_is_not_found(make_engine: EngineFactory) -> None:
    engine = make_engine()
    with pytest.raises(NotFound, match="user"):
        await engine.create_session(user_id=uuid.uuid4())
    with pytest.raises(NotFound, match="user"):
        await anext(engine.run_turn(user_id=uuid.uuid4(), message="hi"))


async def test_create_session_rejects_unknown_tier(make_engine: EngineFactory) -> None:
    with pytest.raises(ValueError, match="model_tier"):
        await make_engine().create_session(user_id=uuid.uuid4(), model_tier="gold")


async def test_idle_session_expires_on_access(
    make_engine: EngineFactory,
    seed_user: Any,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    user_id, _ = await seed_user(days=14)
    engine = make_engine(coach_session_idle_minutes=30)
    session_id = _session_id(await collect(engine.run_turn(user_id=user_id, message="hi")))
    clock.advance(minutes=31)
    with pytest.raises(SessionClosed) as info:
        await anext(engine.run_turn(user_id=user_id, message="still there?", session_id=session_id))
    assert info.value.status == "expired"
    assert "start a new session" in info.value.message
    stored = await load(session_factory, user_id, session_id)
    assert stored.status is SessionStatus.EXPIRED
    assert stored.message_count == 2  # the refused message was not stored


async def test_session_within_idle_window_stays_active(
    make_engine: EngineFactory, seed_user: Any, clock: Clock
) -> None:
    user_id, _ = await seed_user(days=14)
    engine = make_engine(coach_session_idle_minutes=30)
    session_id = _session_id(await collect(engine.run_turn(user_id=user_id, message="hi")))
    clock.advance(minutes=29)
    events = await collect(engine.run_turn(user_id=user_id, message="hi", session_id=session_id))
    assert events[-1].event == "done"


async def test_completed_session_refuses_messages(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=14)
    engine = make_engine()
    session_id = _session_id(await collect(engine.run_turn(user_id=user_id, message="hi")))
    done = await engine.complete_session(user_id=user_id, session_id=session_id)
    assert done.status is SessionStatus.COMPLETED
    again = await engine.complete_session(user_id=user_id, session_id=session_id)
    assert again.status is SessionStatus.COMPLETED
    with pytest.raises(SessionClosed, match="completed"):
        await anext(engine.run_turn(user_id=user_id, message="hi", session_id=session_id))


async def test_complete_expired_session_is_refused(
    make_engine: EngineFactory, seed_user: Any, clock: Clock
) -> None:
    user_id, _ = await seed_user(days=14)
    engine = make_engine()
    session_id = _session_id(await collect(engine.run_turn(user_id=user_id, message="hi")))
    clock.advance(hours=2)
    with pytest.raises(SessionClosed, match="expired"):
        await engine.complete_session(user_id=user_id, session_id=session_id)


async def test_expire_idle_expires_only_idle_active_sessions(
    make_engine: EngineFactory,
    seed_user: Any,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
) -> None:
    user_id, _ = await seed_user(days=14)
    engine = make_engine(coach_session_idle_minutes=30)
    old = _session_id(await collect(engine.run_turn(user_id=user_id, message="hi")))
    completed = _session_id(await collect(engine.run_turn(user_id=user_id, message="hi")))
    await engine.complete_session(user_id=user_id, session_id=completed)
    clock.advance(minutes=40)
    fresh = _session_id(await collect(engine.run_turn(user_id=user_id, message="hi")))
    assert await engine.expire_idle() >= 1
    statuses = {
        sid: (await load(session_factory, user_id, sid)).status for sid in (old, completed, fresh)
    }
    assert statuses == {
        old: SessionStatus.EXPIRED,
        completed: SessionStatus.COMPLETED,
        fresh: SessionStatus.ACTIVE,
    }


async def test_other_users_session_is_not_found(make_engine: EngineFactory, seed_user: Any) -> None:
    owner, _ = await seed_user(seed=1, days=14)
    other, _ = await seed_user(seed=2, days=14)
    engine = make_engine()
    session_id = _session_id(await collect(engine.run_turn(user_id=owner, message="hi")))
    with pytest.raises(NotFound):
        await anext(engine.run_turn(user_id=other, message="hi", session_id=session_id))
    with pytest.raises(NotFound):
        await anext(engine.run_turn(user_id=owner, message="hi", session_id=uuid.uuid4()))
    with pytest.raises(NotFound):
        await engine.complete_session(user_id=other, session_id=session_id)


@pytest.mark.parametrize("message", ["", "   ", "x" * 5000])
async def test_bad_message_is_refused_before_any_event(
    make_engine: EngineFactory, seed_user: Any, message: str
) -> None:
    user_id, _ = await seed_user(days=7)
    with pytest.raises(ValueError, match="message"):
        await anext(make_engine().run_turn(user_id=user_id, message=message))


async def test_unusable_model_is_refused_and_leaves_session_usable(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=7)
    engine = make_engine()
    session_id = _session_id(await collect(engine.run_turn(user_id=user_id, message="hi")))
    with pytest.raises(ModelUnavailable, match="OPENAI_API_KEY"):
        await anext(
            engine.run_turn(
                user_id=user_id, message="hi", session_id=session_id, model="openai:gpt-x"
            )
        )
    with pytest.raises(ModelUnavailable, match="not a model spec"):
        await anext(engine.run_turn(user_id=user_id, message="hi", model="claude:x"))
    events = await collect(engine.run_turn(user_id=user_id, message="hi", session_id=session_id))
    assert events[-1].event == "done"


async def test_tier_without_usable_model_releases_the_claim(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=7)
    engine = make_engine(coach_model_premium="openai-chat:gpt-x")
    session = await engine.create_session(user_id=user_id, model_tier="premium")
    for _ in range(2):  # the second attempt is not "turn in progress": the claim was released
        with pytest.raises(ModelUnavailable):
            await anext(engine.run_turn(user_id=user_id, message="hi", session_id=session.id))


async def test_sessions_expire_cli_expires_idle_sessions(
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as db:
        user = User(email=f"cli-{uuid.uuid4().hex[:8]}@example.test", hashed_password="x")
        db.add(user)
        await db.flush()
        stale = AISession(user_id=user.id, conversation_history=[])
        db.add(stale)
        await db.flush()
        await db.execute(
            sa.update(table_of(AISession))
            .where(table_of(AISession).c.id == stale.id)
            .values(last_message_at=sa.text("now() - interval '2 hours'"))
        )
        await db.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    # The command runs its own event loop (asyncio.run), so it goes to a thread.
    result = await asyncio.to_thread(
        CliRunner().invoke,
        build_app(),
        ["sessions", "expire", "--idle-minutes", "60", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert payload["expired"] >= 1
    assert payload["idle_minutes"] == 60
    stored = await load(session_factory, user.id, stale.id)
    assert stored.status is SessionStatus.EXPIRED
