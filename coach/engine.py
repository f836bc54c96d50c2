"""The conversation engine: sessions, turns, history, models, safety, events.

Usage (the API's lifespan builds one; evals build their own the same way)::

    engine = CoachEngine(session_factory=..., cache=..., policy=PolicyEngine(...),
                         settings=CoachSettings(), event_log=MemoryEventLog())
    events = engine.run_turn(user_id=uid, message="how am I doing?")
    first = await anext(events)      # raises NotFound / SessionClosed / TurnInProgress /
                                     # ModelUnavailable here, before any event
    async for event in events: ...   # tool_call, tool_result, text, policy, plan, usage, done
    await engine.aclose()

Closing the event iterator early (client disconnect) cancels the turn; what completed is
persisted and the session stays usable. ``replay`` returns the rest of the session's last
turn from the event log without running the model again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import secrets
import socket
import uuid
from collections.abc import AsyncGenerator, Callable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic_ai import Agent
from pydantic_ai.messages import ModelRequest, UserPromptPart
from pydantic_ai.models import Model
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach import sessions
from coach.admission import StartGate
from coach.errors import UserInactive
from coach.event_log import EventLog, RedisEventLog, create_event_log
from coach.events import ERROR_CODES, ChatEvent, EventCounter
from coach.guard import LLMGuard
from coach.history import (
    BudgetHistory,
    ContextState,
    HistoryCache,
    budget_processor,
    dump_messages_json,
)
from coach.instructions import PinnedFacts, build_instructions
from coach.models import ModelFactory
from coach.observe import observe_turn
from coach.release import Releaser
from coach.settings import MODEL_TIERS, OFFLINE_SPEC, CoachSettings
from coach.summarizer import ExtractiveSummarizer, LLMSummarizer
from coach.summary_refiner import SummaryRefiner
from coach.tokens import TOOL_OVERHEAD, text_tokens
from coach.turn import CoachDeps, Turn, get_tool_deps
from coach.version import app_version
from persistence.enums import SessionStatus
from persistence.errors import NotFound
from persistence.models import AISession, table_of
from persistence.repositories import ai_sessions
from persistence.text import UNSTORABLE_REASON, unstorable
from policies import PolicyEngine, PolicyProfile
from tools.cache import ToolCache
from tools.deps import ToolDeps
from tools.registry import get_registry
from tools.settings import ToolSettings
from tools.toolset import build_coach_toolset

if TYPE_CHECKING:
    import redis.asyncio as aioredis

    from persistence.observability import Telemetry
    from persistence.redis import SharedRedis

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    """The wall clock in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


class _ClockAdapter:
    """The engine's clock (a callable) as the tools' ``Clock`` (an object with ``now``)."""

    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self._clock = clock

    def now(self) -> dt.datetime:
        """The current instant."""
        return self._clock()


def policy_profile(facts: PinnedFacts) -> PolicyProfile:
    """What the policies know about the user, from the pinned facts."""
    return PolicyProfile(
        sex=facts.sex,
        birth_year=facts.birth_year,
        height_cm=facts.height_cm,
        activity_level=facts.activity_level,
        goal_type=facts.goal_type,
        target_weight_kg=facts.target_weight_kg,
        timezone=facts.timezone,
    )


def _lease_left(lease: Mapping[str, Any], now: dt.datetime) -> float:
    """Seconds until ``lease`` lapses (0 or less: lapsed, or no lease at all)."""
    until = lease.get("until")
    if not until:
        return 0.0
    return (dt.datetime.fromisoformat(str(until)) - now).total_seconds()


def _tools_tokens(include: frozenset[str] | None = None) -> int:
    total = 0
    for spec in get_registry().values():
        if include is not None and spec.name not in include:
            continue
        schema = json.dumps(spec.json_schema(), separators=(",", ":"))
        total += TOOL_OVERHEAD + text_tokens(f"{spec.name} {spec.description} {schema}")
    return total


