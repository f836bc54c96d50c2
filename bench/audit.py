"""Benchmark of the audit queries on 1,000,000 tool calls and 100,000 violations.

Creates the database ``coach_bench_audit`` on the configured server (``BENCH_DATABASE_URL``,
else ``TEST_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/postgres``: a URL
with the right to create databases), migrates it to head, loads 10,000 users, their
sessions, 1,000,000 ``ai_tool_call_log`` rows and 100,000 ``ai_policy_violation_log`` rows
spread over the last 90 days with COPY (asyncpg ``copy_records_to_table``), then runs
every audit query several times through :mod:`coach.audit` exactly as the CLI does and
prints p50/p95 per query and the ``EXPLAIN (ANALYZE, BUFFERS)`` plan of each statement.
The database is dropped at the end unless ``--keep``; ``--reuse`` skips the load when a
kept database is there (it is migrated to head first, so new indexes get built).

    uv run python bench/audit.py [--runs 15] [--keep] [--reuse] [--no-plans]

Target: p95 <= 200 ms per query on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

# Run as a file, this folder would come first on sys.path and bench/tools.py would hide
# the ``tools`` package that ``coach`` imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from coach.audit import (  # noqa: E402
    TimeWindow,
    ToolFilters,
    ToolGroupBy,
    ViolationFilters,
    ViolationGroupBy,
    read_only_session,
    session_timeline,
    slow_calls,
    tool_report,
    user_report,
    violation_report,
)
from persistence import migrations  # noqa: E402
from persistence.enums import PolicyViolationType, Severity  # noqa: E402

DB_NAME = "coach_bench_audit"
USERS, SESSIONS, CALLS, VIOLATIONS, DAYS = 10_000, 200_000, 1_000_000, 100_000, 90
TARGET_MS = 200.0
#: (name, category, median latency in ms): external tools are slower.
TOOLS = [
    ("get_profile", "internal", 25),
    ("get_goal", "internal", 20),
    ("get_checkins", "internal", 60),
    ("get_nutrition_days", "internal", 70),
    ("weight_trend", "internal", 90),
    ("estimate_tdee", "internal", 120),
    ("adherence_summary", "internal", 110),
    ("macro_targets", "internal", 40),
    ("plan_week", "internal", 300),
    ("food_lookup", "external", 450),
    ("recipe_search", "external", 700),
    ("exercise_library", "external", 380),
]
TOOL_WEIGHTS = [14, 6, 16, 12, 10, 9, 8, 7, 5, 6, 4, 3]
ERRORS = [
    "timeout after 5000 ms",
    "upstream returned 503",
    "no check-ins in the requested range",
    "invalid date range",
    "nutrition data incomplete",
    "rate limited by provider",
]
TRIGGERS = [
    "wants to eat [n] kcal a day",
    "asks how to lose [n] kg in a week",
    "mentions skipping meals",
    "asks for a diagnosis of [condition]",
    "asks to stop medication",
    "purging mentioned",
    "plan below calorie floor",
    "protein below minimum",
    "asks about laxatives for weight loss",
]
ACTIONS = ["blocked", "adjusted", "referred", "warned"]


def admin_url() -> str:
    """The server connection with the right to create databases."""
    url = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def bench_url(admin: str, driver: str = "postgresql") -> str:
    """The benchmark database on the same server."""
    url = make_url(admin).set(database=DB_NAME, drivername=driver)
    return url.render_as_string(hide_password=False)


async def create_database(admin: str, *, reuse: bool) -> bool:
    """Create the benchmark database; True when a kept one is reused as it is."""
    conn = await asyncpg.connect(admin)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DB_NAME)
        if exists and reuse:
            return True
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        return False
    finally:
        await conn.close()


async def drop_database(admin: str) -> None:
    """Drop the benchmark database."""
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    finally:
        await conn.close()


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


async def load(url: str, *, seed: int = 7) -> dict[str, Any]:
    """COPY users, sessions, tool calls and violations; returns ids worth querying."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=DAYS)
    conn = await asyncpg.connect(url)
    try:
        users = [_uuid(rng) for _ in range(USERS)]
        # Activity is skewed (Zipf, exponent 0.5): the busiest user makes ~0.5% of the calls
        # (~5,000 in 90 days), the median one ~70.
        weights = [1 / (rank + 1) ** 0.5 for rank in range(USERS)]
        await conn.copy_records_to_table(
            "user",
            records=[
                (u, f"bench-{i}@example.com", "x", True, True, start - dt.timedelta(days=30))
                for i, u in enumerate(users)
            ],
            columns=["id", "email", "hashed_password", "is_active", "is_verified", "created_at"],
        )
        owners = rng.choices(range(USERS), weights=weights, k=SESSIONS)
        starts = sorted(start + dt.timedelta(seconds=rng.uniform(0, DAYS * 86400)) for _ in owners)
        sessions = [(_uuid(rng), users[o], s) for o, s in zip(owners, starts, strict=True)]
        per_session = Counter(rng.choices(range(SESSIONS), k=CALLS))
        await conn.copy_records_to_table(
            "ai_session",
            records=[
                (
                    sid,
                    uid,
                    "completed",
                    s,
                    s + dt.timedelta(minutes=20),
                    2 * per_session[i] + 2,
                    400 * (per_session[i] + 1),
                    "standard",
                    s,
                )
                for i, (sid, uid, s) in enumerate(sessions)
            ],
            columns=[
                "id",
                "user_id",
                "status",
                "started_at",
                "last_message_at",
                "message_count",
                "tokens_used",
                "model_tier",
                "created_at",
            ],
        )
        columns = [
            "id",
            "session_id",
            "user_id",
            "tool_name",
            "tool_category",
            "input_hash",
            "input_summary",
            "output_summary",
            "status",
            "error_message",
            "latency_ms",
            "cached",
            "created_at",
        ]
        batch: list[tuple[Any, ...]] = []
        for i, (sid, uid, s) in enumerate(sessions):
            for k in range(per_session[i]):
                name, category, median = rng.choices(TOOLS, weights=TOOL_WEIGHTS)[0]
                roll = rng.random()
                status = "success" if roll < 0.93 else "failed" if roll < 0.975 else "blocked"
                cached = status == "success" and rng.random() < 0.35
                latency = (
                    rng.randint(1, 8)
                    if cached
                    else min(30_000, int(rng.lognormvariate(math.log(median), 0.8)))
                )
                batch.append(
                    (
                        _uuid(rng),
                        sid,
                        uid,
                        name,
                        category,
                        f"{rng.getrandbits(256):064x}",
                        f'{{"days":{rng.randint(1, 28)}}}',
                        "ok" if status == "success" else None,
                        status,
                        rng.choice(ERRORS) if status == "failed" else None,
                        latency,
                        cached,
                        s + dt.timedelta(seconds=20 * k + rng.uniform(0, 15)),
                    )
                )
            if len(batch) >= 100_000:
                await conn.copy_records_to_table("ai_tool_call_log", records=batch, columns=columns)
                batch.clear()
        await conn.copy_records_to_table("ai_tool_call_log", records=batch, columns=columns)
        types = list(PolicyViolationType)
        rows = []
        for _ in range(VIOLATIONS):
            sid, uid, s = rng.choice(sessions)
            keep_session = rng.random() < 0.9  # some sessions were deleted: SET NULL
            rows.append(
                (
                    _uuid(rng),
                    sid if keep_session else None,
                    uid,
                    rng.choices(types, weights=[20, 4, 10, 8, 5, 12, 6])[0].value,
                    "critical" if rng.random() < 0.2 else "warning",
                    rng.choice(TRIGGERS),
                    rng.choice(ACTIONS),
                    json.dumps({"stage": rng.choice(["input", "plan"])}),
                    s + dt.timedelta(seconds=rng.uniform(0, 1200)),
                )
            )
        rows.sort(key=lambda r: r[-1])
        await conn.copy_records_to_table(
            "ai_policy_violation_log",
            records=rows,
            columns=[
                "id",
                "session_id",
                "user_id",
                "violation_type",
                "severity",
                "trigger_content",
                "action_taken",
                "details",
                "created_at",
            ],
        )
        busiest = max(range(SESSIONS), key=lambda i: per_session[i])
        history = _history(sessions[busiest][2], per_session[busiest])
        await conn.execute(
            "UPDATE ai_session SET conversation_history = $1::jsonb WHERE id = $2",
            json.dumps(history),
            sessions[busiest][0],
        )
        top_user = users[0]
        median_user = users[USERS // 2]
        return {"session": sessions[busiest][0], "top_user": top_user, "user": median_user}
    finally:
        await conn.close()


def _history(at: dt.datetime, calls: int) -> list[dict[str, Any]]:
    """A pydantic-ai-shaped history of one turn per tool call."""
    out: list[dict[str, Any]] = []
    for k in range(calls):
        t = (at + dt.timedelta(seconds=20 * k)).isoformat()
        out.append(
            {
                "kind": "request",
                "parts": [{"part_kind": "user-prompt", "content": f"question {k}", "timestamp": t}],
            }
        )
        out.append(
            {
                "kind": "response",
                "timestamp": t,
                "parts": [{"part_kind": "text", "content": f"answer {k}"}],
                "usage": {"input_tokens": 300, "output_tokens": 60},
            }
        )
    return out


async def meta(url: str) -> dict[str, Any]:
    """Ids the queries use, read back from a kept database."""
    conn = await asyncpg.connect(url)
    try:
        session = await conn.fetchval(
            "SELECT id FROM ai_session WHERE conversation_history IS NOT NULL LIMIT 1"
        )
        top = await conn.fetchval("SELECT id FROM \"user\" WHERE email = 'bench-0@example.com'")
        median = await conn.fetchval(
            'SELECT id FROM "user" WHERE email = $1', f"bench-{USERS // 2}@example.com"
        )
        return {"session": session, "top_user": top, "user": median}
    finally:
        await conn.close()


Query = Callable[[AsyncSession], Awaitable[Any]]


def queries(ids: dict[str, Any]) -> list[tuple[str, Query]]:
    """Every audit query, with the CLI's defaults (a 7-day window) and some wider ones."""
    now = dt.datetime.now(dt.UTC)

    def last(days: int) -> TimeWindow:
        return TimeWindow(start=now - dt.timedelta(days=days), end=None)

    def tools(days: int, by: ToolGroupBy | None = None, **filters: Any) -> Query:
        return lambda db: tool_report(db, window=last(days), by=by, filters=ToolFilters(**filters))

    def violations(days: int, by: ViolationGroupBy | None = None, **filters: Any) -> Query:
        return lambda db: violation_report(
            db, window=last(days), by=by, filters=ViolationFilters(**filters)
        )

    top, median = str(ids["top_user"]), f"bench-{USERS // 2}@example.com"
    ed, critical = PolicyViolationType.EATING_DISORDER_SIGNAL, Severity.CRITICAL
    return [
        ("tools --since 7d", tools(7)),
        ("tools --by tool", tools(7, ToolGroupBy.TOOL)),
        ("tools --by day", tools(7, ToolGroupBy.DAY)),
        ("tools --by user", tools(7, ToolGroupBy.USER)),
        ("tools --by status", tools(7, ToolGroupBy.STATUS)),
        ("tools --tool plan_week", tools(7, tool="plan_week")),
        ("tools --user <top user>", tools(7, user_id=ids["top_user"])),
        ("tools --session <busiest>", tools(90, session_id=ids["session"])),
        ("violations --since 7d", violations(7)),
        ("violations --by type", violations(7, ViolationGroupBy.TYPE)),
        ("violations --by day", violations(7, ViolationGroupBy.DAY)),
        ("violations --by user", violations(7, ViolationGroupBy.USER)),
        ("violations --type --severity", violations(7, violation_type=ed, severity=critical)),
        ("session <busiest>", lambda db: session_timeline(db, session_id=ids["session"])),
        ("user <top user> (all time)", lambda db: user_report(db, key=top)),
        ("user <median user> by email", lambda db: user_report(db, key=median)),
        ("slow --over 1000", lambda db: slow_calls(db, window=last(7), over_ms=1000)),
        # Wider windows than the default, for scale (up to every row of the tables).
        ("tools --since 30d --by tool", tools(30, ToolGroupBy.TOOL)),
        ("tools --since 90d", tools(90)),
        ("violations --since 90d --by day", violations(90, ViolationGroupBy.DAY)),
        ("slow --since 90d --over 5000", lambda db: slow_calls(db, window=last(90), over_ms=5000)),
    ]


@dataclass
class Timing:
    """One query's timings in ms."""

    name: str
    runs: list[float]

    def quantile(self, q: float) -> float:
        """Linear interpolation between closest ranks."""
        xs = sorted(self.runs)
        pos = (len(xs) - 1) * q
        lo, hi = math.floor(pos), math.ceil(pos)
        return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


async def time_queries(
    engine: AsyncEngine, named: list[tuple[str, Query]], runs: int
) -> list[Timing]:
    """Each query ``runs`` times after one warm-up, each run in its own read-only session."""
    from persistence.db import create_session_factory

    factory = create_session_factory(engine)
    timings = []
    for name, query in named:
        samples = []
        for attempt in range(runs + 1):
            began = time.perf_counter()
            async with read_only_session(factory) as db:
                await query(db)
            if attempt:
                samples.append((time.perf_counter() - began) * 1000)
        timings.append(Timing(name, samples))
        print(f"  {name:<34} p50 {timings[-1].quantile(0.5):7.1f} ms", file=sys.stderr)
    return timings


async def explain(engine: AsyncEngine, named: list[tuple[str, Query]]) -> None:
    """Print EXPLAIN (ANALYZE, BUFFERS) of every statement each query runs."""
    from persistence.db import create_session_factory

    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        query = statement.lstrip().upper().startswith(("SELECT", "WITH"))
        if query and "set_config" not in statement:
            captured.append((statement, parameters))

    factory = create_session_factory(engine)
    for name, query in named:
        captured.clear()
        event.listen(engine.sync_engine, "before_cursor_execute", capture)
        try:
            async with read_only_session(factory) as db:
                await query(db)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", capture)
        statements = list(captured)
        print(f"\n=== {name} ({len(statements)} statement(s)) ===")
        async with read_only_session(factory) as db:
            conn = await db.connection()
            for statement, parameters in statements:
                result = await conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
                )
                print("--- " + " ".join(statement.split())[:160])
                for (line,) in result:
                    print("    " + line)


