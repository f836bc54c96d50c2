"""The LLM guard (coach.guard): off unless configured, beside the model run, never in its way."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.guard import GuardVerdict, LLMGuard, guard_instructions
from persistence.enums import PolicyViolationType
from persistence.repositories import ai_logs
from policies import PolicySettings, Stage, crisis_referral, region_for_timezone
from policies.referrals import block_replacement
from tests.coach.helpers import EngineFactory, ScriptedModel, build_policy, collect, named, text_of
from tests.fakes.openai_server import FakeOpenAI, Reply

GUARD = "openai-chat:guard"


@pytest.fixture(autouse=True)
def _rules_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard is asked about what the offline checks allow or are unsure of; these tests
    fix that set with the rules alone (the learned layer refers some of these texts itself)."""
    monkeypatch.setenv("POLICY_CLASSIFIER", "off")


SOURCE = f"guard:{GUARD}"
#: Allowed by the offline input check; a light passive death wish the guard reads.
DARK = "honestly not sure there's much point in any of this anymore, how's my week looking?"
SAFE_REPLY = "Your trend is down nicely this month. "
#: Allowed by the offline output check, which is unsure of it (a rule cancelled by context).
UNSURE = "Laxatives aren't a safe way to lose weight. "
AFTER = "Eat regular meals and keep walking."

SELF_HARM = {"unsafe": True, "type": "unsafe_content", "about": "self", "self_harm": True,
             "reason": "passive death wish"}  # fmt: skip
ED = {"unsafe": True, "type": "eating_disorder_signal", "about": "self", "self_harm": False,
      "reason": "laxatives for weight"}  # fmt: skip
PASS = {"unsafe": False, "about": "self", "reason": "ordinary coaching"}


class ScriptedGuard:
    """A guard model answering with a verdict per stage, recording the texts it is shown.

    ``gate``, when set, is awaited before answering; ``fail`` makes every call raise.
    """

    def __init__(self, *, input: dict[str, Any] = PASS, output: dict[str, Any] = PASS) -> None:
        self.verdicts = {"input": input, "output": output}
        self.prompts: list[str] = []
        self.gate: asyncio.Event | None = None
        self.fail = False
        self.answered = 0

    async def answer(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        prompt = next(
            str(p.content) for m in messages for p in m.parts if isinstance(p, UserPromptPart)
        )
        self.prompts.append(prompt)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise RuntimeError("guard provider down")
        self.answered += 1
        stage = "input" if 'Stage: "input"' in prompt else "output"
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, self.verdicts[stage])])

    def model(self) -> FunctionModel:
        """The pydantic-ai model."""
        return FunctionModel(self.answer, model_name="guard")


async def _rows(factory: async_sessionmaker[AsyncSession], session_id: uuid.UUID) -> list[Any]:
    async with factory() as db:
        return list(await ai_logs.list_violations(db, session_id=session_id))


def _session(events: list[Any]) -> uuid.UUID:
    return uuid.UUID(events[0].data["session_id"])


