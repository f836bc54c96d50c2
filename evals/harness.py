"""Running one case through the real engine, the way the chat API does.

:class:`EvalHarness` owns what a run shares (session factory, tool cache, policy engine,
event log and the :class:`~coach.engine.CoachEngine` built with them, one per context
budget). :meth:`EvalHarness.run_case` seeds the case's synthetic user, sends its messages
turn by turn through ``CoachEngine.run_turn`` (the same path as ``POST /v1/coach/chat``:
tools, cache, policies, persistence), then reads back the session, its
``ai_tool_call_log`` rows and the user's ``ai_policy_violation_log`` rows into a
:class:`~evals.models.CaseOutput`.

Planted regressions and other experiments go through :class:`EngineOverrides`: the same
constructor parameters the app uses (a loosened ``PolicySettings`` for ``PolicyEngine``,
``CoachEngine(include_tools=...)`` for a tool removed from the toolset, and other keyword
arguments of ``CoachEngine``), never edits of the source.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from pydantic_ai import capture_run_messages
from pydantic_ai.messages import ModelMessage, ModelRequest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from coach.engine import CoachEngine
from coach.events import ChatEvent
from coach.settings import OFFLINE_SPEC, CoachSettings
from evals.context import request_recorder
from evals.models import (
    CaseOutput,
    EvalInputs,
    EventRecord,
    PlanRecord,
    ToolCallRecord,
    TurnRecord,
    UserFacts,
    ViolationRecord,
)
from evals.recording import recording_offline_model, request_text
from evals.seeding import EVAL_NOW, EVAL_TODAY, generate, seed_user, user_facts
from persistence.models import AIPolicyViolationLog, AISession, AIToolCallLog
from policies import PolicyEngine
from policies.settings import PolicySettings
from tools.cache import ToolCache
from tools.registry import get_registry

EngineFactory = Callable[..., CoachEngine]
_STAGES = {"input": 0, "tool_args": 1, "plan": 2, "output": 3}
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b")


def fixed_clock() -> dt.datetime:
    """The eval's clock: always :data:`~evals.seeding.EVAL_NOW` (runs are reproducible)."""
    return EVAL_NOW


