"""One chat turn, run as a task that feeds the consumer's queue and the replay log.

The turn runs in its own task so that a consumer that goes away (client disconnect: the
event generator is closed or its task cancelled) cancels it cleanly: the task catches the
cancellation, persists what completed, releases the session and logs a terminal event, then
ends. The database is touched twice, briefly: the claim before the task starts
(:func:`coach.sessions.claim`, which also stores the user's message) and one transaction at
the end that appends the rest of the turn, updates the counters and metadata, releases the
lease and writes the input/output policy violations and the turn's tool-call rows
(:meth:`Turn._persist`). A turn that outlasts a third of its lease renews it once per third
(:meth:`Turn._keep_lease`); short turns never do. A turn cut off by a database outage cannot
release its lease: it lapses, which frees the session as surely.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pydantic_core
from pydantic import BaseModel
from pydantic_ai import Agent
from pydantic_ai.exceptions import (
    AgentRunError,
    FallbackExceptionGroup,
    ModelAPIError,
    RunTimedOut,
    UsageLimitExceeded,
)
from pydantic_ai.messages import (
    FunctionToolCallEvent,
    FunctionToolResultEvent,
    ModelMessage,
    ModelRequest,
    ModelResponse,
    PartDeltaEvent,
    PartEndEvent,
    PartStartEvent,
    RetryPromptPart,
    TextPart,
    TextPartDelta,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models import Model
from pydantic_ai.run import AgentRun
from pydantic_ai.usage import RunUsage, UsageLimits
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach import sessions
from coach.admission import StartGate, StartTicket
from coach.event_log import EventLog
from coach.events import ChatEvent, EventCounter
from coach.history import (
    ContextState,
    HistoryCache,
    HistoryVersion,
    dump_messages_json,
    last_user_prompts,
    last_user_prompts_of,
    load_messages_json,
)
from coach.release import DEFAULT_REPLACEMENT, Release, Releaser
from coach.settings import CoachSettings
from coach.streaming import StreamingTap
from coach.summary_refiner import SummaryRefiner
from persistence.errors import outage_of
from persistence.observability import bind_turn
from policies import Action, Decision, PolicyEngine, PolicyProfile, Stage, record_violations
from tools import (
    ToolDeps,
    flush_audit,
    flush_violations,
    forget_audit,
    forget_violations,
    pending_batch,
    write_violations,
)

if TYPE_CHECKING:
    from coach.guard import GuardCheck, LLMGuard

log = logging.getLogger(__name__)

ARGS_SUMMARY_CHARS = 200
_SENTENCE_END = re.compile(r"(?<=[.!?]\s)")


@dataclass
class CoachDeps:
    """The run's deps: the tools' deps and the context-budget state."""

    tools: ToolDeps
    context: ContextState


def get_tool_deps(deps: CoachDeps) -> ToolDeps:
    """The toolset's view of the deps."""
    return deps.tools


@dataclass
class PolicyRecord:
    """A decision to log as violations with the turn."""

    decision: Decision
    trigger: str


