"""Latency percentiles of ``tool_report`` equal PostgreSQL's own ``percentile_cont``.

The report reads percentiles off a latency histogram for some groupings; these rows have
heavy ties, one-call and two-call groups, and the expected values come from
``percentile_cont`` run by the test on the same rows (compared exactly, not approximately).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from coach.audit import TimeWindow, ToolGroupBy, tool_report
from coach.audit.models import ToolStats
from persistence.enums import ToolCallStatus
from persistence.repositories import ai_logs
from tests.coach.test_audit_support import Seeded, seed

#: Group key of each grouping as SQL over ai_tool_call_log, rendered as the report's key.
KEYS = {
    None: "NULL::text",
    ToolGroupBy.TOOL: "tool_name",
    ToolGroupBy.STATUS: "status::text",
    ToolGroupBy.DAY: "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
    ToolGroupBy.USER: "user_id::text",
}


def _call(seeded: Seeded, *, tool: str, latency: int, day: int, rng: random.Random) -> Any:
    session_id = rng.choice(seeded.sessions)
    status = rng.choice(list(ToolCallStatus))
    return {
        "id": uuid.uuid4(),
        "session_id": session_id,
        "user_id": _owner(seeded, session_id),
        "tool_name": tool,
        "tool_category": "internal",
        "input_hash": secrets.token_hex(32),
        "input_summary": None,
        "output_summary": None,
        "status": status,
        "error_message": "boom" if status is ToolCallStatus.FAILED else None,
        "latency_ms": latency,
        "cached": status is ToolCallStatus.SUCCESS and rng.random() < 0.5,
        "created_at": seeded.start + dt.timedelta(days=day, seconds=rng.randint(0, 86399)),
    }


def _owner(seeded: Seeded, session_id: uuid.UUID) -> uuid.UUID:
    # seed() makes two sessions per user, in user order.
    return seeded.users[seeded.sessions.index(session_id) // 2].id


async def _seed_latencies(db: AsyncSession) -> Seeded:
    seeded = await seed(db, seed_value=81, users=3, calls=0, violations=1, days=2)
    rng = random.Random(81)
    calls = [
        _call(seeded, tool="solo", latency=7, day=0, rng=rng),
        _call(seeded, tool="pair", latency=10, day=1, rng=rng),
        _call(seeded, tool="pair", latency=13, day=1, rng=rng),
    ]
    # Few distinct values, many duplicates: interpolation positions land inside runs of
    # equal latencies and on the edges between runs.
    calls += [
        _call(
            seeded, tool="ties", latency=rng.choice([0, 0, 0, 5, 5, 9, 250, 4000]), day=0, rng=rng
        )
        for _ in range(57)
    ]
    calls += [
        _call(seeded, tool="spread", latency=rng.randint(0, 3000), day=rng.randint(0, 1), rng=rng)
        for _ in range(123)
    ]
    await ai_logs.add_tool_calls(db, rows=calls)
    await db.flush()
    return seeded


async def _expected(
    db: AsyncSession, seeded: Seeded, by: ToolGroupBy | None
) -> dict[str | None, tuple[int, list[float]]]:
    key = KEYS[by]
    rows = await db.execute(
        sa.text(
            f"SELECT {key} AS key, count(*) AS n, percentile_cont(ARRAY[0.5, 0.95, 0.99]::float8[])"
            " WITHIN GROUP (ORDER BY latency_ms) AS p FROM ai_tool_call_log"
            f" WHERE created_at >= :start AND created_at < :end GROUP BY ROLLUP (({key}))"
        ),
        {"start": seeded.start, "end": seeded.end},
    )
    expected: dict[str | None, tuple[int, list[float]]] = {}
    for row in rows:
        expected.setdefault(row.key, (row.n, list(row.p)))
    return expected


def _got(stats: ToolStats) -> tuple[int, list[float]]:
    return stats.calls, [stats.p50_ms, stats.p95_ms, stats.p99_ms]  # type: ignore[list-item]


@pytest.mark.parametrize("by", list(KEYS), ids=lambda by: str(by))
async def test_tool_report_percentiles_equal_postgres_percentile_cont_with_ties(
    db: AsyncSession, by: ToolGroupBy | None
) -> None:
    seeded = await _seed_latencies(db)
    expected = await _expected(db, seeded, by)
    report = await tool_report(db, window=TimeWindow(start=seeded.start, end=seeded.end), by=by)
    # The ROLLUP's overall row has a NULL key, as has the single group of no grouping.
    assert _got(report.total) == expected[None]
    assert {g.key: _got(g) for g in report.groups} == {
        k: v for k, v in expected.items() if k is not None
    }
    if by is ToolGroupBy.TOOL:
        assert {g.key: g.calls for g in report.groups} == {
            "solo": 1,
            "pair": 2,
            "ties": 57,
            "spread": 123,
        }
