"""Tool-audit queries: what the coach did, which tools fail, cache hits, policy decisions.

Reports run read-only in PostgreSQL (``coach audit ...`` and ``/v1/admin/audit/...``)::

    async with read_only_session(factory) as db:
        report = await tool_report(db, window=resolve_window(since="7d", ...), by=ToolGroupBy.TOOL)
"""

from __future__ import annotations

from coach.audit.errors import AuditError, InvalidAuditInput
from coach.audit.models import (
    SessionTimeline,
    SlowReport,
    ToolFilters,
    ToolGroupBy,
    ToolReport,
    UserReport,
    ViolationFilters,
    ViolationGroupBy,
    ViolationReport,
)
from coach.audit.queries import (
    MAX_LIMIT,
    read_only_session,
    resolve_user,
    slow_calls,
    tool_report,
    user_report,
    violation_report,
)
from coach.audit.timeline import history_entries, session_timeline
from coach.audit.window import TimeWindow, parse_duration, parse_instant, resolve_window

__all__ = [
    "MAX_LIMIT",
    "AuditError",
    "InvalidAuditInput",
    "SessionTimeline",
    "SlowReport",
    "TimeWindow",
    "ToolFilters",
    "ToolGroupBy",
    "ToolReport",
    "UserReport",
    "ViolationFilters",
    "ViolationGroupBy",
    "ViolationReport",
    "history_entries",
    "parse_duration",
    "parse_instant",
    "read_only_session",
    "resolve_user",
    "resolve_window",
    "session_timeline",
    "slow_calls",
    "tool_report",
    "user_report",
    "violation_report",
]
