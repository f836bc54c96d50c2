"""Audit queries over ``ai_tool_call_log``, ``ai_policy_violation_log`` and ``ai_session``.

Each function takes an ``AsyncSession``, marks its transaction read-only first (so an audit
can never write, whoever opened the session) and returns a typed report. The SQL, and every
aggregate, lives in :mod:`coach.audit.statements`; Python only turns rows into models.
:func:`read_only_session` opens a session for callers that have only a factory.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Final

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.audit import statements
from coach.audit.models import (
    DayCount,
    ErrorCount,
    SessionRow,
    SlowCall,
    SlowReport,
    ToolFilters,
    ToolGroupBy,
    ToolReport,
    ToolStats,
    TriggerCount,
    UserInfo,
    UserReport,
    ViolationFilters,
    ViolationGroupBy,
    ViolationReport,
    ViolationStats,
)
from coach.audit.sql import as_window, begin_read_only, key_text, rows_truncated, utc_date
from coach.audit.window import TimeWindow
from persistence.models import User
from persistence.repositories import users

TOP_ERRORS: Final = 10
TOP_TRIGGERS: Final = 10
USER_SESSIONS: Final = 20
#: Upper bound of ``limit`` (groups or slow calls) for every query.
MAX_LIMIT: Final = 1000


@asynccontextmanager
async def read_only_session(
    factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session in a read-only transaction, rolled back when the block ends."""
    async with factory() as session:
        await begin_read_only(session)
        try:
            yield session
        finally:
            await session.rollback()


async def resolve_user(db: AsyncSession, *, key: str) -> User:
    """A user by id or email (``persistence.errors.NotFound`` otherwise)."""
    return await users.get_by_id_or_email(db, key=key.strip())


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


async def _emails(db: AsyncSession, keys: Sequence[str | None]) -> dict[str, str]:
    ids = [uuid.UUID(k) for k in keys if k is not None]
    if not ids:
        return {}
    rows = await db.execute(statements.emails(ids))
    return {str(r.id): r.email for r in rows}


def _tool_stats(row: Row[Any], labels: dict[str, str]) -> ToolStats:
    calls = int(row.calls)
    p50, p95, p99 = row.percentiles or (None, None, None)
    key = None if row.is_total else key_text(row.key)
    return ToolStats(
        key=key,
        label=labels.get(key) if key is not None else None,
        calls=calls,
        success=int(row.success),
        failed=int(row.failed),
        blocked=int(row.blocked),
        cached=int(row.cached),
        error_rate=row.failed / calls if calls else 0.0,
        cache_hit_rate=row.cached / calls if calls else 0.0,
        p50_ms=p50,
        p95_ms=p95,
        p99_ms=p99,
        max_ms=row.max_ms,
    )


async def tool_report(
    db: AsyncSession,
    *,
    window: TimeWindow,
    filters: ToolFilters | None = None,
    by: ToolGroupBy | None = None,
    limit: int = 50,
) -> ToolReport:
    """Calls, outcomes, error and cache-hit rates, latency percentiles and top errors."""
    await begin_read_only(db)
    filters = filters or ToolFilters()
    limit = _limit(limit)
    rows = list(await db.execute(statements.tool_stats(window, filters, by, limit)))
    groups, truncated = rows_truncated(rows[1:], limit)
    labels = await _emails(db, [key_text(r.key) for r in groups]) if by is ToolGroupBy.USER else {}
    errors = await db.execute(statements.top_errors(window, filters, TOP_ERRORS))
    return ToolReport(
        window=as_window(window),
        filters=filters,
        by=by,
        total=_tool_stats(rows[0], {}),
        groups=[_tool_stats(r, labels) for r in groups],
        groups_truncated=truncated,
        top_errors=[
            ErrorCount(
                tool_name=r.tool_name,
                error_message=r.error_message,
                count=int(r.n),
                last_seen=r.last_seen,
            )
            for r in errors
        ],
    )


