"""A turn that folds older turns never waits for a summary request: the model rewrites the
summary after the turn, unless a later turn changed it first."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.engine import CoachEngine
from coach.summarizer import HEADER
from persistence.repositories import ai_sessions
from tests.coach.helpers import EngineFactory, collect

LONG_REPLY = "Your logging is steady and the trend is moving the right way this month. " * 12


class SummaryModel:
    """Streams long coaching replies; a summary request waits for ``release`` and answers
    ``- model summary N`` (N counts the summary requests)."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.asked = 0
        self.last_request = ""

    async def _stream(self, messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        self.last_request = repr(messages)
        yield LONG_REPLY

    async def _request(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        last = messages[-1]
        assert isinstance(last, ModelRequest)
        assert (last.instructions or "").startswith("You maintain the running summary")
        self.asked += 1
        number = self.asked
        await self.release.wait()
        return ModelResponse(parts=[TextPart(f"- model summary {number}")])

    def model(self) -> FunctionModel:
        return FunctionModel(self._request, stream_function=self._stream)


async def _summary(
    session_factory: async_sessionmaker[AsyncSession], user_id: uuid.UUID, session_id: uuid.UUID
) -> tuple[str | None, int]:
    async with session_factory() as db:
        stored = await ai_sessions.get(db, user_id=user_id, session_id=session_id)
    return stored.context_summary, stored.tokens_used


async def _turn_until_folded(
    engine: CoachEngine, model: SummaryModel, user_id: uuid.UUID, session_id: uuid.UUID
) -> int:
    """Turns until one folds (a summary request starts); how many."""
    asked = model.asked
    for n in range(1, 40):
        events = await collect(
            engine.run_turn(user_id=user_id, message=f"week {n}?", session_id=session_id, model="m")
        )
        assert events[-1].event == "done"  # even while a summary request waits
        await asyncio.sleep(0)
        if model.asked > asked:
            return n
    raise AssertionError("no turn folded")


def _llm_engine(make_engine: EngineFactory, model: SummaryModel) -> CoachEngine:
    """An engine whose summaries the model rewrites, on a small budget (folds come soon)."""
    engine = make_engine(
        models={"m": model.model()}, coach_summarizer="llm", coach_context_tokens=1500
    )
    engine._summaries.spread_s = 0  # the summary request starts at once
    return engine


async def test_the_model_rewrites_the_summary_after_the_turn(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=3)
    model = SummaryModel()
    engine = _llm_engine(make_engine, model)
    session = await engine.create_session(user_id=user_id)
    await _turn_until_folded(engine, model, user_id, session.id)
    written, tokens = await _summary(session_factory, user_id, session.id)
    assert written is not None and written.startswith(HEADER)  # the turn's extractive fold
    assert engine._summaries.pending == 1
    model.release.set()
    await asyncio.wait_for(engine._summaries.wait(), 5)
    refined, tokens_after = await _summary(session_factory, user_id, session.id)
    assert refined == "- model summary 1"
    assert tokens_after > tokens  # the summary request's tokens are counted
    # The next request carries the model's summary.
    events = await collect(
        engine.run_turn(user_id=user_id, message="and now?", session_id=session.id, model="m")
    )
    assert events[-1].event == "done"
    assert "- model summary 1" in model.last_request


async def test_a_later_turns_summary_is_never_overwritten_by_an_older_refinement(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=3)
    model = SummaryModel()
    engine = _llm_engine(make_engine, model)
    session = await engine.create_session(user_id=user_id)
    await _turn_until_folded(engine, model, user_id, session.id)
    first, _ = await _summary(session_factory, user_id, session.id)
    await _turn_until_folded(engine, model, user_id, session.id)  # folds again: a new summary
    second, _ = await _summary(session_factory, user_id, session.id)
    assert second != first and engine._summaries.pending == 2
    model.release.set()
    await asyncio.wait_for(engine._summaries.wait(), 5)
    final, _ = await _summary(session_factory, user_id, session.id)
    assert final == "- model summary 2"  # the refinement of the first fold was dropped


async def test_extractive_summaries_stay_without_a_model_rewrite(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=3)
    model = SummaryModel()
    engine = make_engine(
        models={"m": model.model()}, coach_summarizer="extractive", coach_context_tokens=1500
    )
    session = await engine.create_session(user_id=user_id)
    for n in range(12):
        events = await collect(
            engine.run_turn(user_id=user_id, message=f"week {n}?", session_id=session.id, model="m")
        )
        assert events[-1].event == "done"
    summary, _ = await _summary(session_factory, user_id, session.id)
    assert summary is not None and summary.startswith(HEADER)
    assert model.asked == 0 and engine._summaries.pending == 0