@dataclass(frozen=True)
class EngineOverrides:
    """Test-time injection through the constructors' own parameters.

    - ``policy_settings``: the settings of the run's ``PolicyEngine`` (e.g. a loosened
      threshold);
    - ``hidden_tools``: tools removed from the agent's toolset, through
      ``CoachEngine(include_tools=...)`` (every model, not only the offline one, then runs
      without them);
    - ``engine_kwargs``: further ``CoachEngine`` keyword arguments, passed as they are;
    - ``coach_settings``: ``CoachSettings`` field overrides.
    """

    policy_settings: PolicySettings | None = None
    hidden_tools: frozenset[str] = frozenset()
    engine_kwargs: Mapping[str, Any] = field(default_factory=dict)
    coach_settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class EvalHarness:
    """Builds engines and runs cases against the run's database."""

    session_factory: async_sessionmaker[AsyncSession]
    cache: ToolCache
    model: str = "offline"
    overrides: EngineOverrides = field(default_factory=EngineOverrides)
    engine_factory: EngineFactory = CoachEngine
    _engines: dict[int | None, CoachEngine] = field(default_factory=dict)
    _policy: PolicyEngine | None = None

    def policy(self) -> PolicyEngine:
        """The run's policy engine (built once, from the overrides' settings when given)."""
        if self._policy is None:
            self._policy = PolicyEngine(
                self.overrides.policy_settings or PolicySettings(), today=lambda: EVAL_TODAY
            )
        return self._policy

    def coach_settings(self, context_tokens: int | None) -> CoachSettings:
        """Settings of the engine for a context budget (``None``: the configured one)."""
        # Every tier runs the model under test, whatever COACH_MODEL_<TIER> says.
        values: dict[str, Any] = {
            "coach_model": self.model,
            "coach_model_free": self.model,
            "coach_model_standard": self.model,
            "coach_model_premium": self.model,
            **self.overrides.coach_settings,
        }
        if context_tokens is not None:
            values["coach_context_tokens"] = context_tokens
        return CoachSettings(**values)

    def engine(self, context_tokens: int | None = None) -> CoachEngine:
        """The engine for a context budget, built on first use."""
        engine = self._engines.get(context_tokens)
        if engine is None:
            kwargs = dict(self.overrides.engine_kwargs)
            hidden = self.overrides.hidden_tools
            if hidden:
                unknown = hidden - set(get_registry())
                if unknown:
                    raise ValueError(f"hidden_tools: unknown tool(s) {sorted(unknown)}")
                kwargs.setdefault("include_tools", frozenset(get_registry()) - hidden)
            if self.model == OFFLINE_SPEC:
                kwargs.setdefault("models", {OFFLINE_SPEC: recording_offline_model()})
            engine = self.engine_factory(
                session_factory=self.session_factory,
                cache=self.cache,
                policy=self.policy(),
                settings=self.coach_settings(context_tokens),
                clock=fixed_clock,
                **kwargs,
            )
            self._engines[context_tokens] = engine
        return engine

    async def aclose(self) -> None:
        """Close every engine built."""
        for engine in self._engines.values():
            await engine.aclose()
        self._engines.clear()

    async def run_case(self, inputs: EvalInputs) -> CaseOutput:
        """Seed the case's user, play its turns, and collect what the run left behind."""
        data = generate(inputs.user)
        facts = user_facts(inputs.user, data)
        async with self.session_factory() as db:
            user_id = await seed_user(db, inputs.user, data)
            await db.commit()
        engine = self.engine(inputs.context_tokens)
        ids = _Normalizer(user_id)
        session_id: uuid.UUID | None = None
        turns: list[TurnRecord] = []
        starts: list[dt.datetime] = []
        captured: str | None = None
        with request_recorder() as recorder:
            for message in inputs.messages():
                starts.append(dt.datetime.now(dt.UTC))
                record, sid, context = await _play_turn(engine, user_id, session_id, message, ids)
                session_id = session_id or sid
                captured = context or captured
                turns.append(record)
        output = await self._collect(facts, user_id, session_id, turns, starts, ids)
        # What the model was sent: recorded as sent (offline), else the run's last request.
        last = recorder.last or captured
        if last:
            output.last_request_context = ids.scrub(last)
        return output

    async def _collect(
        self,
        facts: UserFacts,
        user_id: uuid.UUID,
        session_id: uuid.UUID | None,
        turns: list[TurnRecord],
        starts: list[dt.datetime],
        ids: _Normalizer,
    ) -> CaseOutput:
        async with self.session_factory() as db:
            session = await db.get(AISession, session_id) if session_id else None
            calls = (
                (
                    await db.execute(
                        sa.select(AIToolCallLog)
                        .where(col(AIToolCallLog.session_id) == session_id)
                        .order_by(col(AIToolCallLog.created_at), col(AIToolCallLog.tool_name))
                    )
                )
                .scalars()
                .all()
                if session_id
                else []
            )
            violations = (
                (
                    await db.execute(
                        sa.select(AIPolicyViolationLog)
                        .where(col(AIPolicyViolationLog.user_id) == user_id)
                        .order_by(
                            col(AIPolicyViolationLog.created_at),
                            col(AIPolicyViolationLog.violation_type),
                        )
                    )
                )
                .scalars()
                .all()
            )
        usage = [e for t in turns for e in t.of("usage")]
        input_tokens = sum(int(e.data.get("input_tokens") or 0) for e in usage)
        output_tokens = sum(int(e.data.get("output_tokens") or 0) for e in usage)
        return CaseOutput(
            facts=facts,
            turns=turns,
            tool_calls=sorted(
                (_tool_call(row, starts) for row in calls),
                # Concurrent calls of one step are logged in completion order: sort them.
                key=lambda c: (
                    -1 if c.turn is None else c.turn,
                    c.tool_name,
                    c.input_summary or "",
                ),
            ),
            violations=sorted(
                (_violation(row, session_id, ids) for row in violations),
                # Checks of concurrent tool calls log in any order: sort for stable reports.
                key=lambda v: (
                    _STAGES.get(v.stage or "", len(_STAGES)),
                    v.violation_type,
                    v.action_taken,
                    v.trigger_content or "",
                ),
            ),
            plans=[
                PlanRecord(
                    turn=index,
                    plan=dict(e.data.get("plan") or {}),
                    adjusted=bool(e.data.get("adjusted")),
                    changes=list(e.data.get("changes") or []),
                )
                for index, turn in enumerate(turns)
                for e in turn.of("plan")
            ],
            context_summary=session.context_summary if session else None,
            last_request_context=None,
            session_status=str(session.status) if session else None,
            message_count=session.message_count if session else None,
            tokens_used=session.tokens_used if session else None,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            blocked_before_model=input_tokens == 0 and output_tokens == 0,
        )


