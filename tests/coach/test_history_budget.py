"""Every model request stays under COACH_CONTEXT_TOKENS; older turns fold into the summary."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.history import (
    SUMMARY_PREFIX,
    ContextState,
    dump_messages,
    fit_messages,
    is_summary,
    load_messages,
    split_turns,
)
from coach.summarizer import HEADER, OMITTED, ExtractiveSummarizer, LLMSummarizer
from coach.tokens import messages_tokens, text_tokens
from persistence.enums import DietType
from persistence.repositories import ai_sessions, profiles
from tests.coach.helpers import EngineFactory, ScriptedModel, call, collect, named

BUDGET = 6000
FILLER = (
    "I had a busy week with work and travel, slept about seven hours most nights, walked "
    "to the office twice and trained legs on Saturday; breakfast was oats with berries. "
)


def _turn(n: int, *, tool: bool = False, reply_chars: int = 400) -> list[ModelMessage]:
    messages: list[ModelMessage] = [ModelRequest(parts=[UserPromptPart(f"question {n} " + FILLER)])]
    if tool:
        call_id = f"c{n}"
        messages.append(ModelResponse(parts=[ToolCallPart("get_weight_trend", "{}", call_id)]))
        messages.append(
            ModelRequest(parts=[ToolReturnPart("get_weight_trend", {"trend_kg": 80 + n}, call_id)])
        )
    messages.append(ModelResponse(parts=[TextPart(f"Answer {n}: " + "x" * reply_chars + ".")]))
    return messages


def _pairs_intact(messages: Sequence[ModelMessage]) -> bool:
    calls = [
        p.tool_call_id
        for m in messages
        if isinstance(m, ModelResponse)
        for p in m.parts
        if isinstance(p, ToolCallPart)
    ]
    returns = [
        p.tool_call_id
        for m in messages
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, ToolReturnPart)
    ]
    return sorted(calls) == sorted(returns)


def _state(budget: int = 1500, instructions: str = "Be kind.") -> ContextState:
    return ContextState(budget=budget, instructions=instructions, tools_tokens=200)


async def test_fit_messages_leaves_small_history_untouched() -> None:
    state = _state()
    messages = _turn(1) + _turn(2)
    assert await fit_messages(state, list(messages)) == messages
    assert state.folded == 0 and state.summary is None


async def test_fit_messages_folds_oldest_whole_turns_and_keeps_pairs() -> None:
    state = _state(budget=1500)
    history = [m for n in range(12) for m in _turn(n, tool=n % 2 == 0)]
    current: list[ModelMessage] = [ModelRequest(parts=[UserPromptPart("what now?")])]
    sent = await fit_messages(state, history + current)
    assert state.request_sizes[-1] <= 1500
    assert is_summary(sent[0])
    body = sent[1:]
    assert body[-1] is current[0]
    assert _pairs_intact(body)
    # The folded messages are a prefix of whole turns of the history.
    assert state.folded == len(history) - (len(body) - 1)
    all_turns = split_turns(history)
    kept_turns = split_turns(body)[:-1]
    folded_turns = len(all_turns) - len(kept_turns)
    assert kept_turns == all_turns[folded_turns:]
    # The newest folded turn is in the summary (older lines may be dropped at the cap).
    assert state.summary is not None and f"question {folded_turns - 1} " in state.summary


async def test_fit_messages_never_folds_the_current_turn_but_shortens_its_results() -> None:
    state = _state(budget=1500)
    big = {"rows": ["a long row of data " * 5 for _ in range(400)]}
    current: list[ModelMessage] = [
        ModelRequest(parts=[UserPromptPart("show everything")]),
        ModelResponse(parts=[ToolCallPart("get_recent_checkins", "{}", "big")]),
        ModelRequest(parts=[ToolReturnPart("get_recent_checkins", big, "big")]),
    ]
    sent = await fit_messages(state, _turn(1) + current)
    assert state.request_sizes[-1] <= 1500
    assert sent[-3].parts[0].content == "show everything"  # type: ignore[union-attr]
    assert _pairs_intact(sent)


async def test_extractive_summary_is_incremental_and_capped() -> None:
    summarizer = ExtractiveSummarizer()
    first = await summarizer.fold(None, [_turn(1, tool=True)], max_tokens=400)
    assert first.startswith(HEADER)
    assert "question 1" in first and "get_weight_trend" in first
    second = await summarizer.fold(first, [_turn(2)], max_tokens=400)
    assert "question 1" in second and "question 2" in second
    many = second
    for n in range(3, 40):
        many = await summarizer.fold(many, [_turn(n)], max_tokens=400)
    assert text_tokens(many) <= 400
    assert OMITTED in many and "question 39" in many and "question 1 " not in many


async def test_llm_summarizer_uses_the_model_and_falls_back_on_failure() -> None:
    seen: list[tuple[list[ModelMessage], AgentInfo]] = []

    def good(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append((messages, info))
        return ModelResponse(parts=[TextPart("- user weighs 80 kg, wants a plan")])

    def broken(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise RuntimeError("model down")

    def tool_call(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[ToolCallPart("get_weight_trend", "{}", "c1")])

    llm = LLMSummarizer(FunctionModel(good))
    summary = await llm.fold("- earlier summary", [_turn(1)], max_tokens=100)
    assert summary == "- user weighs 80 kg, wants a plan"
    # One request: the instructions, the previous summary and the turns; no tools; capped.
    [(messages, info)] = seen
    [request] = messages
    assert isinstance(request, ModelRequest) and request.instructions
    assert "75 words" in request.instructions
    prompt = request.parts[0].content
    assert isinstance(prompt, str) and "- earlier summary" in prompt and "question 1" in prompt
    assert info.function_tools == [] and info.model_settings == {"max_tokens": 100}
    assert llm.usage.requests == 1 and llm.usage.input_tokens > 0
    no_text = await LLMSummarizer(FunctionModel(tool_call)).fold(None, [_turn(1)], max_tokens=100)
    assert no_text.startswith(HEADER)
    fallback = await LLMSummarizer(FunctionModel(broken)).fold(None, [_turn(1)], max_tokens=100)
    assert fallback.startswith(HEADER) and "question 1" in fallback


def test_stored_messages_round_trip_without_instructions() -> None:
    messages = _turn(1, tool=True)
    messages[0] = ModelRequest(parts=messages[0].parts, instructions="secret rules")  # type: ignore[arg-type]
    back = load_messages(dump_messages(messages))
    assert len(back) == len(messages)
    assert all(m.instructions is None for m in back if isinstance(m, ModelRequest))
    assert back[2].parts[0].content == {"trend_kg": 81}  # type: ignore[union-attr]


def _coach_step(messages: list[ModelMessage], info: AgentInfo) -> list[Any]:
    """A chatty coach: a tool every 4th turn, a plan on turn 10 and 200, long replies."""
    last = messages[-1]
    if isinstance(last, ModelRequest) and any(isinstance(p, ToolReturnPart) for p in last.parts):
        return ["Based on your data, here is what I see. " + "Steady progress. " * 20]
    prompt = next(
        p.content
        for p in last.parts
        if isinstance(p, UserPromptPart) and isinstance(p.content, str)
    )
    n = int(re.match(r"turn (\d+)", prompt).group(1))  # type: ignore[union-attr]
    if n in (10, 200):
        return [call("propose_plan", f"plan-{n}")]
    if n % 4 == 0:
        return [call("get_weight_trend", f"trend-{n}", days=28)]
    return [f"Reply {n}: keep going, you logged well. " + "Nice work on consistency. " * 15]


async def test_three_hundred_turns_stay_under_budget_with_pinned_facts_and_plan(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=60)
    async with session_factory() as db:
        await profiles.update_preferences(
            db,
            user_id=user_id,
            values={"diet_type": DietType.VEGETARIAN, "allergies": ["peanuts", "shellfish"]},
        )
        await db.commit()
    script = ScriptedModel(*([_coach_step] * 2000))
    engine = make_engine(models={"scripted": script.model()}, coach_context_tokens=BUDGET)
    session = await engine.create_session(user_id=user_id)
    plans: list[dict[str, Any]] = []
    requests_before: dict[int, int] = {}
    for n in range(300):
        requests_before[n] = len(script.requests)
        events = await collect(
            engine.run_turn(
                user_id=user_id,
                message=f"turn {n}: {FILLER}",
                session_id=session.id,
                model="scripted",
            )
        )
        assert events[-1].event == "done", events[-1]
        plans.extend(e.data["plan"] for e in named(events, "plan"))
    sizes = script.request_sizes()
    assert len(sizes) > 300
    assert max(sizes) <= BUDGET
    assert len(plans) == 2
    for index, (messages, instructions) in enumerate(
        zip(script.requests, script.instructions, strict=True)
    ):
        assert instructions is not None
        # Pinned facts are in every request.
        assert "Goal: fat loss" in instructions
        assert "Diet: vegetarian; allergies: peanuts, shellfish" in instructions
        # Tool calls never lose their returns, whatever was folded.
        assert _pairs_intact(messages)
        # After each plan, the current plan is in every later request.
        if index >= requests_before[11]:
            plan = plans[1] if index >= requests_before[201] else plans[0]
            assert f"Current plan: {plan['calories_kcal']} kcal/day" in instructions
    # Older turns were folded into a persisted summary, which reaches the model.
    async with session_factory() as db:
        stored = await ai_sessions.get(db, user_id=user_id, session_id=session.id)
    assert stored.context_summary
    assert stored.message_count == 600
    meta = stored.session_metadata or {}
    assert 0 < meta["folded_messages"] < len(stored.conversation_history or [])
    last_request = script.requests[-1]
    assert isinstance(last_request[0], ModelRequest)
    first_part = last_request[0].parts[0]
    assert isinstance(first_part, SystemPromptPart)
    assert first_part.content.startswith(SUMMARY_PREFIX)
    assert "turn 2" in stored.context_summary or "(older turns omitted)" in stored.context_summary
    assert messages_tokens(last_request) < BUDGET
    assert uuid.UUID(str(session.id))