async def slow_calls(
    db: AsyncSession,
    *,
    window: TimeWindow,
    over_ms: int = 1000,
    filters: ToolFilters | None = None,
    limit: int = 50,
) -> SlowReport:
    """The slowest tool calls of the window at or over ``over_ms``, slowest first."""
    await begin_read_only(db)
    filters = filters or ToolFilters()
    rows = await db.execute(statements.slow_calls(window, filters, over_ms, _limit(limit)))
    return SlowReport(
        window=as_window(window),
        filters=filters,
        over_ms=over_ms,
        calls=[
            SlowCall(
                id=r.id,
                created_at=r.created_at,
                user_id=r.user_id,
                email=r.email,
                session_id=r.session_id,
                tool_name=r.tool_name,
                status=r.status,
                cached=r.cached,
                latency_ms=r.latency_ms,
                input_summary=r.input_summary,
                error_message=r.error_message,
            )
            for r in rows
        ],
    )


def _violation_stats(row: Row[Any], labels: dict[str, str]) -> ViolationStats:
    key = None if row.is_total else key_text(row.key)
    return ViolationStats(
        key=key,
        label=labels.get(key) if key is not None else None,
        count=int(row.n),
        warning=int(row.warning),
        critical=int(row.critical),
        users=int(row.users),
    )


async def violation_report(
    db: AsyncSession,
    *,
    window: TimeWindow,
    filters: ViolationFilters | None = None,
    by: ViolationGroupBy | None = None,
    limit: int = 50,
) -> ViolationReport:
    """Counts (overall and per group), the daily trend and the top redacted triggers."""
    await begin_read_only(db)
    filters = filters or ViolationFilters()
    limit = _limit(limit)
    rows = list(await db.execute(statements.violation_stats(window, filters, by, limit)))
    groups, truncated = rows_truncated(rows[1:], limit)
    labels = (
        await _emails(db, [key_text(r.key) for r in groups]) if by is ViolationGroupBy.USER else {}
    )
    trend = await db.execute(statements.violation_trend(window, filters))
    triggers = await db.execute(statements.top_triggers(window, filters, TOP_TRIGGERS))
    return ViolationReport(
        window=as_window(window),
        filters=filters,
        by=by,
        total=_violation_stats(rows[0], {}),
        groups=[_violation_stats(r, labels) for r in groups],
        groups_truncated=truncated,
        trend=[
            DayCount(day=utc_date(r.day), count=int(r.n), critical=int(r.critical)) for r in trend
        ],
        top_triggers=[
            TriggerCount(trigger=r.trigger, count=int(r.n), violation_types=sorted(r.types))
            for r in triggers
        ],
    )


async def user_report(
    db: AsyncSession, *, key: str, window: TimeWindow | None = None, limit: int = 50
) -> UserReport:
    """One user's sessions, tool usage per tool and violations per type."""
    await begin_read_only(db)
    window = window or TimeWindow.all_time()
    user = await resolve_user(db, key=key)
    counts = (await db.execute(statements.user_session_counts(user.id))).one()
    sessions = await db.execute(statements.user_sessions(user.id, window, USER_SESSIONS))
    assert user.created_at is not None  # server default, always loaded
    return UserReport(
        user=UserInfo(
            id=user.id, email=user.email, is_active=user.is_active, created_at=user.created_at
        ),
        window=as_window(window),
        sessions_total=int(counts.total),
        sessions_active=int(counts.active),
        sessions=[
            SessionRow(
                id=r.id,
                status=r.status,
                started_at=r.started_at,
                last_message_at=r.last_message_at,
                message_count=r.message_count,
                tokens_used=r.tokens_used,
                tool_calls=int(r.tool_calls),
                violations=int(r.violations),
            )
            for r in sessions
        ],
        tools=await tool_report(
            db,
            window=window,
            filters=ToolFilters(user_id=user.id),
            by=ToolGroupBy.TOOL,
            limit=limit,
        ),
        violations=await violation_report(
            db,
            window=window,
            filters=ViolationFilters(user_id=user.id),
            by=ViolationGroupBy.TYPE,
            limit=limit,
        ),
    )