class _Normalizer:
    """Replaces run-specific identifiers by stable placeholders (reports compare across runs).

    The user and session become ``<user>`` / ``<session>``, tool call ids ``call-N`` and any
    other UUID (a photo id in a tool result) ``<id-N>``, numbered by first appearance.
    """

    def __init__(self, user_id: uuid.UUID) -> None:
        self.names: dict[str, str] = {str(user_id): "<user>"}

    def _name(self, value: str, prefix: str, suffix: str = "") -> str:
        if value not in self.names:
            count = sum(1 for v in self.names.values() if v.startswith(prefix))
            self.names[value] = f"{prefix}{count + 1}{suffix}"
        return self.names[value]

    def call(self, value: str) -> str:
        """The placeholder of a tool call id."""
        return self._name(value, "call-")

    def _uuid(self, match: re.Match[str]) -> str:
        return self._name(match.group(0).lower(), "<id-", ">")

    def scrub(self, text: str) -> str:
        """``text`` with every identifier replaced."""
        return _UUID.sub(self._uuid, text)

    def _data(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {k: self._data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._data(v) for v in value]
        return value

    def event(self, event: ChatEvent) -> EventRecord:
        """The event with its identifiers replaced."""
        data = dict(event.data)
        if "session_id" in data:
            self.names.setdefault(str(data["session_id"]), "<session>")
        if "call_id" in data:
            data["call_id"] = self.call(str(data["call_id"]))
        return EventRecord(event=event.event, id=event.id, data=self._data(data))


def canonical_order(events: list[ChatEvent]) -> list[ChatEvent]:
    """The turn's events with each step's tool events in a stable order.

    The tools of one model step run concurrently, so their ``tool_call`` / ``tool_result``
    events arrive in any order. Within each run of consecutive tool events, calls come first
    (by tool and arguments), then results (by tool and status), keeping the ids in place; all
    other events keep their order.
    """
    out: list[ChatEvent] = []
    block: list[ChatEvent] = []

    def key(event: ChatEvent) -> tuple[int, str, str]:
        data = event.data
        detail = str(data.get("args_summary") if event.event == "tool_call" else data.get("status"))
        return (0 if event.event == "tool_call" else 1, str(data.get("tool")), detail)

    def flush() -> None:
        ids = sorted(e.id for e in block)
        for new_id, event in zip(ids, sorted(block, key=key), strict=True):
            out.append(event.model_copy(update={"id": new_id}))
        block.clear()

    for event in events:
        if event.event in ("tool_call", "tool_result"):
            block.append(event)
            continue
        flush()
        out.append(event)
    flush()
    return out


def _last_request(messages: list[ModelMessage]) -> str | None:
    requests = [m for m in messages if isinstance(m, ModelRequest)]
    if not requests:
        return None
    return request_text(messages, requests[-1].instructions)


async def _play_turn(
    engine: CoachEngine,
    user_id: uuid.UUID,
    session_id: uuid.UUID | None,
    message: str,
    ids: _Normalizer,
) -> tuple[TurnRecord, uuid.UUID | None, str | None]:
    started = time.perf_counter()
    raw: list[ChatEvent] = []
    sid: uuid.UUID | None = None
    exception: str | None = None
    # The turn's agent run starts in a task created here, so it inherits this capture.
    with capture_run_messages() as run_messages:
        try:
            async for event in engine.run_turn(
                user_id=user_id, message=message, session_id=session_id
            ):
                if event.event == "session" and sid is None:
                    sid = uuid.UUID(str(event.data["session_id"]))
                raw.append(event)
        except Exception as exc:  # a bug in the engine: the case fails, the run goes on
            exception = f"{type(exc).__name__}: {exc}"
    latency_ms = round((time.perf_counter() - started) * 1000, 2)
    events = [ids.event(e) for e in canonical_order(raw)]
    errors = [e.data for e in events if e.event == "error"]
    return (
        TurnRecord(
            message=message,
            events=events,
            reply="".join(str(e.data.get("delta", "")) for e in events if e.event == "text"),
            latency_ms=latency_ms,
            error=errors[-1] if errors else None,
            exception=exception,
        ),
        sid,
        _last_request(run_messages),
    )


def _turn_of(created: dt.datetime | None, starts: list[dt.datetime]) -> int | None:
    if created is None:
        return None
    index = None
    for i, start in enumerate(starts):
        if created >= start:
            index = i
    return index


def _tool_call(row: AIToolCallLog, starts: list[dt.datetime]) -> ToolCallRecord:
    args: dict[str, Any] | None = None
    if row.input_summary:
        try:
            parsed = json.loads(row.input_summary)
        except ValueError:
            parsed = None
        args = parsed if isinstance(parsed, dict) else None
    return ToolCallRecord(
        turn=_turn_of(row.created_at, starts),
        tool_name=row.tool_name,
        status=str(row.status),
        cached=row.cached,
        input_summary=row.input_summary,
        error_message=row.error_message,
        args=args,
        latency_ms=row.latency_ms,
    )


def _violation(
    row: AIPolicyViolationLog, session_id: uuid.UUID | None, ids: _Normalizer
) -> ViolationRecord:
    details = row.details or {}
    return ViolationRecord(
        violation_type=str(row.violation_type),
        severity=row.severity,
        action_taken=row.action_taken,
        stage=details.get("stage"),
        policy_id=details.get("policy_id"),
        trigger_content=ids.scrub(row.trigger_content) if row.trigger_content else None,
        in_session=session_id is not None and row.session_id == session_id,
    )
