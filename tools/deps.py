"""The per-turn dependencies every tool receives, and the record of each call."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from persistence.enums import ToolCallStatus
from policies import Decision, PolicyEngine, PolicyProfile
from tools.cache import ToolCache
from tools.settings import ToolSettings

if TYPE_CHECKING:
    from persistence.observability import Telemetry


class Clock(Protocol):
    """Source of the current time (aware, UTC); tests pass a fixed clock."""

    def now(self) -> dt.datetime:
        """The current instant."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> dt.datetime:
        """The current instant in UTC."""
        return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class FixedClock:
    """A clock stopped at ``at`` (tests, evals, the bench)."""

    at: dt.datetime

    def now(self) -> dt.datetime:
        """Always ``at``."""
        return self.at

    @classmethod
    def on(cls, day: dt.date, hour: int = 12) -> FixedClock:
        """A clock at ``hour``:00 UTC on ``day``."""
        return cls(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC))


@dataclass(frozen=True, slots=True)
class CallRecord:
    """The outcome of one tool call, for SSE ``tool_result`` events and tests.

    ``latency_ms`` is measured with a monotonic clock around the whole call (validation,
    policy, cache and computation).
    """

    call_id: str
    tool: str
    status: ToolCallStatus
    cached: bool
    latency_ms: float
    error: str | None
    args_summary: str


@dataclass
class ToolDeps:
    """Everything a tool call needs; one instance per turn (the agent's ``RunContext.deps``).

    ``session_id`` is the ``ai_session`` the calls are audited under; with ``None`` no
    ``ai_tool_call_log`` rows are written (the column is NOT NULL), only ``call_records``.
    ``call_records`` fills in as calls finish, keyed by pydantic-ai's ``tool_call_id``.
    ``policy_profile`` is what the policies know about the user: the engine sets it once
    per turn; without it the tool-args check loads it on first need and keeps it here.
    ``policy_decisions`` collects the tool-args and plan-stage decisions that found
    violations, so the engine can tell the client about them (it takes them out as it
    reports them).
    ``audit_deferred``: the caller writes the buffered ``ai_tool_call_log`` rows itself, in
    its own statement (:func:`tools.audit.pending_batch`; the engine does so with the turn),
    so the toolset's flushes leave them alone; the policy violations the tools find are then
    buffered too (``pending_violations``: decision and trigger text) for the same
    transaction (:func:`tools.policy_gate.write_violations`).
    ``telemetry`` (the server's) counts each call and traces each cache lookup.
    """

    user_id: uuid.UUID
    session_factory: async_sessionmaker[AsyncSession]
    cache: ToolCache
    policy: PolicyEngine | None = None
    session_id: uuid.UUID | None = None
    clock: Clock = field(default_factory=SystemClock)
    settings: ToolSettings = field(default_factory=ToolSettings)
    call_records: dict[str, CallRecord] = field(default_factory=dict)
    pending_audit_rows: list[dict[str, Any]] = field(default_factory=list)
    policy_profile: PolicyProfile | None = None
    audit_deferred: bool = False
    pending_violations: list[tuple[Decision, str | None]] = field(default_factory=list)
    policy_decisions: list[Decision] = field(default_factory=list)
    telemetry: Telemetry | None = None

    def today(self) -> dt.date:
        """Today's date by the deps' clock (UTC)."""
        return self.clock.now().astimezone(dt.UTC).date()
