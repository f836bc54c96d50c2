"""The audit's SQL statements, built with SQLAlchemy Core (no string-built SQL).

Aggregates stay in PostgreSQL: filtered counts (``count(*) FILTER (WHERE ...)``), latency
percentiles (identical to ``percentile_cont(ARRAY[.5, .95, .99]) WITHIN GROUP (ORDER BY
latency_ms)``; without grouping, per tool and per status read off a latency histogram, see
``_histogram_stats``), UTC days (``date_bin(interval '1 day', created_at, <a UTC
midnight>)``, equal to ``date_trunc('day', created_at, 'UTC')``, see ``sql.day_of``) and
the overall row next to the groups (``GROUP BY ROLLUP (key)``: one scan, ``grouping(key) =
1`` marks it; the histogram groupings add it with ``UNION ALL`` and ``is_total = 1``).
Group statements return up to ``limit + 2`` rows (the overall row, ``limit`` groups and one
more that tells the caller the list was truncated).
"""

from __future__ import annotations

import uuid
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, DOUBLE_PRECISION, array

from coach.audit.models import ToolFilters, ToolGroupBy, ViolationFilters, ViolationGroupBy
from coach.audit.sql import S, T, U, V, day_of
from coach.audit.window import TimeWindow
from persistence.enums import SessionStatus, Severity, ToolCallStatus

#: Percentiles reported for latency, in this order.
PERCENTILES: Final = (0.5, 0.95, 0.99)
#: Failed calls, written as a literal (not a bind parameter) so that the planner can match
#: the partial index ``ix_ai_tool_call_log_failed_errors`` in generic plans too.
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
    # Byte order: ties between groups of equal size list in the same order everywhere,
    # whatever the database's linguistic collation.
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