async def test_guard_off_when_unset_and_for_offline_turns(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    assert make_engine().guard is None
    assert make_engine(coach_guard_model="offline").guard is None
    user_id, _ = await seed_user(days=7)
    guard = ScriptedGuard(input=SELF_HARM)
    engine = make_engine(models={GUARD: guard.model()}, coach_guard_model=GUARD)
    assert engine.guard is not None
    # the coach runs the offline model: the guard is never asked
    events = await collect(engine.run_turn(user_id=user_id, message=DARK))
    assert guard.prompts == []
    assert named(events, "policy") == []
    assert events[-1].event == "done"


async def test_unsafe_input_verdict_stops_the_run_with_a_crisis_referral(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    assert build_policy().check_input(DARK).allowed
    user_id, _ = await seed_user(days=7)
    coach = ScriptedModel([SAFE_REPLY])
    coach.gate = asyncio.Event()  # the model never answers: only the guard can end the turn
    guard = ScriptedGuard(input=SELF_HARM)
    engine = make_engine(
        models={"scripted": coach.model(), GUARD: guard.model()}, coach_guard_model=GUARD
    )
    events = await collect(engine.run_turn(user_id=user_id, message=DARK, model="scripted"))
    assert coach.started.is_set()  # the model request was under way beside the guard
    (policy,) = named(events, "policy")
    assert policy.data["stage"] == "input"
    assert policy.data["action"] == "refer"
    assert policy.data["type"] == "unsafe_content"
    # the safe reply is the region's crisis referral, as an offline referral's would be
    assert text_of(events) == policy.data["message"]
    assert text_of(events).startswith("I'm really sorry you're feeling this way")
    assert "immediate danger" in text_of(events)
    assert SAFE_REPLY.strip() not in text_of(events)
    assert [e.event for e in events][-2:] == ["usage", "done"]
    rows = await _rows(session_factory, _session(events))
    assert [r.violation_type for r in rows] == [PolicyViolationType.UNSAFE_CONTENT]
    assert rows[0].action_taken == "refer"
    assert rows[0].details["policy_id"].startswith(SOURCE)
    assert rows[0].details["evidence"].startswith(SOURCE)
    assert rows[0].details["stage"] == "input"
    # the session is usable again, and the flag is kept for the next turn
    coach.gate.set()
    nxt = await collect(
        engine.run_turn(
            user_id=user_id, session_id=_session(events), message="ok", model="scripted"
        )
    )
    assert nxt[-1].event == "done"


async def test_slow_guard_does_not_hold_up_a_turn_and_its_late_verdict_is_logged(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=7)
    coach = ScriptedModel([SAFE_REPLY])
    guard = ScriptedGuard(input=ED)
    guard.gate = asyncio.Event()  # the guard answers only after the turn is over
    engine = make_engine(
        models={"scripted": coach.model(), GUARD: guard.model()}, coach_guard_model=GUARD
    )
    events = await collect(engine.run_turn(user_id=user_id, message=DARK, model="scripted"))
    assert guard.prompts and guard.answered == 0  # asked, not answered yet
    assert text_of(events).strip() == SAFE_REPLY.strip()
    assert named(events, "policy") == []
    assert events[-1].event == "done"
    session_id = _session(events)
    assert await _rows(session_factory, session_id) == []
    guard.gate.set()
    assert engine.guard is not None
    await engine.guard.drain()
    rows = await _rows(session_factory, session_id)
    assert [r.violation_type for r in rows] == [PolicyViolationType.EATING_DISORDER_SIGNAL]
    assert rows[0].details["evidence"].startswith(SOURCE)


async def test_guard_errors_and_timeouts_leave_the_turn_as_it_was(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=7)
    plain = make_engine(models={"scripted": ScriptedModel([SAFE_REPLY]).model()})
    baseline = await collect(plain.run_turn(user_id=user_id, message=DARK, model="scripted"))

    failing = ScriptedGuard(input=SELF_HARM)
    failing.fail = True
    hanging = ScriptedGuard(input=SELF_HARM)
    hanging.gate = asyncio.Event()  # never answers: the guard's timeout ends the call
    for guard, timeout in ((failing, 4.0), (hanging, 0.05)):
        engine = make_engine(
            models={"scripted": ScriptedModel([SAFE_REPLY]).model(), GUARD: guard.model()},
            coach_guard_model=GUARD,
            coach_guard_timeout_s=timeout,
        )
        events = await collect(engine.run_turn(user_id=user_id, message=DARK, model="scripted"))
        assert [e.event for e in events] == [e.event for e in baseline]
        assert text_of(events) == text_of(baseline)
        assert engine.guard is not None
        check = await engine.guard.check(DARK, Stage.INPUT)
        assert (check.outcome, check.decision) == ("error" if guard.fail else "timeout", None)
        await engine.guard.drain()
        assert await _rows(session_factory, _session(events)) == []


async def test_unsure_reply_sentence_refused_on_the_guards_verdict(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    policy = build_policy()
    assert policy.check_output(UNSURE.strip()).allowed and policy.unsure(UNSURE) is not None
    assert policy.unsure(SAFE_REPLY) is None
    user_id, _ = await seed_user(days=7)
    guard = ScriptedGuard(output=ED)
    coach = ScriptedModel([SAFE_REPLY, UNSURE, AFTER])
    engine = make_engine(
        models={"scripted": coach.model(), GUARD: guard.model()}, coach_guard_model=GUARD
    )
    events = await collect(
        engine.run_turn(user_id=user_id, message="how is my trend?", model="scripted")
    )
    # only the sentence the offline checks were unsure of went to the guard (with the input)
    output_prompts = [p for p in guard.prompts if 'Stage: "output"' in p]
    assert len(output_prompts) == 1 and UNSURE.strip() in output_prompts[0]
    reply = text_of(events)
    assert reply.startswith(SAFE_REPLY)
    assert UNSURE.strip() not in reply and AFTER not in reply
    assert block_replacement("ed", region_for_timezone(None)) in reply
    (policy_event,) = named(events, "policy")
    assert policy_event.data["stage"] == "output"
    assert policy_event.data["action"] == "block"
    assert events[-1].event == "done"
    rows = await _rows(session_factory, _session(events))
    assert [r.details["stage"] for r in rows] == ["output"]
    assert rows[0].details["evidence"].startswith(SOURCE)


async def test_reply_sentences_sent_to_the_guard_are_bounded_and_pass_unchanged(
    make_engine: EngineFactory, seed_user: Any
) -> None:
    user_id, _ = await seed_user(days=7)
    guard = ScriptedGuard()
    coach = ScriptedModel([UNSURE, "Diuretics aren't a safe way to lose weight either. ", AFTER])
    engine = make_engine(
        models={"scripted": coach.model(), GUARD: guard.model()},
        coach_guard_model=GUARD,
        coach_guard_reply_checks=1,
    )
    events = await collect(
        engine.run_turn(user_id=user_id, message="how is my trend?", model="scripted")
    )
    assert len([p for p in guard.prompts if 'Stage: "output"' in p]) == 1
    assert text_of(events).endswith(AFTER)
    assert UNSURE.strip() in text_of(events)
    assert named(events, "policy") == []


def test_guard_prompt_reads_the_policy_thresholds() -> None:
    prompt = guard_instructions(PolicySettings(calorie_floor_female=1300, max_fast_hours=60))
    assert "1300 kcal (women)" in prompt and "60 hours" in prompt
    assert all(t.value in prompt for t in PolicyViolationType)


def test_self_harm_verdict_is_always_a_crisis_referral() -> None:
    guard = LLMGuard(
        FunctionModel(lambda m, i: ModelResponse(parts=[])),
        GUARD,
        PolicySettings(),
        timeout_s=1.0,
        reply_checks=1,
    )
    # even when the model does not call it unsafe or types it as something else
    verdict = GuardVerdict(unsafe=False, type=PolicyViolationType.EATING_DISORDER_SIGNAL,
                           self_harm=True)  # fmt: skip
    decision = guard.decision(verdict, Stage.INPUT)
    assert decision is not None and decision.action.value == "refer"
    assert decision.violations[0].topic == "crisis"
    assert decision.message == crisis_referral(region_for_timezone(None))
    # a carer asking about someone else is not referred as if at risk
    carer = GuardVerdict(unsafe=False, about="other", self_harm=True)
    assert guard.decision(carer, Stage.INPUT) is None


@pytest.mark.usefixtures("loopback_model_requests")
async def test_guard_over_http_structured_output_at_temperature_zero(
    make_engine: EngineFactory,
    seed_user: Any,
    server: FakeOpenAI,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """The production path: the OpenAI SDK to the fake server, for the coach and the guard."""
    user_id, _ = await seed_user(days=7)
    coach, guard = f"m-{uuid.uuid4().hex[:8]}", f"g-{uuid.uuid4().hex[:8]}"
    server.script(coach, Reply.say(SAFE_REPLY))
    server.script(guard, Reply.tools(("final_result", SELF_HARM)))
    engine = make_engine(
        coach_model=f"openai-chat:{coach}",
        coach_guard_model=f"openai-chat:{guard}",
        openai_base_url=server.base_url,
        coach_retry_attempts=1,
    )
    events = await collect(engine.run_turn(user_id=user_id, message=DARK))
    assert events[-1].event == "done"
    assert engine.guard is not None
    await engine.guard.drain()
    # whether the verdict stopped the reply or came after it, it is logged with its source
    rows = await _rows(session_factory, _session(events))
    assert [r.action_taken for r in rows] == ["refer"]
    assert rows[0].details["evidence"].startswith(f"guard:openai-chat:{guard}")
    (body,) = [r for r in server.requests if r["model"] == guard]
    assert body["temperature"] == 0.0
    assert [t["function"]["name"] for t in body["tools"]] == ["final_result"]
    assert DARK in body["messages"][-1]["content"]


async def test_client_leaving_mid_turn_with_the_guard_pending(
    make_engine: EngineFactory, seed_user: Any, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user_id, _ = await seed_user(days=7)
    coach = ScriptedModel([SAFE_REPLY])
    coach.gate = asyncio.Event()
    guard = ScriptedGuard(input=ED)
    guard.gate = asyncio.Event()
    engine = make_engine(
        models={"scripted": coach.model(), GUARD: guard.model()}, coach_guard_model=GUARD
    )
    events = engine.run_turn(user_id=user_id, message=DARK, model="scripted")
    first = await anext(events)
    await coach.started.wait()
    await events.aclose()  # the client goes away while both the model and the guard wait
    session_id = uuid.UUID(first.data["session_id"])
    guard.gate.set()
    assert engine.guard is not None
    await engine.guard.drain()
    rows = await _rows(session_factory, session_id)
    assert [r.violation_type for r in rows] == [PolicyViolationType.EATING_DISORDER_SIGNAL]
    # the cancelled turn released its session
    coach.gate.set()
    again = await collect(
        engine.run_turn(user_id=user_id, session_id=session_id, message="hi", model="scripted")
    )
    assert again[-1].event == "done"


async def test_guard_calls_counted_by_outcome() -> None:
    from persistence.observability import Telemetry
    from persistence.observability.metrics import Metrics

    telemetry = Telemetry(metrics=Metrics())
    flagging = ScriptedGuard(input=SELF_HARM)
    failing = ScriptedGuard()
    failing.fail = True
    for scripted in (flagging, failing):
        guard = LLMGuard(
            scripted.model(),
            GUARD,
            PolicySettings(),
            timeout_s=1.0,
            reply_checks=1,
            telemetry=telemetry,
        )
        await guard.check(DARK, Stage.INPUT)
    assert telemetry.metrics is not None
    text = telemetry.metrics.render()[0].decode()
    assert 'coach_policy_decisions_total{action="refer",stage="guard_input"} 1.0' in text
    assert 'coach_policy_decisions_total{action="error",stage="guard_input"} 1.0' in text