class CoachEngine:
    """Runs chat turns over the user's data (see the module docstring)."""

    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        cache: ToolCache,
        policy: PolicyEngine | None,
        settings: CoachSettings,
        event_log: EventLog | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
        redis: SharedRedis | aioredis.Redis | None = None,
        models: Mapping[str, Model] | None = None,
        tool_settings: ToolSettings | None = None,
        include_tools: frozenset[str] | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        """``event_log`` defaults to the backend the settings choose, a Redis stream on
        ``redis`` (the process's shared client) when given. ``models`` registers named
        models (scripted ``FunctionModel`` s in tests and evals) usable as specs.
        ``include_tools`` limits the agent's toolset to these registry tools (all of them
        by default); an unknown name is a ``ValueError``. ``telemetry`` (the server's) gets
        each turn's metrics, the tools' calls and, with tracing on, pydantic-ai's spans of
        every run."""
        self._session_factory = session_factory
        self._cache = cache
        self._policy = policy
        self._settings = settings
        self._clock = clock
        self._owns_log = event_log is None
        if event_log is not None:
            self._event_log = event_log
        elif redis is not None:
            self._event_log = RedisEventLog(
                redis, prefix=settings.coach_event_log_prefix, ttl_s=settings.coach_event_log_ttl_s
            )
        else:
            self._event_log = create_event_log(
                use_redis=settings.event_log_uses_redis,
                redis_url=settings.redis_url,
                ttl_s=settings.coach_event_log_ttl_s,
                prefix=settings.coach_event_log_prefix,
            )
        self._models = ModelFactory(settings, registry=models)
        self._tool_settings = tool_settings or ToolSettings()
        # Built once: the toolset and agent are reused by every turn (the model is per run).
        toolset = build_coach_toolset(get_deps=get_tool_deps, include=include_tools)
        self._tool_names = frozenset(toolset.specs)
        self._tools_tokens = _tools_tokens(self._tool_names)
        self._agent: Agent[CoachDeps, str] = Agent(
            deps_type=CoachDeps,
            output_type=str,
            toolsets=[toolset],
            capabilities=[BudgetHistory(budget_processor)],
            name="sleek-coach",
        )
        self._telemetry = telemetry
        #: COACH_GUARD_MODEL's second opinion (coach.guard); None: off.
        self._guard = LLMGuard.from_settings(settings, self._models, policy, telemetry)
        if telemetry is not None and telemetry.tracing is not None:
            self._agent.instrument = telemetry.agent_instrumentation()
        self._version = app_version()
        self._lease = dt.timedelta(seconds=settings.coach_turn_lease_s)
        #: Names this process in the leases its turns hold.
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._turns: dict[asyncio.Task[None], Turn] = {}
        self._summaries = SummaryRefiner(session_factory)
        self._start_gate = StartGate(
            settings.coach_start_concurrency,
            opening_wait_s=settings.coach_first_event_priority_ms / 1000,
        )
        self._histories = HistoryCache()

    @property
    def settings(self) -> CoachSettings:
        """The engine's settings."""
        return self._settings

    @property
    def tool_names(self) -> frozenset[str]:
        """The tools the coach's agent is offered."""
        return self._tool_names

    @property
    def guard(self) -> LLMGuard | None:
        """The LLM guard (``COACH_GUARD_MODEL``), or ``None`` when it is off."""
        return self._guard

    @property
    def event_log(self) -> EventLog:
        """Where turns' events are logged for replay."""
        return self._event_log

    # ------------------------------------------------------------------ sessions

    def _tier(self, model_tier: str | None) -> str:
        tier = model_tier or self._settings.coach_default_tier
        if tier not in MODEL_TIERS:
            raise ValueError(f"model_tier: {tier!r} is not one of {', '.join(MODEL_TIERS)}")
        return tier

    def _metadata(self, spec: str, client: dict[str, Any] | None) -> dict[str, Any]:
        meta: dict[str, Any] = {"model": spec, "app_version": self._version}
        if client:
            meta["client"] = client
        return meta

    async def create_session(
        self,
        *,
        user_id: uuid.UUID,
        model_tier: str | None = None,
        client: dict[str, Any] | None = None,
    ) -> AISession:
        """A new active session (committed)."""
        tier = self._tier(model_tier)
        spec = self._settings.spec_for_tier(tier)
        async with self._session_factory() as db:
            session = await sessions.create(
                db,
                user_id=user_id,
                model_tier=tier,
                metadata=self._metadata(spec, client),
                now=self._clock(),
            )
            await db.commit()
        return session

    async def get_session(self, *, user_id: uuid.UUID, session_id: uuid.UUID) -> AISession:
        """The user's session, marked expired first when it has been idle too long."""
        idle = dt.timedelta(minutes=self._settings.coach_session_idle_minutes)
        async with self._session_factory() as db:
            session = await ai_sessions.get(db, user_id=user_id, session_id=session_id)
            last = session.last_message_at
            if (
                session.status is SessionStatus.ACTIVE
                and last is not None
                and last < self._clock() - idle
            ):
                await ai_sessions.set_status(db, session=session, status=SessionStatus.EXPIRED)
                await db.commit()
            return session

    async def complete_session(self, *, user_id: uuid.UUID, session_id: uuid.UUID) -> AISession:
        """Mark the session completed; ``SessionClosed`` if it expired, as is if completed."""
        from coach.errors import SessionClosed

        session = await self.get_session(user_id=user_id, session_id=session_id)
        if session.status is SessionStatus.EXPIRED:
            raise SessionClosed(session_id, session.status.value)
        if session.status is SessionStatus.COMPLETED:
            return session
        async with self._session_factory() as db:
            await db.execute(
                sa.update(table_of(AISession))
                .where(table_of(AISession).c.id == session_id)
                .values(status=SessionStatus.COMPLETED)
            )
            await db.commit()
        session.status = SessionStatus.COMPLETED
        return session

    async def release_expired_leases(self) -> int:
        """Free the sessions of turns whose process died (lease lapsed), marking those turns
        interrupted; returns how many. The app runs it at startup."""
        async with self._session_factory() as db:
            return await sessions.release_expired(db, now=self._clock(), lease=self._lease)

    async def expire_idle(self) -> int:
        """Expire every active session idle for longer than the setting; returns how many."""
        async with self._session_factory() as db:
            count = await ai_sessions.expire_idle(
                db,
                now=self._clock(),
                idle=dt.timedelta(minutes=self._settings.coach_session_idle_minutes),
            )
            await db.commit()
        return count

    # ------------------------------------------------------------------ turns

    def run_turn(
        self,
        *,
        user_id: uuid.UUID,
        message: str,
        session_id: uuid.UUID | None = None,
        client: dict[str, Any] | None = None,
        model: str | None = None,
        announce_new: bool = False,
    ) -> AsyncGenerator[ChatEvent, None]:
        """The events of one turn (see the module docstring).

        ``model`` overrides the session tier's model spec for this turn. Refusals
        (``ValueError`` for a bad message, ``NotFound``, ``SessionClosed``,
        ``TurnInProgress``, ``ModelUnavailable``, ``UserInactive``) are raised by the first
        ``__anext__``, before any event.

        ``announce_new`` (the SSE route's choice): a new session's ``session`` event comes
        before its claim, so it leaves without waiting for a database connection. Its id
        is chosen here, and the claim of a new session can fail only on the account
        (deactivated, or deleted, while its access token lives): that refusal then ends
        the stream with an ``error`` event ``account_inactive`` and nothing is stored.
        """
        events = self._turn(
            user_id=user_id,
            message=message,
            session_id=session_id,
            client=client,
            model=model,
            announce_new=announce_new,
        )
        return events if self._telemetry is None else observe_turn(events, self._telemetry)

    def _check_message(self, message: str) -> str:
        text = message.strip()
        if not text:
            raise ValueError("message: must contain text")
        if unstorable(text):
            raise ValueError(f"message: {UNSTORABLE_REASON}")
        limit = self._settings.coach_max_message_chars
        if len(text) > limit:
            raise ValueError(f"message: at most {limit} characters (got {len(text)})")
        return text

    def _refine_with(self, spec: str, model: Model) -> LLMSummarizer | None:
        """The model that rewrites a turn's summary after it (None: the extractive summary
        stays). The turn itself always folds with the extractive summarizer."""
        choice = self._settings.coach_summarizer
        if choice == "extractive" or (choice == "auto" and self._models.is_offline(spec)):
            return None
        return LLMSummarizer(model)

    async def _start(
        self,
        *,
        user_id: uuid.UUID,
        message: str,
        session_id: uuid.UUID | None,
        client: dict[str, Any] | None,
        model: str | None,
        new_session_id: uuid.UUID | None = None,
        counter: EventCounter | None = None,
    ) -> Turn:
        text = self._check_message(message)
        if model is not None:
            self._models.single(model)  # an unusable override is refused before claiming
        tier = self._settings.coach_default_tier
        now = self._clock()
        turn_id = uuid.uuid4()
        new_spec = model or self._settings.spec_for_tier(tier)
        prompt = ModelRequest(parts=[UserPromptPart(content=text, timestamp=now)])
        prompt_json = dump_messages_json([prompt])
        db = self._session_factory()
        try:
            claimed = await sessions.claim(
                db,
                user_id=user_id,
                session_id=session_id,
                turn_id=turn_id,
                now=now,
                idle=dt.timedelta(minutes=self._settings.coach_session_idle_minutes),
                lease=self._lease,
                owner=self._owner,
                prompt_json=prompt_json,
                new_tier=tier,
                new_metadata=self._metadata(new_spec, client),
                new_session_id=new_session_id,
            )
        except BaseException:
            async with db:  # closed as ``async with`` closes (to completion, in a task)
                raise
        # The claim ran on its own (autocommit, no transaction left open): closing hands the
        # connection back without a round trip, so there is nothing to protect from a
        # cancellation and it is awaited directly; ``async with`` would close it in a task of
        # its own, one more pass of the event loop before the turn's first event.
        await db.close()
        try:
            return await self._prepare(
                claimed,
                turn_id=turn_id,
                now=now,
                text=text,
                model=model,
                user_id=user_id,
                client=client,
                counter=counter,
                prompt_json=prompt_json,
            )
        except BaseException:
            # Whatever stops the turn before it starts must not leave the session claimed,
            # nor the message of a turn the client is told was refused.
            async with self._session_factory() as db:
                await sessions.release(
                    db, session_id=claimed.session_id, turn_id=turn_id, drop_prompt=True
                )
            raise

    async def _prepare(
        self,
        claimed: sessions.ClaimedTurn,
        *,
        turn_id: uuid.UUID,
        now: dt.datetime,
        text: str,
        model: str | None,
        user_id: uuid.UUID,
        client: dict[str, Any] | None,
        counter: EventCounter | None,
        prompt_json: str,
    ) -> Turn:
        spec = model or self._settings.spec_for_tier(claimed.model_tier)
        model_obj = self._models.model(spec)
        flags = tuple(
            sorted(set(claimed.recent_flags) | set(claimed.metadata.get(sessions.FLAGS_KEY) or []))
        )
        facts = PinnedFacts.from_values(
            claimed.user, flags=flags, plan=claimed.metadata.get(sessions.PLAN_KEY)
        )
        context = ContextState(
            budget=self._settings.coach_context_tokens,
            instructions=build_instructions(facts, today=now.date()),
            tools_tokens=self._tools_tokens,
            summary=claimed.context_summary,
            folded=claimed.folded,
            summarizer=ExtractiveSummarizer(),
            refine_with=self._refine_with(spec, model_obj),
        )
        profile = policy_profile(facts)
        tool_deps = ToolDeps(
            user_id=user_id,
            session_factory=self._session_factory,
            cache=self._cache,
            policy=self._policy,
            session_id=claimed.session_id,
            clock=_ClockAdapter(self._clock),
            settings=self._tool_settings,
            # Loaded with the claim: the tool-args checks use the user's own limits.
            policy_profile=profile,
            # The tool-call rows are written with the turn, in its one transaction.
            audit_deferred=True,
            telemetry=self._telemetry,
        )
        return Turn(
            agent=self._agent,
            model=model_obj,
            spec=spec,
            settings=self._settings,
            session_factory=self._session_factory,
            event_log=self._event_log,
            policy=self._policy,
            policy_profile=profile,
            releaser=Releaser.for_policy(self._policy, profile),
            clock=self._clock,
            claimed=claimed,
            turn_id=turn_id,
            user_id=user_id,
            message=text,
            deps=CoachDeps(tools=tool_deps, context=context),
            metadata_patch=self._metadata(spec, client),
            counter=counter or EventCounter(),
            start_gate=self._start_gate,
            lease=self._lease,
            history_cache=self._histories,
            prompt_json=prompt_json,
            # never for the offline coach: a guard model would be its only network call
            guard=self._guard if spec != OFFLINE_SPEC else None,
            summaries=self._summaries,
        )

    async def _turn(
        self,
        *,
        user_id: uuid.UUID,
        message: str,
        session_id: uuid.UUID | None,
        client: dict[str, Any] | None,
        model: str | None,
        announce_new: bool,
    ) -> AsyncGenerator[ChatEvent, None]:
        if session_id is None and announce_new:
            # Announced before the claim (see run_turn); every other refusal is still
            # raised before the first event.
            self._check_message(message)
            self._models.model(model or self._settings.spec_for_tier(None))
            counter = EventCounter()
            new_id = uuid.uuid4()
            announced = counter.session(new_id, SessionStatus.ACTIVE.value)
            yield announced
            ticket = await self._start_gate.enter()
            try:
                turn = await self._start(
                    user_id=user_id,
                    message=message,
                    session_id=None,
                    client=client,
                    model=model,
                    new_session_id=new_id,
                    counter=counter,
                )
            except (UserInactive, NotFound) as exc:
                ticket.release()
                log.info("new session refused: %s", exc)
                yield counter.error("account_inactive")
                return
            except BaseException:
                ticket.release()
                raise
            turn.opening_event = announced  # logged for replay by the turn's task
            turn.admit(ticket)
            opening = None
        else:
            with self._start_gate.opening_turn():  # other turns' start-ups wait for this
                turn = await self._start(
                    user_id=user_id,
                    message=message,
                    session_id=session_id,
                    client=client,
                    model=model,
                )
            # The `session` event leaves as soon as the claim is made, not after a round
            # trip through the turn's task. The task logs it for replay and waits for a
            # start slot itself.
            opening = turn.opening()
        task = asyncio.create_task(turn.run_task(), name=f"coach-turn-{turn.turn_id}")
        self._turns[task] = turn
        task.add_done_callback(lambda done: self._turns.pop(done, None))
        # Wakes the consumer if the task ends without a terminal event (it never should).
        task.add_done_callback(lambda _: turn.queue.put_nowait(None))
        try:
            if opening is not None:
                yield opening
            while True:
                event = await turn.queue.get()
                if event is None:
                    break
                yield event
                if event.terminal:
                    break
        finally:
            if not task.done() and not turn.finishing:
                task.cancel()
            try:
                # Let the turn persist even if this consumer is being cancelled repeatedly.
                await asyncio.shield(task)
            except BaseException:  # the turn logs its own failures
                pass
            # The start slot, if the turn never reached a model request (refused by the
            # input policy, failed or cancelled early, or never ran). Idempotent.
            if turn.start_ticket is not None:
                turn.start_ticket.release()

    # ------------------------------------------------------------------ replay

    def replay(
        self, *, user_id: uuid.UUID, session_id: uuid.UUID, after_id: int
    ) -> AsyncGenerator[ChatEvent, None]:
        """The session's last turn's events with ``id > after_id``, following a running turn.

        ``NotFound`` (raised by the first ``__anext__``) when the session is not the
        user's or no turn is logged (never run, or the log expired).
        """
        return self._replay(user_id=user_id, session_id=session_id, after_id=after_id)

    async def _replay(
        self, *, user_id: uuid.UUID, session_id: uuid.UUID, after_id: int
    ) -> AsyncGenerator[ChatEvent, None]:
        lease = await self._lease_of(user_id=user_id, session_id=session_id)
        if not await self._event_log.has_turn(session_id):
            raise NotFound("event log of session", session_id)
        wait_s = self._settings.coach_replay_wait_s
        last_id = after_id
        quiet_since = asyncio.get_running_loop().time()
        while True:
            # A live lease bounds each wait: when it should have been renewed, look again.
            left = _lease_left(lease, self._clock())
            # Without a lease, a moment's grace: a turn that just stored its end may still
            # be logging its last events.
            follow = min(wait_s, max(left, 0.0) + 1.0)
            async for event in self._event_log.read(session_id, after_id=last_id, wait_s=follow):
                yield event
                last_id = event.id
                quiet_since = asyncio.get_running_loop().time()
                if event.terminal:
                    return
            if left <= 0:
                if await self._event_log.ended(session_id):
                    return  # the client has seen the whole turn already
                break  # nobody holds the session: the logged turn will never end by itself
            if asyncio.get_running_loop().time() - quiet_since >= wait_s:
                return  # a live turn with nothing new: the client reconnects later
            lease = await self._lease_of(user_id=user_id, session_id=session_id)
        interrupted = ChatEvent(
            event="error",
            id=last_id + 1,
            data={"code": "turn_interrupted", "message": ERROR_CODES["turn_interrupted"]},
        )
        try:  # so later replays end at once too (the next turn starts a new log)
            await self._event_log.append(session_id, interrupted)
        except Exception:
            log.warning("event log unavailable for session %s", session_id)
        yield interrupted

    async def _lease_of(self, *, user_id: uuid.UUID, session_id: uuid.UUID) -> dict[str, Any]:
        """The session's lease (``{}`` when none); ``NotFound`` unless it is the user's."""
        s = table_of(AISession)
        async with self._session_factory() as db:
            row = (
                await db.execute(
                    sa.select(s.c.id, s.c["metadata"][sessions.TURN_KEY]).where(
                        s.c.id == session_id, s.c.user_id == user_id
                    )
                )
            ).one_or_none()
        if row is None:
            raise NotFound("session", session_id)
        return dict(row[1] or {})

    # ------------------------------------------------------------------ shutdown

    async def aclose(self) -> None:
        """Cancel running turns (a turn already persisting is left to finish), wait for them
        to save what they completed, then close clients."""
        tasks = list(self._turns.items())
        for task, turn in tasks:
            if not turn.finishing:
                task.cancel()
        if tasks:
            await asyncio.gather(*(task for task, _ in tasks), return_exceptions=True)
        if self._guard is not None:
            await self._guard.aclose()
        await self._summaries.aclose()
        await self._models.aclose()
        if self._owns_log:
            await self._event_log.aclose()
