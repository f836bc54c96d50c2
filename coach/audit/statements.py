"""The audit's SQL statements, built with SQLAlchemy Core (no string-built SQL).

Aggregates stay in PostgreSQL: filtered counts (``count(*) FILTER (WHERE ...)``), latency
percentiles (``percentile_cont(ARRAY[.5, .95, .99]) WITHIN GROUP (ORDER BY latency_ms)``:
one sort for the three), UTC days (``date_trunc('day', created_at, 'UTC')``) and the overall
row next to the groups (``GROUP BY ROLLUP (key)``: one scan, ``grouping(key) = 1`` marks it).
Group statements return up to ``limit + 2`` rows (the overall row, ``limit`` groups and one
more that tells the caller the list was truncated).
"""

from __future__ import annotations

import uuid
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from coach.audit.models import ToolFilters, ToolGroupBy, ViolationFilters, ViolationGroupBy
from coach.audit.sql import S, T, U, V, day_of
from coach.audit.window import TimeWindow
from persistence.enums import SessionStatus, Severity, ToolCallStatus

#: Percentiles reported for latency, in this order.
PERCENTILES: Final = (0.5, 0.95, 0.99)
#: Failed calls, written as a literal (not a bind parameter) so that the planner can match
#: the partial index ``ix_ai_tool_call_log_failed_created_at`` in generic plans too.
_FAILED: Final = T.c.status == sa.literal_column("'failed'", T.c.status.type)


def tool_where(window: TimeWindow, filters: ToolFilters) -> list[sa.ColumnElement[bool]]:
    """The WHERE terms of a tool-call query."""
    where: list[sa.ColumnElement[bool]] = []
    if window.start is not None:
        where.append(T.c.created_at >= window.start)
    if window.end is not None:
        where.append(T.c.created_at < window.end)
    if filters.user_id is not None:
        where.append(T.c.user_id == filters.user_id)
    if filters.tool is not None:
        where.append(T.c.tool_name == filters.tool)
    if filters.session_id is not None:
        where.append(T.c.session_id == filters.session_id)
    return where


