"""Typed results of the audit queries (also the admin API's response bodies)."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from persistence.enums import PolicyViolationType, SessionStatus, Severity, ToolCallStatus


class ToolGroupBy(StrEnum):
    """How ``tools`` groups its rows."""

    TOOL = "tool"
    DAY = "day"
    USER = "user"
    STATUS = "status"


class ViolationGroupBy(StrEnum):
    """How ``violations`` groups its rows."""

    TYPE = "type"
    DAY = "day"
    USER = "user"


class Window(BaseModel):
    """The time window a report covers (``start <= created_at < end``; null is open)."""

    start: dt.datetime | None
    end: dt.datetime | None


class ToolFilters(BaseModel):
    """Filters of the tool-call queries."""

    user_id: uuid.UUID | None = None
    tool: str | None = None
    session_id: uuid.UUID | None = None


class ToolStats(BaseModel):
    """Aggregates over a set of tool calls.

    ``error_rate`` is failed / calls (blocked calls are policy decisions, not errors);
    ``cache_hit_rate`` is cached / calls. Latency percentiles interpolate linearly
    (``percentile_cont``) over every call, cached ones included.
    """

    key: str | None = Field(description="group key; null on the overall row")
    label: str | None = Field(default=None, description="readable key (the email for users)")
    calls: int
    success: int
    failed: int
    blocked: int
    cached: int
    error_rate: float
    cache_hit_rate: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: int | None


class ErrorCount(BaseModel):
    """How often one tool failed with one error message."""

    tool_name: str
    error_message: str | None
    count: int
    last_seen: dt.datetime


class ToolReport(BaseModel):
    """``coach audit tools``."""

    window: Window
    filters: ToolFilters
    by: ToolGroupBy | None
    total: ToolStats
    groups: list[ToolStats]
    groups_truncated: bool = Field(description="true when more groups exist than were returned")
    top_errors: list[ErrorCount]


class ViolationFilters(BaseModel):
    """Filters of the violation queries."""

    user_id: uuid.UUID | None = None
    violation_type: PolicyViolationType | None = None
    severity: Severity | None = None


class ViolationStats(BaseModel):
    """Counts over a set of violations."""

    key: str | None = Field(description="group key; null on the overall row")
    label: str | None = None
    count: int
    warning: int
    critical: int
    users: int = Field(description="distinct users")


class DayCount(BaseModel):
    """Violations on one UTC day (days without any are listed with zeros)."""

    day: dt.date
    count: int
    critical: int


class TriggerCount(BaseModel):
    """A (redacted) trigger and how often it fired."""

    trigger: str
    count: int
    violation_types: list[str]


class ViolationReport(BaseModel):
    """``coach audit violations``."""

    window: Window
    filters: ViolationFilters
    by: ViolationGroupBy | None
    total: ViolationStats
    groups: list[ViolationStats]
    groups_truncated: bool
    trend: list[DayCount]
    top_triggers: list[TriggerCount]


class SlowCall(BaseModel):
    """One slow tool call."""

    id: uuid.UUID
    created_at: dt.datetime
    user_id: uuid.UUID
    email: str | None
    session_id: uuid.UUID
    tool_name: str
    status: ToolCallStatus
    cached: bool
    latency_ms: int
    input_summary: str | None
    error_message: str | None


class SlowReport(BaseModel):
    """``coach audit slow``."""

    window: Window
    filters: ToolFilters
    over_ms: int
    calls: list[SlowCall]


class SessionInfo(BaseModel):
    """A session's own columns, plus its owner's email."""

    id: uuid.UUID
    user_id: uuid.UUID
    email: str | None
    status: SessionStatus
    model_tier: str
    started_at: dt.datetime
    last_message_at: dt.datetime
    message_count: int
    tokens_used: int
    context_summary: str | None


TimelineKind = Literal[
    "user_message", "assistant_message", "system_prompt", "retry", "tool_call", "policy", "other"
]


class TimelineEntry(BaseModel):
    """One thing that happened in a session, in time order."""

    at: dt.datetime | None
    kind: TimelineKind
    summary: str = Field(description="clipped text, arguments or trigger")
    tool_name: str | None = None
    status: str | None = Field(default=None, description="tool status or policy action")
    cached: bool | None = None
    latency_ms: int | None = None
    violation_type: str | None = None
    severity: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None


class SessionTotals(BaseModel):
    """Counts over one session."""

    tool_calls: int
    failed: int
    blocked: int
    cached: int
    violations: int
    input_tokens: int = Field(description="sum of the model responses' usage in the history")
    output_tokens: int


class SessionTimeline(BaseModel):
    """``coach audit session``."""

    session: SessionInfo
    totals: SessionTotals
    entries: list[TimelineEntry]


class SessionRow(BaseModel):
    """A session in a user's report."""

    id: uuid.UUID
    status: SessionStatus
    started_at: dt.datetime
    last_message_at: dt.datetime
    message_count: int
    tokens_used: int
    tool_calls: int
    violations: int


class UserInfo(BaseModel):
    """The account the report is about."""

    id: uuid.UUID
    email: str
    is_active: bool
    created_at: dt.datetime


class UserReport(BaseModel):
    """``coach audit user``."""

    user: UserInfo
    window: Window
    sessions_total: int
    sessions_active: int
    sessions: list[SessionRow]
    tools: ToolReport
    violations: ViolationReport