async def wait_for_quiet(limit: float) -> None:
    """Wait (at most ``limit`` seconds) until the machine is not oversubscribed."""
    cpus = os.cpu_count() or 1
    deadline = time.monotonic() + limit
    for _ in range(int(limit // 5)):
        if os.getloadavg()[0] < cpus or time.monotonic() >= deadline:
            return
        await asyncio.sleep(5)


def report(timings: list[Timing]) -> None:
    """The figures table."""
    print(f"\n{'query':<36} {'runs':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target")
    for t in timings:
        p95 = t.quantile(0.95)
        verdict = "ok" if p95 <= TARGET_MS else "OVER"
        print(
            f"{t.name:<36} {len(t.runs):>4} {t.quantile(0.5):8.1f} {p95:8.1f} "
            f"{max(t.runs):8.1f}  {verdict}"
        )


async def main() -> int:
    """Create, load, time, explain, drop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per query")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database")
    parser.add_argument("--no-plans", action="store_true", help="skip EXPLAIN output")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before timing, wait up to SECONDS for the 1-minute load average to fall below "
        "the CPU count (the machine is shared; the load is printed either way)",
    )
    args = parser.parse_args()
    admin = admin_url()
    url = bench_url(admin)
    print(f"server {make_url(admin).render_as_string(hide_password=True)}, database {DB_NAME}")
    reused = await create_database(admin, reuse=args.reuse)
    try:
        began = time.perf_counter()
        await asyncio.to_thread(migrations.upgrade, url)
        print(f"migrated to {migrations.head_revision()} in {time.perf_counter() - began:.1f} s")
        if reused:
            ids = await meta(url)
            print("reusing the loaded database")
        else:
            began = time.perf_counter()
            ids = await load(url)
            print(
                f"loaded {USERS:,} users, {SESSIONS:,} sessions, {CALLS:,} tool calls, "
                f"{VIOLATIONS:,} violations with COPY in {time.perf_counter() - began:.1f} s"
            )
        began = time.perf_counter()
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("VACUUM (ANALYZE)")
            # Flush the load's dirty pages now rather than in the middle of the timings.
            await conn.execute("CHECKPOINT")
            sizes = await conn.fetch(
                "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class "
                "WHERE relname IN ('ai_tool_call_log', 'ai_policy_violation_log', 'ai_session')"
            )
            # Heap and each index of the two logs: what an index-only scan saves reading.
            parts = await conn.fetch(
                "SELECT c.relname, pg_size_pretty(pg_relation_size(c.oid)) AS size "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "LEFT JOIN pg_index x ON x.indexrelid = c.oid "
                "WHERE n.nspname = 'public' AND (c.relname IN ('ai_tool_call_log', "
                "'ai_policy_violation_log') OR x.indrelid IN "
                "('ai_tool_call_log'::regclass, 'ai_policy_violation_log'::regclass)) "
                "ORDER BY c.relkind DESC, c.relname"
            )
        finally:
            await conn.close()
        print(
            f"vacuum analyze in {time.perf_counter() - began:.1f} s; "
            + ", ".join(f"{r['relname']} {r['size']}" for r in sizes)
        )
        print("  heaps and indexes: " + ", ".join(f"{r['relname']} {r['size']}" for r in parts))
        engine = create_async_engine(bench_url(admin, "postgresql+asyncpg"), pool_size=1)
        try:
            named = queries(ids)
            print(f"timing {len(named)} queries, {args.runs} runs each (+1 warm-up)")
            await wait_for_quiet(args.quiet_wait)
            load_before = os.getloadavg()[0]
            timings = await time_queries(engine, named, args.runs)
            print(
                f"load average (1 min) {load_before:.1f} before the timings, "
                f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} CPUs"
            )
            report(timings)
            if not args.no_plans:
                await explain(engine, named)
        finally:
            await engine.dispose()
        over = [t.name for t in timings if t.quantile(0.95) > TARGET_MS]
        print(
            f"\n{len(timings) - len(over)}/{len(timings)} queries at p95 <= {TARGET_MS:.0f} ms"
            + (f"; over: {', '.join(over)}" if over else "")
        )
        return 0
    finally:
        if args.keep:
            print(f"kept database {DB_NAME}")
        else:
            await drop_database(admin)
            print(f"dropped database {DB_NAME}")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
