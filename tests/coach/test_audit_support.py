"""Seeding and independent reference aggregates shared by the audit tests (no tests here).

Rows are seeded in a window of days far in the future that is unique to each call, so the
audit queries of one test never see rows of another (API and CLI tests commit for real).
The expected values are computed here in plain Python from the seeded rows, never by
calling ``coach.audit``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from persistence.enums import PolicyViolationType, SessionStatus, ToolCallStatus
from persistence.models import AIPolicyViolationLog, AISession, User, table_of
from persistence.repositories import ai_logs

TOOLS = ("get_profile", "get_checkins", "estimate_tdee", "nutrition_summary")
ERRORS = ("database timeout", "no check-ins in range", "invalid date range")
TRIGGERS = (
    "I want to eat 600 calories a day",
    "i want to eat 600 calories a day",
    "mail me at {name}@example.com about fasting",
    "call me on +1 555 0100 {digits}",
    "how do I lose 3 kg a week",
)


def percentile_cont(values: Iterable[float], fraction: float) -> float:
    """Linear interpolation between closest ranks, as PostgreSQL's percentile_cont does."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def unique_base() -> dt.datetime:
    """Midnight UTC of a far-future day that no other test uses."""
    start = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    return start + dt.timedelta(days=secrets.randbelow(250_000) * 10)


@dataclass
class Seeded:
    """What was seeded: the window that holds it all, and every row as plain dicts."""

    start: dt.datetime
    end: dt.datetime
    users: list[User]
    sessions: list[uuid.UUID]
    calls: list[dict[str, Any]] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def emails(self) -> dict[uuid.UUID, str]:
        """Email of each seeded user."""
        return {u.id: u.email for u in self.users}


async def seed(
    db: AsyncSession,
    *,
    seed_value: int,
    users: int = 3,
    calls: int = 240,
    violations: int = 60,
    days: int = 3,
) -> Seeded:
    """Users, two sessions each, tool calls and violations spread over ``days`` UTC days."""
    rng = random.Random(seed_value)
    base = unique_base()
    made = []
    for _ in range(users):
        user = User(email=f"audit-{uuid.uuid4().hex[:12]}@example.com", hashed_password="x")
        db.add(user)
        made.append(user)
    await db.flush()
    owner: dict[uuid.UUID, uuid.UUID] = {}
    for user in made:
        for _ in range(2):
            session = AISession(
                user_id=user.id,
                status=SessionStatus.COMPLETED,
                started_at=base,
                last_message_at=base + dt.timedelta(days=days) - dt.timedelta(seconds=1),
            )
            db.add(session)
            await db.flush()
            owner[session.id] = user.id
    seeded = Seeded(
        start=base,
        end=base + dt.timedelta(days=days),
        users=made,
        sessions=list(owner),
    )
    span = days * 86400 - 1
    for _ in range(calls):
        session_id = rng.choice(seeded.sessions)
        status = rng.choices(list(ToolCallStatus), weights=[80, 14, 6])[0]
        cached = status is ToolCallStatus.SUCCESS and rng.random() < 0.3
        seeded.calls.append(
            {
                "id": uuid.uuid4(),
                "session_id": session_id,
                "user_id": owner[session_id],
                "tool_name": rng.choice(TOOLS),
                "tool_category": "internal",
                "input_hash": secrets.token_hex(32),
                "input_summary": f'{{"days":{rng.randint(1, 30)}}}',
                "output_summary": None,
                "status": status,
                "error_message": rng.choice(ERRORS) if status is ToolCallStatus.FAILED else None,
                "latency_ms": rng.randint(0, 5) if cached else rng.randint(10, 4000),
                "cached": cached,
                "created_at": base + dt.timedelta(seconds=rng.randint(0, span)),
            }
        )
    await ai_logs.add_tool_calls(db, rows=seeded.calls)
    for _ in range(violations):
        session_id = rng.choice(seeded.sessions)
        trigger = rng.choice(TRIGGERS).format(
            name=rng.choice(["ann", "bob", "cy"]), digits=rng.randint(1000, 9999)
        )
        seeded.violations.append(
            {
                "id": uuid.uuid4(),
                "session_id": session_id,
                "user_id": owner[session_id],
                "violation_type": rng.choice(list(PolicyViolationType)),
                "severity": rng.choice(["warning", "critical"]),
                "trigger_content": trigger,
                "action_taken": "blocked",
                "details": {"n": 1},
                # Day 1 is left empty so the trend shows a zero day.
                "created_at": base
                + dt.timedelta(days=rng.choice([0, 2]), seconds=rng.randint(0, 86399)),
            }
        )
    await db.execute(sa.insert(table_of(AIPolicyViolationLog)), seeded.violations)
    await db.flush()
    return seeded


def tool_stats(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The aggregates of ``ToolStats`` computed from raw rows."""
    n = len(rows)
    statuses = Counter(r["status"] for r in rows)
    cached = sum(r["cached"] for r in rows)
    latencies = [r["latency_ms"] for r in rows]
    return {
        "calls": n,
        "success": statuses[ToolCallStatus.SUCCESS],
        "failed": statuses[ToolCallStatus.FAILED],
        "blocked": statuses[ToolCallStatus.BLOCKED],
        "cached": cached,
        "error_rate": statuses[ToolCallStatus.FAILED] / n,
        "cache_hit_rate": cached / n,
        "p50_ms": percentile_cont(latencies, 0.5),
        "p95_ms": percentile_cont(latencies, 0.95),
        "p99_ms": percentile_cont(latencies, 0.99),
        "max_ms": max(latencies),
    }


def group_by(
    rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], str]
) -> dict[str, list[dict[str, Any]]]:
    """Rows per key."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return dict(groups)


def utc_day(row: dict[str, Any]) -> str:
    """The UTC calendar day of a row, as ISO text."""
    created: dt.datetime = row["created_at"]
    return created.astimezone(dt.UTC).date().isoformat()


def fold_trigger(text: str) -> str:
    """The trigger as the audit groups it, written independently of the SQL."""
    import re

    folded = text.strip().lower()
    folded = re.sub(r"[\w.%+-]+@[\w.-]+", "[email]", folded)
    return re.sub(r"\+?\d[\d ().-]{5,}\d", "[number]", folded)