@dataclass
class Turn:
    """Everything one turn needs; :meth:`run_task` is the body of the turn's task."""

    agent: Agent[CoachDeps, str]
    model: Model
    spec: str
    settings: CoachSettings
    session_factory: async_sessionmaker[AsyncSession]
    event_log: EventLog
    policy: PolicyEngine | None
    policy_profile: PolicyProfile | None
    clock: Callable[[], dt.datetime]
    claimed: sessions.ClaimedTurn
    turn_id: uuid.UUID
    user_id: uuid.UUID
    message: str
    deps: CoachDeps
    metadata_patch: dict[str, Any]
    queue: asyncio.Queue[ChatEvent | None] = field(default_factory=asyncio.Queue)
    counter: EventCounter = field(default_factory=EventCounter)
    releaser: Releaser = field(default_factory=Releaser)
    policy_records: list[PolicyRecord] = field(default_factory=list)
    released_by_response: list[str] = field(default_factory=list)
    usage: RunUsage = field(default_factory=RunUsage)
    plan: dict[str, Any] | None = None
    flags: set[str] = field(default_factory=set)
    run: AgentRun[CoachDeps, str] | None = None
    persisted: bool = False
    #: Set once the turn is ending: from then on the consumer must not cancel it.
    finishing: bool = False
    #: The ``session`` event, once :meth:`opening` made it.
    opening_event: ChatEvent | None = None
    #: The engine's gate of start-ups; the task takes a slot unless admitted already.
    start_gate: StartGate | None = None
    start_ticket: StartTicket | None = None
    counters: sessions.Counters = field(
        default_factory=lambda: sessions.Counters(message_count=0, tokens_used=0)
    )
    #: The turn's lease on its session (renewed while it runs); ``None``: never renewed.
    lease: dt.timedelta | None = None
    #: The engine's validated histories between turns (None: always validate the JSON).
    history_cache: HistoryCache | None = None
    #: The user's message as the claim stored it (a JSON array of one request).
    prompt_json: str | None = None
    #: The history the run started from (before the user's message).
    history: list[ModelMessage] | None = None
    #: The LLM guard (coach.guard), its verdict on the input, the reply sentences asked.
    guard: LLMGuard | None = None
    #: Rewrites the turn's summary with the model after the turn (``coach.summary_refiner``).
    summaries: SummaryRefiner | None = None
    guard_input: asyncio.Task[GuardCheck] | None = None
    guard_replies: int = 0
    #: Events emitted and not yet handed to the replay log, and the task writing them.
    _log_pending: list[ChatEvent] = field(default_factory=list)
    _log_writer: asyncio.Task[None] | None = None
    #: The pending events' write, scheduled ``coach_event_log_flush_s`` after the first.
    _log_timer: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------------ events

    async def emit(self, event: ChatEvent) -> None:
        """To the consumer and the replay log (a log failure never fails the turn).

        The log is written behind the turn, so the turn never waits for Redis per event:
        events emitted while a write is in flight go together in the next one (one script
        call, in order), and with ``coach_event_log_flush_s`` > 0 an event also waits that
        long for the events after it (fewer round trips per turn). A terminal event is
        logged, with everything before it, before the consumer gets it: a client that saw
        the end can replay the whole turn."""
        self._log_pending.append(event)
        if event.terminal:
            await self._drain_log()
            self.queue.put_nowait(event)
            return
        self.queue.put_nowait(event)
        if self._log_timer is not None or (
            self._log_writer is not None and not self._log_writer.done()
        ):
            return  # the scheduled write, or the one in flight, takes it
        delay = self.settings.coach_event_log_flush_s
        if delay > 0:
            self._log_timer = asyncio.get_running_loop().call_later(delay, self._flush_log)
        else:
            self._flush_log()

    def _flush_log(self) -> None:
        """Write what is pending now (the flush window, if one is open, ends), unless the
        write in flight will take it."""
        if self._log_timer is not None:
            self._log_timer.cancel()
            self._log_timer = None
        if self._log_pending and (self._log_writer is None or self._log_writer.done()):
            self._log_writer = asyncio.create_task(self._write_log())

    async def _write_log(self) -> None:
        """Write the pending events, batch after batch, until none is left."""
        session_id = self.claimed.session_id
        while self._log_pending:
            batch, self._log_pending = self._log_pending, []
            try:
                await self.event_log.append_many(session_id, batch)
            except Exception as exc:
                # An outage is logged once by the shared Redis breaker, not once per event.
                if outage_of(exc) is None:
                    log.warning("event log append failed for session %s", session_id)

    async def _drain_log(self) -> None:
        """Until every emitted event is written (the write goes on if the turn is cancelled)."""
        self._flush_log()
        if self._log_writer is not None:
            await asyncio.shield(self._log_writer)

    async def _emit_tool_policies(self) -> None:
        """Policy events for the tool-args and plan-stage decisions the tools took (the
        tools logged their violations; here the client is told)."""
        decisions = self.deps.tools.policy_decisions
        while decisions:
            decision = decisions.pop(0)
            await self._emit_policy(decision.stage.value, decision)

    async def _emit_policy(self, stage: str, decision: Decision) -> None:
        top = max(decision.violations, key=lambda v: v.action.rank, default=None)
        await self.emit(
            self.counter.make(
                "policy",
                {
                    "stage": stage,
                    "type": top.type.value if top else None,
                    "severity": top.severity.value if top else None,
                    "action": decision.action.value,
                    "message": decision.message or (top.explanation if top else None),
                },
            )
        )
        for violation in decision.violations:
            self.flags.add(violation.type.value)

    async def _emit_releases(self, releases: Sequence[Release]) -> None:
        for item in releases:
            if item.decision is None and item.text.strip() and self.guard is not None:
                item = await self._guard_reply(item)
            if item.decision is not None:
                self.policy_records.append(PolicyRecord(item.decision, item.original))
                await self._emit_policy("output", item.decision)
            if item.text:
                if self.released_by_response:
                    self.released_by_response[-1] += item.text
                await self.emit(self.counter.text(item.text))
            if item.decision is not None and self.releaser.blocked:
                break  # nothing of the reply after a refused sentence

    async def _guard_reply(self, item: Release) -> Release:
        """An allowed sentence the offline checks are unsure of, held for the guard's
        verdict (at most ``coach_guard_reply_checks`` a turn); refused when it flags."""
        if (
            self.guard is None
            or self.policy is None
            or self.guard_replies >= self.settings.coach_guard_reply_checks
        ):
            return item
        check = await self.guard.check_reply(item.text, self.policy, self.policy_profile)
        if check is None:
            return item
        self.guard_replies += 1
        if check.decision is None:
            return item
        self.releaser.blocked = True
        return Release(check.decision.message or DEFAULT_REPLACEMENT, check.decision, item.text)

    # ------------------------------------------------------------------ body

    def opening(self) -> ChatEvent:
        """The turn's first event (``session``), which the engine hands to the consumer
        itself; :meth:`run_task` starts the replay log with it."""
        self.opening_event = self.counter.session(self.claimed.session_id, self.claimed.status)
        return self.opening_event

    async def _start_log(self) -> None:
        """Start the session's replay log with the opening event (a failure never fails the
        turn: replay is a convenience)."""
        session_id = self.claimed.session_id
        try:
            await self.event_log.start_turn(session_id, self.opening_event)
        except Exception:
            log.warning("event log unavailable for session %s", session_id)

    def admit(self, ticket: StartTicket) -> None:
        """Hold ``ticket`` until the first model request (or the end of the turn)."""
        self.start_ticket = ticket
        self.deps.context.on_model_request = ticket.release

    async def _keep_lease(self) -> None:
        """Renew the lease every third of its length for as long as the turn runs."""
        assert self.lease is not None
        interval = self.lease.total_seconds() / 3
        session_id = self.claimed.session_id
        while True:
            await asyncio.sleep(interval)
            try:
                async with self.session_factory() as db:
                    held = await sessions.renew(
                        db,
                        session_id=session_id,
                        turn_id=self.turn_id,
                        until=self.clock() + self.lease,
                    )
            except Exception as exc:
                if outage_of(exc) is None:
                    log.exception("turn %s: lease not renewed", self.turn_id)
                else:  # the lease lapses unless a later renewal gets through
                    log.warning("turn %s: lease not renewed (database unavailable)", self.turn_id)
                continue
            if not held:
                log.warning("turn %s lost its lease on session %s", self.turn_id, session_id)
                return

    async def run_task(self) -> None:
        """The task body: events, the agent run, persistence; never leaks an exception."""
        bind_turn(self.turn_id, self.claimed.session_id)  # on every log record of the turn
        renewal = (
            asyncio.create_task(self._keep_lease(), name=f"coach-lease-{self.turn_id}")
            if self.lease is not None
            else None
        )
        try:
            await self._run_body()
        finally:
            if renewal is not None:
                renewal.cancel()
            self._settle_guard()

    async def _run_body(self) -> None:
        try:
            if self.opening_event is None:  # run without the engine's consumer
                self.queue.put_nowait(self.opening())
            # The log first: a replay must never find the session's previous turn.
            await self._start_log()
            if self.start_ticket is None and self.start_gate is not None:
                self.admit(await self.start_gate.enter())
            decision = self._check_input()
            if decision is not None and decision.action in (Action.BLOCK, Action.REFER):
                self.finishing = True
                await self._short_circuit(decision)
                return
            if decision is not None and decision.action is Action.ADJUST:
                # Nothing to short-circuit, but every policy decision is visible.
                await self._emit_policy("input", decision)
            flagged = await self._run_guarded()
            self.finishing = True
            if flagged is not None:
                await self._stop_flagged(flagged)
                return
            await self._finish(complete=True, error=None)
        except asyncio.CancelledError:
            # The consumer went away: keep what completed, free the session, tell replayers.
            if not self.persisted:
                self.finishing = True
                await self._finish(complete=False, error="cancelled")
            raise
        except Exception as exc:
            code = _error_code(exc)
            if code == "internal":
                log.exception("turn %s of session %s failed", self.turn_id, self.claimed.session_id)
            else:
                log.warning("turn %s ended: %s (%s)", self.turn_id, code, type(exc).__name__)
            if not self.persisted:
                self.finishing = True
                await self._finish(complete=False, error=code)

    def _check_input(self) -> Decision | None:
        if self.policy is None:
            return None
        # the session's last user messages, so a follow-up is judged with what it refers to
        cached = self._cached_history()
        if cached is not None:
            earlier = last_user_prompts_of(cached, 3)
        else:
            earlier = last_user_prompts(self.claimed.history_json, 3)
        decision = self.policy.check_input(self.message, self.policy_profile, context=earlier)
        if decision.violations:
            self.policy_records.append(PolicyRecord(decision, self.message))
        return decision

    async def _short_circuit(self, decision: Decision) -> None:
        """Refer/block: no model call; a policy event and the safe reply, still persisted."""
        await self._emit_policy("input", decision)
        reply = decision.message or "I can't help with that safely."
        self.released_by_response.append("")
        for piece in _sentences(reply):
            self.released_by_response[-1] += piece
            await self.emit(self.counter.text(piece))
        # The user's message was stored with the claim.
        await self._persist([ModelResponse(parts=[TextPart(content=reply)], model_name="policy")])
        await self._emit_tail(error=None)

    async def _run_guarded(self) -> Decision | None:
        """The agent run, with the guard's check of the input started beside it (never
        awaited before the model starts): a flagging verdict that comes first stops the
        run and is returned; one that comes later is logged when it comes."""
        if self.guard is None:
            await self._run_agent()
            return None
        earlier = last_user_prompts(self.claimed.history_json, 3)
        guard = self.guard_input = asyncio.create_task(
            self.guard.check(
                self.message, Stage.INPUT, profile=self.policy_profile, context=earlier
            ),
            name=f"coach-guard-{self.turn_id}",
        )
        agent = asyncio.create_task(self._run_agent(), name=f"coach-run-{self.turn_id}")
        try:
            await asyncio.wait({agent, guard}, return_when=asyncio.FIRST_COMPLETED)
            if not agent.done() and (decision := guard.result().decision) is not None:
                agent.cancel()
                await asyncio.gather(agent, return_exceptions=True)
                self.guard_input = None  # acted on: the turn logs it
                return decision
            await agent
            return None
        except BaseException:
            agent.cancel()
            await asyncio.gather(agent, return_exceptions=True)
            raise

    async def _stop_flagged(self, decision: Decision) -> None:
        """The guard flagged the input while the model ran: the run is stopped and the turn
        ends as an input refusal does (policy event, the safe reply, persisted with what
        was already released)."""
        self.policy_records.append(PolicyRecord(decision, self.message))
        self.releaser.blocked = True
        if self.run is not None:
            self.usage = self.run.usage
        await self._emit_policy("input", decision)
        reply = decision.message or DEFAULT_REPLACEMENT
        for piece in _sentences(reply):
            await self.emit(self.counter.text(piece))
        messages = self._turn_messages()
        messages.append(ModelResponse(parts=[TextPart(content=reply)], model_name="policy"))
        await self._persist(messages)
        await self._emit_tail(error=None)

    def _settle_guard(self) -> None:
        """A verdict on the input still to come when the turn ends is logged when it comes."""
        task, self.guard_input = self.guard_input, None
        if task is None or self.guard is None:
            return
        self.guard.settle(
            task,
            session_factory=self.session_factory,
            user_id=self.user_id,
            session_id=self.claimed.session_id,
            text=self.message,
        )

    async def _run_agent(self) -> None:
        limits = UsageLimits(
            request_limit=self.settings.coach_max_requests_per_turn,
            tool_calls_limit=self.settings.coach_max_tool_calls_per_turn,
            total_tokens_limit=self.settings.coach_max_tokens_per_turn,
        )
        # The turn's deadline as one asyncio timeout (TimeoutError -> the `timeout` error
        # event): cheaper than the agent's own per-step timeout handling.
        async with (
            asyncio.timeout(self.settings.coach_turn_timeout_s),
            self.agent.iter(
                self.message,
                # Model responses stream into response_event (coach.streaming).
                model=StreamingTap(self.model, self),
                deps=self.deps,
                message_history=self._history(),
                instructions=self.deps.context.instructions,
                usage_limits=limits,
            ) as run,
        ):
            self.run = run
            async for node in run:
                if Agent.is_call_tools_node(node):
                    async with node.stream(run.ctx) as stream:
                        async for event in stream:
                            await self._on_tool_event(event)

    def _cached_history(self) -> list[ModelMessage] | None:
        """The session's history as this process kept it after its last turn, if current."""
        claimed = self.claimed
        if self.history_cache is None:
            return None
        # The claim stored the user's message (one more message than the tail holds).
        version = HistoryVersion(claimed.message_count - 1, claimed.folded)
        return self.history_cache.get(claimed.session_id, version)

    def _history(self) -> list[ModelMessage]:
        cached = self._cached_history()
        if cached is None:
            cached = load_messages_json(self.claimed.history_json)
        self.history = cached
        return list(self.history)

    def _keep_history(self, stored_json: str) -> None:
        """After the append: the session's new unfolded history, for its next turn here.
        The user's message and the turn's own messages are validated from the JSON the
        claim and the append stored (a few messages), so the cache holds exactly what the
        next turn would read back."""
        if self.history_cache is None:
            return
        session_id = self.claimed.session_id
        if self.history is None or self.prompt_json is None:
            self.history_cache.forget(session_id)
            return
        state = self.deps.context
        tail = (
            self.history[state.folded_this_turn :]
            + load_messages_json(self.prompt_json)
            + load_messages_json(stored_json)
        )
        version = HistoryVersion(self.counters.message_count, state.folded)
        self.history_cache.put(session_id, version, tail)

    async def response_started(self) -> None:
        """A model request starts (``StreamSink``): its released text is counted apart."""
        self.released_by_response.append("")

    async def response_ended(self) -> None:
        """The response is complete (``StreamSink``): release what the releaser holds."""
        await self._emit_releases(self.releaser.finish())

    async def response_event(self, event: object) -> None:
        """An event of the streamed response (``StreamSink``)."""
        if isinstance(event, PartStartEvent) and isinstance(event.part, TextPart):
            await self._emit_releases(self.releaser.feed(event.part.content))
        elif isinstance(event, PartDeltaEvent) and isinstance(event.delta, TextPartDelta):
            await self._emit_releases(self.releaser.feed(event.delta.content_delta))
        elif isinstance(event, PartEndEvent) and isinstance(event.part, TextPart):
            await self._emit_releases(self.releaser.finish())

    async def _on_tool_event(self, event: object) -> None:
        if isinstance(event, FunctionToolCallEvent):
            part = event.part
            await self.emit(
                self.counter.make(
                    "tool_call",
                    {
                        "tool": part.tool_name,
                        "call_id": part.tool_call_id,
                        "args_summary": _clip(part.args_as_json_str(), ARGS_SUMMARY_CHARS),
                    },
                )
            )
        elif isinstance(event, FunctionToolResultEvent):
            result = event.part
            record = self.deps.tools.call_records.get(result.tool_call_id)
            outcome = result.outcome if isinstance(result, ToolReturnPart) else "failed"
            await self.emit(
                self.counter.make(
                    "tool_result",
                    {
                        "tool": result.tool_name,
                        "call_id": result.tool_call_id,
                        "status": record.status.value if record else _status(outcome),
                        "cached": record.cached if record else False,
                        "latency_ms": round(record.latency_ms, 1) if record else 0.0,
                    },
                )
            )
            await self._emit_tool_policies()
            if result.tool_name == "propose_plan" and isinstance(result, ToolReturnPart):
                await self._on_plan(result)

    async def _on_plan(self, part: ToolReturnPart) -> None:
        if part.outcome != "success":
            return
        content = part.content
        data = content.model_dump(mode="json") if isinstance(content, BaseModel) else content
        if not isinstance(data, dict) or "plan" not in data:
            return
        # Adjusted when any stage changed the user's request: the plan stage (status and
        # changes) or the tool-args stage (its notes on the result).
        changes = list(data.get("changes") or [])
        changes += [
            {"field": None, "original": None, "adjusted": None, "reason": note}
            for note in data.get("policy_notes") or []
        ]
        payload = {
            "plan": data["plan"],
            "adjusted": data.get("status") == "adjusted" or bool(changes),
            "changes": changes,
        }
        await self.emit(self.counter.make("plan", payload))
        self.plan = {**payload, "proposed_on": self.clock().date().isoformat()}

    # ------------------------------------------------------------------ the end

    def _turn_messages(self) -> list[ModelMessage]:
        """What to store after the user's message (the claim stored it): the run's messages
        with only released text, cut to whole steps."""
        run_messages = list(self.run.new_messages()) if self.run is not None else []
        run_messages = _cut_unanswered_calls(_without_prompt(run_messages))
        out: list[ModelMessage] = []
        index = 0
        for message in run_messages:
            if isinstance(message, ModelResponse):
                released = (
                    self.released_by_response[index]
                    if index < len(self.released_by_response)
                    else ""
                )
                index += 1
                message = _with_text(message, released)
                if not message.parts:
                    continue
            out.append(message)
        # Text released from a response that never completed (cancelled mid-stream).
        tail = "".join(self.released_by_response[index:])
        if tail.strip():
            out.append(ModelResponse(parts=[TextPart(content=tail)], model_name=self.spec))
        return out

    async def _finish(self, *, complete: bool, error: str | None) -> None:
        if self.run is not None:
            self.usage = self.run.usage
        if complete:
            await self._emit_releases(self.releaser.finish())
        try:
            await self._persist(self._turn_messages())
        except Exception as exc:
            outage = outage_of(exc)
            if outage is None:
                log.exception("could not persist turn %s", self.turn_id)
            else:
                log.warning(
                    "could not persist turn %s: %s unavailable", self.turn_id, outage.service
                )
            # The tool-call rows and the tools' violations are written whatever happens
            # (in an outage they fail too, and the lease lapses on its own).
            try:
                await flush_audit(self.deps.tools, force=True)
                await flush_violations(self.deps.tools)
            except Exception:
                log.warning("turn %s: audit rows not written", self.turn_id)
            await self._release_quietly()
            await self.emit(self.counter.error("internal" if outage is None else "unavailable"))
            return
        await self._emit_tail(error=error)

    def _tokens(self) -> tuple[int, int]:
        summarizer_usage: RunUsage | None = getattr(self.deps.context.summarizer, "usage", None)
        extra_in = summarizer_usage.input_tokens if summarizer_usage else 0
        extra_out = summarizer_usage.output_tokens if summarizer_usage else 0
        return self.usage.input_tokens + extra_in, self.usage.output_tokens + extra_out

    async def _emit_tail(self, *, error: str | None) -> None:
        input_tokens, output_tokens = self._tokens()
        await self.emit(
            self.counter.make(
                "usage", {"input_tokens": input_tokens, "output_tokens": output_tokens}
            )
        )
        if error is not None:
            await self.emit(self.counter.error(error))
            return
        await self.emit(
            self.counter.make(
                "done",
                {
                    "session_id": str(self.claimed.session_id),
                    "message_count": self.counters.message_count,
                    "tokens_used": self.counters.tokens_used,
                },
            )
        )

    async def _persist(self, messages: list[ModelMessage]) -> None:
        """Append, counters, metadata, claim release and the turn's tool-call rows (buffered
        by the toolset, ``ToolDeps.audit_deferred``) in one statement; with violations to
        log (the turn's or the tools'), one transaction around it and them. A turn without
        violations (the usual case) needs a single round trip and no transaction."""
        input_tokens, output_tokens = self._tokens()
        state = self.deps.context
        tools = self.deps.tools
        replied = any(
            isinstance(m, ModelResponse) and any(isinstance(p, TextPart) for p in m.parts)
            for m in messages
        )
        patch = dict(self.metadata_patch)
        patch[sessions.FOLDED_KEY] = state.folded
        if self.plan is not None:
            patch[sessions.PLAN_KEY] = self.plan
        flags = sorted(set(self.claimed.metadata.get(sessions.FLAGS_KEY) or []) | self.flags)
        if flags:
            patch[sessions.FLAGS_KEY] = flags
        audit = pending_batch(tools)
        transaction = bool(self.policy_records or tools.pending_violations)
        stored_json = dump_messages_json(messages)
        async with self.session_factory() as db:
            if not transaction:
                await db.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            self.counters = await sessions.append(
                db,
                session_id=self.claimed.session_id,
                turn_id=self.turn_id,
                messages_json=stored_json,
                messages_added=int(replied),
                tokens=input_tokens + output_tokens,
                now=self.clock(),
                summary=state.summary if state.summary_changed else None,
                metadata_patch=patch,
                audit_json=pydantic_core.to_json(audit).decode() if audit else None,
            )
            for record in self.policy_records:
                await record_violations(
                    db,
                    user_id=self.user_id,
                    session_id=self.claimed.session_id,
                    decision_or_violations=record.decision,
                    trigger_text=record.trigger,
                )
            tool_violations = await write_violations(db, tools)
            if transaction:  # in autocommit the statement is already committed
                await db.commit()
        forget_violations(tools, tool_violations)
        forget_audit(tools, len(audit))
        self.persisted = True
        self._keep_history(stored_json)
        self._refine_summary()

    def _refine_summary(self) -> None:
        """A summary folded this turn is rewritten by the model, after the turn."""
        state = self.deps.context
        if (
            self.summaries is None
            or state.refine_with is None
            or not state.refine_turns
            or not state.summary_changed
            or not state.summary
        ):
            return
        self.summaries.start(
            state.refine_with,
            session_id=self.claimed.session_id,
            written=state.summary,
            previous=state.refine_from,
            turns=list(state.refine_turns),
            max_tokens=state.summary_cap,
        )

    async def _release_quietly(self) -> None:
        try:
            async with self.session_factory() as db:
                await sessions.release(db, session_id=self.claimed.session_id, turn_id=self.turn_id)
        except Exception as exc:
            if outage_of(exc) is None:
                log.exception("could not release session %s", self.claimed.session_id)
            else:  # its lease lapses instead
                log.warning(
                    "session %s not released: database unavailable", self.claimed.session_id
                )