def _bytewise(text: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    # Groups are formed by sorting (percentile_cont rules out hashing); byte order sorts
    # with abbreviated keys, the database's linguistic collation without them.
    return sa.cast(text, sa.Text).collate("C")


def _tool_key(by: ToolGroupBy | None) -> sa.ColumnElement[Any]:
    if by is ToolGroupBy.TOOL:
        return _bytewise(T.c.tool_name)
    if by is ToolGroupBy.DAY:
        return day_of(T.c.created_at)
    if by is ToolGroupBy.USER:
        return T.c.user_id
    if by is ToolGroupBy.STATUS:
        # The enum itself: enums sort by their OIDs, a cast to text costs a lookup per row.
        return T.c.status
    return sa.null()


def _percentiles(latency: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    fractions = sa.literal(list(PERCENTILES), ARRAY(sa.Float))
    return sa.type_coerce(sa.func.percentile_cont(fractions).within_group(latency), ARRAY(sa.Float))


def _grouped(
    inner: sa.Subquery, columns: list[sa.ColumnElement[Any]], *, by_day: bool, limit: int | None
) -> sa.Select[Any]:
    """Overall row first, then the groups (days in order, others by count)."""
    key = inner.c.key
    if limit is None:
        return sa.select(sa.null().label("key"), sa.literal(1).label("is_total"), *columns)
    is_total = sa.func.grouping(key)
    order = key.asc() if by_day else sa.func.count().desc()
    return (
        sa.select(key, is_total.label("is_total"), *columns)
        .group_by(sa.func.rollup(key))
        .order_by(is_total.desc(), order, key)
        .limit(limit + 2)
    )


def tool_stats(
    window: TimeWindow, filters: ToolFilters, by: ToolGroupBy | None, limit: int
) -> sa.Select[Any]:
    """Calls, outcomes, cache hits and latency percentiles: overall and per group."""
    inner = (
        sa.select(_tool_key(by).label("key"), T.c.status, T.c.cached, T.c.latency_ms)
        .where(*tool_where(window, filters))
        .subquery("calls")
    )
    c = inner.c
    columns: list[sa.ColumnElement[Any]] = [
        sa.func.count().label("calls"),
        sa.func.count().filter(c.status == ToolCallStatus.SUCCESS).label("success"),
        sa.func.count().filter(c.status == ToolCallStatus.FAILED).label("failed"),
        sa.func.count().filter(c.status == ToolCallStatus.BLOCKED).label("blocked"),
        sa.func.count().filter(c.cached).label("cached"),
        _percentiles(c.latency_ms).label("percentiles"),
        sa.func.max(c.latency_ms).label("max_ms"),
    ]
    if by is None:
        return _grouped(inner, columns, by_day=False, limit=None).select_from(inner)
    return _grouped(inner, columns, by_day=by is ToolGroupBy.DAY, limit=limit)


def top_errors(window: TimeWindow, filters: ToolFilters, limit: int) -> sa.Select[Any]:
    """The most frequent (tool, error message) pairs among failed calls."""
    count = sa.func.count()
    return (
        sa.select(
            T.c.tool_name,
            T.c.error_message,
            count.label("n"),
            sa.func.max(T.c.created_at).label("last_seen"),
        )
        .where(*tool_where(window, filters), _FAILED)
        .group_by(T.c.tool_name, T.c.error_message)
        .order_by(count.desc(), T.c.tool_name, T.c.error_message)
        .limit(limit)
    )


def slow_calls(
    window: TimeWindow, filters: ToolFilters, over_ms: int, limit: int
) -> sa.Select[Any]:
    """The slowest calls at or over ``over_ms``, slowest first, with the owner's email."""
    slow = (
        sa.select(T)
        .where(*tool_where(window, filters), T.c.latency_ms >= over_ms)
        .order_by(T.c.latency_ms.desc(), T.c.created_at.desc())
        .limit(limit)
        .subquery("slow")
    )
    return (
        sa.select(slow, U.c.email)
        .select_from(slow.outerjoin(U, U.c.id == slow.c.user_id))
        .order_by(slow.c.latency_ms.desc(), slow.c.created_at.desc())
    )


def emails(ids: list[uuid.UUID]) -> sa.Select[Any]:
    """Emails of a few users (labels of per-user groups)."""
    return sa.select(U.c.id, U.c.email).where(U.c.id.in_(ids))


def violation_where(window: TimeWindow, filters: ViolationFilters) -> list[sa.ColumnElement[bool]]:
    """The WHERE terms of a violation query."""
    where: list[sa.ColumnElement[bool]] = []
    if window.start is not None:
        where.append(V.c.created_at >= window.start)
    if window.end is not None:
        where.append(V.c.created_at < window.end)
    if filters.user_id is not None:
        where.append(V.c.user_id == filters.user_id)
    if filters.violation_type is not None:
        where.append(V.c.violation_type == filters.violation_type)
    if filters.severity is not None:
        where.append(V.c.severity == filters.severity.value)
    return where


def _violation_key(by: ViolationGroupBy | None) -> sa.ColumnElement[Any]:
    if by is ViolationGroupBy.TYPE:
        return V.c.violation_type
    if by is ViolationGroupBy.DAY:
        return day_of(V.c.created_at)
    if by is ViolationGroupBy.USER:
        return V.c.user_id
    return sa.null()


def violation_stats(
    window: TimeWindow, filters: ViolationFilters, by: ViolationGroupBy | None, limit: int
) -> sa.Select[Any]:
    """Counts per severity and distinct users: overall and per group."""
    inner = (
        sa.select(_violation_key(by).label("key"), V.c.severity, V.c.user_id)
        .where(*violation_where(window, filters))
        .subquery("violations")
    )
    c = inner.c
    columns: list[sa.ColumnElement[Any]] = [
        sa.func.count().label("n"),
        sa.func.count().filter(c.severity == Severity.WARNING.value).label("warning"),
        sa.func.count().filter(c.severity == Severity.CRITICAL.value).label("critical"),
        sa.func.count(sa.distinct(c.user_id)).label("users"),
    ]
    if by is None:
        return _grouped(inner, columns, by_day=False, limit=None).select_from(inner)
    return _grouped(inner, columns, by_day=by is ViolationGroupBy.DAY, limit=limit)


def violation_trend(window: TimeWindow, filters: ViolationFilters) -> sa.Select[Any]:
    """Violations per UTC day; with a start bound, days without any are listed with zeros."""
    day = day_of(V.c.created_at)
    daily = (
        sa.select(
            day.label("day"),
            sa.func.count().label("n"),
            sa.func.count().filter(V.c.severity == Severity.CRITICAL.value).label("critical"),
        )
        .where(*violation_where(window, filters))
        .group_by(day)
        .subquery("daily")
    )
    if window.start is None:
        return sa.select(daily).order_by(daily.c.day)
    # The end bound is exclusive: the last day listed is the one holding end - 1 µs.
    last: sa.ColumnElement[Any] = (
        sa.func.now()
        if window.end is None
        else sa.literal(window.end, sa.DateTime(timezone=True))
        - sa.text("interval '1 microsecond'")
    )
    series = (
        sa.func.generate_series(
            day_of(sa.literal(window.start, sa.DateTime(timezone=True))),
            day_of(last),
            sa.text("interval '1 day'"),
        )
        .table_valued(sa.column("day", sa.DateTime(timezone=True)))
        .render_derived(name="series")
    )
    return (
        sa.select(
            series.c.day,
            sa.func.coalesce(daily.c.n, 0).label("n"),
            sa.func.coalesce(daily.c.critical, 0).label("critical"),
        )
        .select_from(series.outerjoin(daily, daily.c.day == series.c.day))
        .order_by(series.c.day)
    )


def redacted(text: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    """A trigger folded for grouping: lowercase, e-mail addresses and long numbers masked."""
    # Policies store triggers already redacted; masking again is a second line of defence
    # and folds triggers that differ only by an address or a phone number together.
    lowered = sa.func.lower(sa.func.btrim(text))
    no_email = sa.func.regexp_replace(lowered, r"[[:alnum:]._%+-]+@[[:alnum:].-]+", "[email]", "g")
    return sa.func.regexp_replace(no_email, r"\+?[0-9][0-9 ().-]{5,}[0-9]", "[number]", "g")


def top_triggers(window: TimeWindow, filters: ViolationFilters, limit: int) -> sa.Select[Any]:
    """The most frequent redacted triggers and the violation types they fired."""
    # Count identical (trigger, type) pairs first so the regular expressions run once per
    # distinct trigger instead of once per row (the 90-day window has 100k rows).
    pairs = (
        sa.select(V.c.trigger_content, V.c.violation_type, sa.func.count().label("n"))
        .where(*violation_where(window, filters), V.c.trigger_content.is_not(None))
        .group_by(V.c.trigger_content, V.c.violation_type)
        .subquery("pairs")
    )
    inner = sa.select(
        redacted(pairs.c.trigger_content).label("trigger"), pairs.c.n, pairs.c.violation_type
    ).subquery("triggers")
    count = sa.func.sum(inner.c.n)
    types = sa.func.array_agg(sa.distinct(sa.cast(inner.c.violation_type, sa.Text)))
    return (
        sa.select(inner.c.trigger, count.label("n"), types.label("types"))
        .group_by(inner.c.trigger)
        .order_by(count.desc(), inner.c.trigger)
        .limit(limit)
    )


def user_session_counts(user_id: uuid.UUID) -> sa.Select[int, int]:
    """How many sessions the user has, and how many are active."""
    return sa.select(
        sa.func.count().label("total"),
        sa.func.count().filter(S.c.status == SessionStatus.ACTIVE).label("active"),
    ).where(S.c.user_id == user_id)


def user_sessions(user_id: uuid.UUID, window: TimeWindow, limit: int) -> sa.Select[Any]:
    """The user's most recent sessions (overlapping the window) with their log counts."""
    where = [S.c.user_id == user_id]
    if window.start is not None:
        where.append(S.c.last_message_at >= window.start)
    if window.end is not None:
        where.append(S.c.started_at < window.end)
    recent = (
        sa.select(S)
        .where(*where)
        .order_by(S.c.last_message_at.desc(), S.c.id)
        .limit(limit)
        .subquery("recent")
    )
    calls = sa.select(sa.func.count()).where(T.c.session_id == recent.c.id).scalar_subquery()
    violations = sa.select(sa.func.count()).where(V.c.session_id == recent.c.id).scalar_subquery()
    return sa.select(recent, calls.label("tool_calls"), violations.label("violations")).order_by(
        recent.c.last_message_at.desc(), recent.c.id
    )
