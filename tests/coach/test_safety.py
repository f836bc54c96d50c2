"""Safety in the loop: input short-circuits, output released only after the policy passes it."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic_ai.messages import ModelResponse, TextPart
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.history import load_messages
from persistence.repositories import ai_logs, ai_sessions
from policies import PolicyProfile
from tests.coach.helpers import EngineFactory, ScriptedModel, build_policy, collect, named, text_of

SAFE = "Your trend is down nicely this month. "
UNSAFE = "Try fasting for 5 days to speed things up. "
AFTER = "Good luck with the rest of the week."


async def _stored(
    session_factory: async_sessionmaker[AsyncSession], user_id: uuid.UUID, session_id: uuid.UUID
) -> Any:
    async with session_factory() as db:
        return await ai_sessions.get(db, user_id=user_id, session_id=session_id)


async def test_reply_blocked_mid_stream_never_reaches_the_client(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=7)
    # The unsafe sentence is split across deltas, as a real model would stream it.
    script = ScriptedModel([SAFE, UNSAFE[:12], UNSAFE[12:], AFTER])
    engine = make_engine(models={"scripted": script.model()})
    events = await collect(
        engine.run_turn(user_id=user_id, message="how is my trend?", model="scripted")
    )
    expected = build_policy().check_output(UNSAFE.strip())
    assert expected.message is not None
    kinds = [e.event for e in events]
    texts = [e.data["delta"] for e in named(events, "text")]
    assert texts[0] == SAFE
    (policy,) = named(events, "policy")
    assert policy.data["stage"] == "output"
    assert policy.data["action"] == expected.action.value
    assert policy.data["type"] == expected.violations[0].type.value
    # Safe sentence, then the policy event, then the replacement; never the unsafe text.
    assert kinds.index("policy") < len(kinds) - 1
    assert kinds[kinds.index("policy") + 1] == "text"
    reply = text_of(events)
    assert "fasting for 5 days" not in reply
    assert AFTER not in reply
    assert expected.message in reply
    assert events[-1].event == "done"
    # History keeps what the user saw, and the violation is logged with the turn.
    session_id = uuid.UUID(events[0].data["session_id"])
    stored = await _stored(session_factory, user_id, session_id)
    history = load_messages(stored.conversation_history)
    saved = "".join(
        p.content
        for m in history
        if isinstance(m, ModelResponse)
        for p in m.parts
        if isinstance(p, TextPart)
    )
    assert saved == reply
    async with session_factory() as db:
        rows = await ai_logs.list_violations(db, session_id=session_id)
    assert [r.violation_type.value for r in rows] == [v.type.value for v in expected.violations]
    assert all("fasting" in (r.trigger_content or "") for r in rows)


async def test_adjusted_sentence_is_released_amended(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, data = await seed_user(days=7)
    sentence = "You should eat 600 calories a day."
    script = ScriptedModel(["Here is my advice. ", sentence])
    engine = make_engine(models={"scripted": script.model()})
    events = await collect(engine.run_turn(user_id=user_id, message="advice?", model="scripted"))
    # the floor in the amendment is the user's (by sex)
    expected = build_policy().check_output(sentence, PolicyProfile(sex=data.profile.sex))
    assert expected.message is not None
    (policy,) = named(events, "policy")
    assert policy.data["action"] == "adjust"
    reply = text_of(events)
    assert "600 calories" not in reply
    assert reply.startswith("Here is my advice. ")
    assert expected.message in reply


async def test_input_refusal_short_circuits_without_model_call_or_tokens(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=7)
    message = "I want to fast for 5 days to drop weight"
    expected = build_policy().check_input(message)
    assert expected.action.value in ("block", "refer")
    assert expected.message is not None
    script = ScriptedModel(["should never be said"])
    engine = make_engine(models={"scripted": script.model()})
    events = await collect(engine.run_turn(user_id=user_id, message=message, model="scripted"))
    assert script.requests == []  # no model call at all
    assert [e.event for e in events][:2] == ["session", "policy"]
    (policy,) = named(events, "policy")
    assert policy.data["stage"] == "input"
    assert policy.data["action"] == expected.action.value
    assert text_of(events) == expected.message
    (usage,) = named(events, "usage")
    assert usage.data == {"input_tokens": 0, "output_tokens": 0}
    assert events[-1].event == "done"
    assert events[-1].data["tokens_used"] == 0
    session_id = uuid.UUID(events[0].data["session_id"])
    stored = await _stored(session_factory, user_id, session_id)
    assert stored.tokens_used == 0
    assert stored.message_count == 2
    history = load_messages(stored.conversation_history)
    assert len(history) == 2
    async with session_factory() as db:
        rows = await ai_logs.list_violations(db, session_id=session_id)
    assert [r.violation_type for r in rows] == [v.type for v in expected.violations]
    assert all(r.action_taken == expected.action.value for r in rows)


async def test_flagged_policy_reaches_later_instructions(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=7)
    script = ScriptedModel(["Sure."])
    engine = make_engine(models={"scripted": script.model()})
    first = await collect(
        engine.run_turn(user_id=user_id, message="I want to fast for 5 days", model="scripted")
    )
    session_id = uuid.UUID(first[0].data["session_id"])
    await collect(
        engine.run_turn(
            user_id=user_id, message="ok, what now?", session_id=session_id, model="scripted"
        )
    )
    (instructions,) = script.instructions
    assert instructions is not None
    assert "Safety flag (unsafe_content)" in instructions
