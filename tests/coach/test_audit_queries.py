"""Audit aggregates on seeded rows against aggregates computed independently in Python."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic_ai.messages import (
    ModelMessage,
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from pydantic_ai.usage import RequestUsage
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from coach.audit import (
    TimeWindow,
    ToolFilters,
    ToolGroupBy,
    ViolationFilters,
    ViolationGroupBy,
    session_timeline,
    slow_calls,
    tool_report,
    user_report,
    violation_report,
)
from coach.audit.models import ToolStats
from persistence.enums import PolicyViolationType, Severity, ToolCallStatus
from persistence.errors import NotFound
from persistence.models import AISession, User
from tests.coach.test_audit_support import (
    Seeded,
    fold_trigger,
    group_by,
    seed,
    tool_stats,
    utc_day,
)


def window(seeded: Seeded) -> TimeWindow:
    return TimeWindow(start=seeded.start, end=seeded.end)


def assert_stats(actual: ToolStats, rows: list[dict[str, Any]]) -> None:
    expected = tool_stats(rows)
    got = actual.model_dump(include=set(expected))
    for name, value in expected.items():
        assert got[name] == pytest.approx(value), name


async def test_tool_report_totals_match_python_aggregates(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=1)
    report = await tool_report(db, window=window(seeded))
    assert_stats(report.total, seeded.calls)
    assert report.groups == [] and report.by is None


@pytest.mark.parametrize(
    ("by", "key"),
    [
        (ToolGroupBy.TOOL, lambda r: r["tool_name"]),
        (ToolGroupBy.STATUS, lambda r: r["status"].value),
        (ToolGroupBy.USER, lambda r: str(r["user_id"])),
        (ToolGroupBy.DAY, utc_day),
    ],
)
async def test_tool_report_groups_match_python_groups(
    db: AsyncSession, by: ToolGroupBy, key: Any
) -> None:
    seeded = await seed(db, seed_value=2)
    report = await tool_report(db, window=window(seeded), by=by)
    expected = group_by(seeded.calls, key)
    assert {g.key for g in report.groups} == set(expected)
    for group in report.groups:
        assert group.key is not None
        assert_stats(group, expected[group.key])
    assert_stats(report.total, seeded.calls)
    if by is ToolGroupBy.DAY:
        assert [g.key for g in report.groups] == sorted(expected)
    else:
        counts = [g.calls for g in report.groups]
        assert counts == sorted(counts, reverse=True)
    if by is ToolGroupBy.USER:
        assert {g.key: g.label for g in report.groups} == {
            str(k): v for k, v in seeded.emails.items()
        }


async def test_tool_report_filters_restrict_rows(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=3)
    user = seeded.users[1]
    session = seeded.sessions[0]
    by_user = await tool_report(db, window=window(seeded), filters=ToolFilters(user_id=user.id))
    assert_stats(by_user.total, [r for r in seeded.calls if r["user_id"] == user.id])
    by_tool = await tool_report(
        db, window=window(seeded), filters=ToolFilters(tool="estimate_tdee")
    )
    assert_stats(by_tool.total, [r for r in seeded.calls if r["tool_name"] == "estimate_tdee"])
    by_session = await tool_report(
        db, window=window(seeded), filters=ToolFilters(session_id=session)
    )
    assert_stats(by_session.total, [r for r in seeded.calls if r["session_id"] == session])


async def test_tool_report_window_includes_start_and_excludes_end(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=4)
    cut = seeded.start + dt.timedelta(days=1)
    report = await tool_report(db, window=TimeWindow(start=seeded.start, end=cut))
    assert_stats(report.total, [r for r in seeded.calls if r["created_at"] < cut])
    later = await tool_report(db, window=TimeWindow(start=cut, end=seeded.end))
    assert report.total.calls + later.total.calls == len(seeded.calls)


async def test_tool_report_top_errors_count_failed_calls(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=5)
    report = await tool_report(db, window=window(seeded))
    failed = [r for r in seeded.calls if r["status"] is ToolCallStatus.FAILED]
    expected = Counter((r["tool_name"], r["error_message"]) for r in failed)
    got = {(e.tool_name, e.error_message): e.count for e in report.top_errors}
    assert got == dict(expected.most_common(10))
    assert [e.count for e in report.top_errors] == sorted(got.values(), reverse=True)


async def test_tool_report_limit_truncates_groups(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=6)
    report = await tool_report(db, window=window(seeded), by=ToolGroupBy.TOOL, limit=2)
    expected = group_by(seeded.calls, lambda r: r["tool_name"])
    assert len(report.groups) == 2 and report.groups_truncated
    top_two = sorted((len(v) for v in expected.values()), reverse=True)[:2]
    assert [g.calls for g in report.groups] == top_two
    assert report.total.calls == len(seeded.calls)


async def test_tool_report_empty_window_has_zero_calls(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=7, calls=5)
    empty = TimeWindow(start=seeded.end, end=seeded.end + dt.timedelta(days=1))
    report = await tool_report(db, window=empty, by=ToolGroupBy.TOOL)
    assert report.total.calls == 0 and report.total.p50_ms is None
    assert report.total.error_rate == 0.0 and report.groups == []


async def test_slow_calls_lists_calls_over_threshold_slowest_first(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=8)
    report = await slow_calls(db, window=window(seeded), over_ms=3000, limit=10)
    over = sorted(
        (r for r in seeded.calls if r["latency_ms"] >= 3000),
        key=lambda r: (-r["latency_ms"], -r["created_at"].timestamp()),
    )
    assert [c.id for c in report.calls] == [r["id"] for r in over[:10]]
    assert all(c.email == seeded.emails[c.user_id] for c in report.calls)


async def test_violation_report_counts_match_python(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=9)
    report = await violation_report(db, window=window(seeded), by=ViolationGroupBy.TYPE)
    rows = seeded.violations
    assert report.total.count == len(rows)
    assert report.total.critical == sum(r["severity"] == "critical" for r in rows)
    assert report.total.warning == sum(r["severity"] == "warning" for r in rows)
    assert report.total.users == len({r["user_id"] for r in rows})
    expected = group_by(rows, lambda r: r["violation_type"].value)
    assert {g.key: g.count for g in report.groups} == {k: len(v) for k, v in expected.items()}
    for group in report.groups:
        assert group.key is not None
        members = expected[group.key]
        assert group.users == len({r["user_id"] for r in members})
        assert group.critical == sum(r["severity"] == "critical" for r in members)


async def test_violation_trend_lists_every_day_with_zeros(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=10)
    report = await violation_report(db, window=window(seeded))
    per_day = Counter(utc_day(r) for r in seeded.violations)
    days = [(seeded.start + dt.timedelta(days=i)).date() for i in range(3)]
    assert [d.day for d in report.trend] == days
    assert [d.count for d in report.trend] == [per_day.get(d.isoformat(), 0) for d in days]
    assert report.trend[1].count == 0


async def test_violation_top_triggers_are_folded_and_redacted(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=11, violations=120)
    report = await violation_report(db, window=window(seeded))
    expected = Counter(fold_trigger(r["trigger_content"]) for r in seeded.violations)
    got = {t.trigger: t.count for t in report.top_triggers}
    assert got == dict(expected)
    assert not any("@" in t for t in got) and "[email]" in " ".join(got)
    assert all(not any(ch.isdigit() for ch in t) or "600" in t or "3 kg" in t for t in got)


async def test_violation_filters_by_type_severity_and_user(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=12)
    user = seeded.users[0]
    filters = ViolationFilters(
        user_id=user.id,
        violation_type=PolicyViolationType.MEDICAL_CLAIM,
        severity=Severity.CRITICAL,
    )
    report = await violation_report(
        db, window=window(seeded), filters=filters, by=ViolationGroupBy.USER
    )
    expected = [
        r
        for r in seeded.violations
        if r["user_id"] == user.id
        and r["violation_type"] is PolicyViolationType.MEDICAL_CLAIM
        and r["severity"] == "critical"
    ]
    assert report.total.count == len(expected)
    if expected:
        assert [(g.key, g.label) for g in report.groups] == [(str(user.id), user.email)]


async def test_user_report_by_email_and_id_agree(db: AsyncSession) -> None:
    seeded = await seed(db, seed_value=13)
    user = seeded.users[2]
    by_email = await user_report(db, key=user.email.upper())
    by_id = await user_report(db, key=str(user.id))
    assert by_email.model_dump() == by_id.model_dump()
    assert by_email.sessions_total == 2 and len(by_email.sessions) == 2
    mine = [r for r in seeded.calls if r["user_id"] == user.id]
    assert_stats(by_email.tools.total, mine)
    assert {g.key: g.calls for g in by_email.tools.groups} == {
        k: len(v) for k, v in group_by(mine, lambda r: r["tool_name"]).items()
    }
    per_session = Counter(r["session_id"] for r in mine)
    assert {s.id: s.tool_calls for s in by_email.sessions} == {
        s: per_session.get(s, 0) for s in seeded.sessions if s in {x.id for x in by_email.sessions}
    }
    assert by_email.violations.total.count == sum(
        r["user_id"] == user.id for r in seeded.violations
    )


async def test_user_report_unknown_user_raises_not_found(db: AsyncSession) -> None:
    with pytest.raises(NotFound):
        await user_report(db, key="nobody-" + uuid.uuid4().hex + "@example.com")
    with pytest.raises(NotFound):
        await user_report(db, key=str(uuid.uuid4()))


def _history(at: dt.datetime) -> list[Any]:
    messages: list[ModelMessage] = [
        ModelRequest(parts=[UserPromptPart("How much should I eat?", timestamp=at)]),
        ModelResponse(
            parts=[ToolCallPart("estimate_tdee", {"days": 14}, "c1")],
            usage=RequestUsage(input_tokens=120, output_tokens=15),
            timestamp=at + dt.timedelta(seconds=1),
        ),
        ModelResponse(
            parts=[TextPart("About 2,300 kcal a day.")],
            usage=RequestUsage(input_tokens=200, output_tokens=30),
            timestamp=at + dt.timedelta(seconds=5),
        ),
    ]
    return list(ModelMessagesTypeAdapter.dump_python(messages, mode="json"))


async def test_session_timeline_orders_messages_calls_and_policy(
    db: AsyncSession, make_user: Any
) -> None:
    user: User = await make_user()
    at = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.UTC)
    session = AISession(
        user_id=user.id, started_at=at, last_message_at=at, conversation_history=_history(at)
    )
    db.add(session)
    await db.flush()
    await db.execute(
        sa.insert(AISession.metadata.tables["ai_tool_call_log"]),
        [
            {
                "session_id": session.id,
                "user_id": user.id,
                "tool_name": "estimate_tdee",
                "tool_category": "internal",
                "input_hash": "h",
                "input_summary": '{"days":14}',
                "status": ToolCallStatus.SUCCESS,
                "latency_ms": 42,
                "cached": True,
                "created_at": at + dt.timedelta(seconds=2),
            }
        ],
    )
    await db.execute(
        sa.insert(AISession.metadata.tables["ai_policy_violation_log"]),
        [
            {
                "session_id": session.id,
                "user_id": user.id,
                "violation_type": PolicyViolationType.CALORIE_MINIMUM,
                "severity": "warning",
                "trigger_content": "plan under 1200 kcal",
                "action_taken": "adjusted",
                "created_at": at + dt.timedelta(seconds=4),
            }
        ],
    )
    timeline = await session_timeline(db, session_id=session.id)
    kinds = [e.kind for e in timeline.entries]
    assert kinds == [
        "user_message",
        "assistant_message",
        "tool_call",
        "policy",
        "assistant_message",
    ]
    call = timeline.entries[2]
    assert (call.tool_name, call.status, call.cached, call.latency_ms) == (
        "estimate_tdee",
        "success",
        True,
        42,
    )
    assert timeline.entries[3].violation_type == "calorie_minimum"
    assert timeline.entries[3].status == "adjusted"
    assert "estimate_tdee" in timeline.entries[1].summary
    assert (timeline.totals.input_tokens, timeline.totals.output_tokens) == (320, 45)
    assert (timeline.totals.tool_calls, timeline.totals.cached, timeline.totals.violations) == (
        1,
        1,
        1,
    )
    assert timeline.session.email == user.email


async def test_session_timeline_tolerates_odd_history_shapes(
    db: AsyncSession, make_user: Any
) -> None:
    user: User = await make_user()
    odd: list[Any] = [
        {"role": "user", "content": "hi"},
        "a bare string",
        {"kind": "response", "parts": "not a list", "usage": "nope"},
        {"kind": "request", "parts": [None, {"part_kind": "user-prompt", "content": ["a", {}]}]},
        {"something": "else"},
    ]
    session = AISession(user_id=user.id, conversation_history=odd)
    db.add(session)
    await db.flush()
    timeline = await session_timeline(db, session_id=session.id)
    assert [e.kind for e in timeline.entries] == [
        "user_message",
        "other",
        "assistant_message",
        "user_message",
        "other",
    ]
    assert timeline.totals.input_tokens == 0


async def test_session_timeline_unknown_session_raises_not_found(db: AsyncSession) -> None:
    with pytest.raises(NotFound):
        await session_timeline(db, session_id=uuid.uuid4())


async def test_audit_transaction_is_read_only(db: AsyncSession, make_user: Any) -> None:
    seeded = await seed(db, seed_value=14, calls=3, violations=1)
    await tool_report(db, window=window(seeded))
    with pytest.raises(DBAPIError, match="read-only transaction"):
        await db.execute(sa.delete(User).where(User.id == seeded.users[0].id))  # type: ignore[arg-type]