def _lerp(
    p: float, cum: sa.ColumnElement[Any], n: sa.ColumnElement[Any], latency: sa.ColumnElement[Any]
) -> sa.ColumnElement[Any]:
    """``percentile_cont(p)`` of a group of histogram rows, with PostgreSQL's own arithmetic.

    ``orderedsetaggs.c``: position = p * (n - 1) in float8; the values at rows floor(position)
    and ceil(position) (0-based) interpolate as lo + (position - floor) * (hi - lo). The
    value at row i is the smallest latency whose cumulative count exceeds i. ``n`` is the
    same on every row of a group (a window total), so the row's copy serves inside FILTER
    and any aggregate of it outside.
    """

    def position(count: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        fraction = sa.cast(sa.literal(p), DOUBLE_PRECISION)
        return fraction * sa.cast(count - 1, DOUBLE_PRECISION)

    def value_at(row: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        # bigint against bigint: no numeric or float8 conversion of every row's count.
        first_past = sa.func.min(latency).filter(cum > sa.cast(row, sa.BigInteger))
        return sa.cast(first_past, DOUBLE_PRECISION)

    lo = value_at(sa.func.floor(position(n)))
    hi = value_at(sa.func.ceil(position(n)))
    at = position(sa.func.max(n))
    return lo + (at - sa.func.floor(at)) * (hi - lo)


def _sorted_percentiles(latency: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    fractions = sa.literal(list(PERCENTILES), ARRAY(sa.Float))
    return sa.type_coerce(sa.func.percentile_cont(fractions).within_group(latency), ARRAY(sa.Float))


def _percentiles(
    cum: sa.ColumnElement[Any], n: sa.ColumnElement[Any], latency: sa.ColumnElement[Any]
) -> sa.ColumnElement[Any]:
    return sa.type_coerce(array([_lerp(p, cum, n, latency) for p in PERCENTILES]), ARRAY(sa.Float))


def _grouped(
    inner: sa.Subquery,
    columns: list[sa.ColumnElement[Any]],
    *,
    by_day: bool,
    limit: int | None,
) -> sa.Select[Any]:
    """Overall row first, then the groups (days in order, others by row count)."""
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


def _int(count: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    # A histogram bucket holds far fewer than 2**31 calls; sum() of integers adds in bigint,
    # sum() of bigints in numeric, several times slower in the windows and the aggregates.
    return sa.cast(count, sa.Integer)


#: Groupings with few groups (a histogram of a few thousand latencies each). Per user or per
#: day a histogram has nearly as many rows as the calls it counts, and ``percentile_cont``'s
#: one sort is cheaper than hashing them and sorting the histogram again for the windows.
_HISTOGRAM_GROUPINGS: Final = frozenset({None, ToolGroupBy.TOOL, ToolGroupBy.STATUS})


def tool_stats(
    window: TimeWindow, filters: ToolFilters, by: ToolGroupBy | None, limit: int
) -> sa.Select[Any]:
    """Calls, outcomes, cache hits and latency percentiles: overall and per group."""
    if by in _HISTOGRAM_GROUPINGS:
        return _histogram_stats(window, filters, by, limit)
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
        _sorted_percentiles(c.latency_ms).label("percentiles"),
        sa.func.max(c.latency_ms).label("max_ms"),
    ]
    return _grouped(inner, columns, by_day=by is ToolGroupBy.DAY, limit=limit)


#: The counts of a histogram row, in the order the reports list them.
_COUNTS: Final = ("calls", "success", "failed", "blocked", "cached")


def _histogram_stats(
    window: TimeWindow, filters: ToolFilters, by: ToolGroupBy | None, limit: int
) -> sa.Select[Any]:
    """``tool_stats`` read off a latency histogram.

    Exact ``percentile_cont`` sorts every latency of the window on one core. Latencies are
    whole milliseconds, so a histogram (calls per group and latency: a hash aggregate that
    may run in parallel, a few thousand rows per group) holds the same information; the
    percentiles are then read off its cumulative counts with the same interpolation and
    float8 arithmetic as ``percentile_cont``, so the results are identical.

    With groups, the overall row is read off the histogram summed per latency (a CTE, built
    once) rather than from a ``ROLLUP`` over the groups' rows: a rollup evaluates every
    aggregate, and its filters, for both grouping sets on every row and needs the rows
    sorted by latency over all groups once more (30 days per tool, 12k histogram rows: 13 ms
    of 130 ms saved).
    """
    latency = T.c.latency_ms
    counts = [
        _int(sa.func.count()).label("calls"),
        _int(sa.func.count().filter(T.c.status == ToolCallStatus.SUCCESS)).label("success"),
        _int(sa.func.count().filter(T.c.status == ToolCallStatus.FAILED)).label("failed"),
        _int(sa.func.count().filter(T.c.status == ToolCallStatus.BLOCKED)).label("blocked"),
        _int(sa.func.count().filter(T.c.cached)).label("cached"),
    ]
    where = tool_where(window, filters)
    if by is None:
        histogram = (
            sa.select(latency.label("latency"), *counts)
            .where(*where)
            .group_by(latency)
            .subquery("histogram")
        )
        return _latency_summary(histogram, grouped=False)
    key = _tool_key(by)
    per_group = (
        sa.select(key.label("key"), latency.label("latency"), *counts)
        .where(*where)
        .group_by(key, latency)
        .cte("histogram")
    )
    h = per_group.c
    overall = (
        sa.select(h.latency, *(_int(sa.func.sum(h[name])).label(name) for name in _COUNTS))
        .group_by(h.latency)
        .subquery("overall")
    )
    stats = sa.union_all(
        _latency_summary(overall, grouped=False), _latency_summary(per_group, grouped=True)
    ).subquery("stats")
    # Groups by size; ties in key order (tool names bytewise: the key carries COLLATE "C").
    return (
        sa.select(stats)
        .order_by(stats.c.is_total.desc(), stats.c.calls.desc(), stats.c.key)
        .limit(limit + 2)
    )


def _latency_summary(histogram: sa.Subquery | sa.CTE, *, grouped: bool) -> sa.Select[Any]:
    """Counts, percentiles and maximum latency of histogram rows: per ``key`` or overall."""
    h = histogram.c
    partition = h.key if grouped else None
    rows = sa.select(
        *([h.key] if grouped else []),
        h.latency,
        *(h[name] for name in _COUNTS),
        # Cumulative counts in latency order (one row per latency within a partition).
        sa.func.sum(h.calls).over(partition_by=partition, order_by=h.latency).label("cum"),
        sa.func.sum(h.calls).over(partition_by=partition).label("n"),
    ).subquery("cumulative")
    c = rows.c
    percentiles: sa.ColumnElement[Any] = _percentiles(c.cum, c.n, c.latency)
    if not grouped:
        # No rows at all: no percentiles (the aggregate still returns its one row).
        percentiles = sa.case((sa.func.max(c.n).is_(None), sa.null()), else_=percentiles)
    columns: list[sa.ColumnElement[Any]] = [
        (c.key if grouped else sa.null()).label("key"),
        sa.literal(0 if grouped else 1).label("is_total"),
        # sum() over no rows is NULL where count(*) was 0.
        *(sa.func.coalesce(sa.func.sum(c[name]), 0).label(name) for name in _COUNTS),
        sa.type_coerce(percentiles, ARRAY(sa.Float)).label("percentiles"),
        sa.func.max(c.latency).label("max_ms"),
    ]
    summary = sa.select(*columns)
    return summary.group_by(c.key) if grouped else summary


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