def _without_prompt(messages: list[ModelMessage]) -> list[ModelMessage]:
    """The run's messages without the user's prompt of its first request (stored already)."""
    if not messages or not isinstance(messages[0], ModelRequest):
        return messages
    first = messages[0]
    parts = [p for p in first.parts if not isinstance(p, UserPromptPart)]
    if len(parts) == len(first.parts):
        return messages
    rest = messages[1:]
    return [dataclasses.replace(first, parts=parts), *rest] if parts else rest


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status(outcome: str) -> str:
    return {"success": "success", "denied": "blocked"}.get(outcome, "failed")


def _sentences(text: str) -> list[str]:
    """``text`` split after sentence ends (each piece keeps its trailing space)."""
    return [piece for piece in _SENTENCE_END.split(text) if piece]


def _with_text(message: ModelResponse, released: str) -> ModelResponse:
    """The response with its text replaced by what was released (one part, or none)."""
    generated = "".join(p.content for p in message.parts if isinstance(p, TextPart))
    if generated == released:
        return message
    parts: list[Any] = [p for p in message.parts if not isinstance(p, TextPart)]
    if released.strip():
        parts.insert(0, TextPart(content=released))
    return dataclasses.replace(message, parts=parts)


def _cut_unanswered_calls(messages: list[ModelMessage]) -> list[ModelMessage]:
    """The messages without empty requests and without a trailing response whose tool
    calls have no returns (a run stopped mid-step leaves both; neither is valid history)."""
    out = [m for m in messages if not (isinstance(m, ModelRequest) and not m.parts)]
    answered = {
        p.tool_call_id
        for m in out
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, ToolReturnPart | RetryPromptPart)
    }
    while out and isinstance(out[-1], ModelResponse):
        calls = [p for p in out[-1].parts if isinstance(p, ToolCallPart)]
        if all(c.tool_call_id in answered for c in calls):
            break
        out.pop()
    return out


def _error_code(exc: BaseException) -> str:
    if isinstance(exc, UsageLimitExceeded):
        return "usage_limit"
    if isinstance(exc, RunTimedOut | TimeoutError):
        return "timeout"
    if isinstance(exc, ModelAPIError | FallbackExceptionGroup):
        return "model_unavailable"
    if isinstance(exc, AgentRunError):
        return "internal"
    if outage_of(exc) is not None:
        return "unavailable"
    return "internal"
