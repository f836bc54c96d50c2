"""One session's timeline: its messages, tool calls and policy decisions in time order.

Messages come from ``ai_session.conversation_history``, stored as pydantic-ai's
``ModelMessage`` JSON (``[{"kind": "request" | "response", "parts": [...]}]``). The parser
is lenient: it also reads ``{"role", "content"}`` chat messages and shows anything else
as ``other``, because histories written by older versions must still be auditable. Tool
calls come from ``ai_tool_call_log`` (which has status, cache and latency; the history's
tool-call parts would only repeat them) and policy decisions from
``ai_policy_violation_log``.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from coach.audit.models import SessionInfo, SessionTimeline, SessionTotals, TimelineEntry
from coach.audit.sql import S, T, U, V, begin_read_only
from persistence.enums import ToolCallStatus
from persistence.errors import NotFound

SUMMARY_CHARS: Final = 300
#: Log rows read per session; a session has far fewer in practice.
MAX_LOG_ROWS: Final = 5000
_EARLIEST: Final = dt.datetime.min.replace(tzinfo=dt.UTC)


def _clip(text: str, limit: int = SUMMARY_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any) -> str:
    """Readable text of a content value (strings, lists of strings or parts, JSON)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        pieces = []
        for item in value:
            if isinstance(item, str):
                pieces.append(item)
            elif isinstance(item, dict) and isinstance(item.get("content"), str):
                pieces.append(item["content"])
            elif isinstance(item, dict) and isinstance(item.get("msg"), str):
                pieces.append(item["msg"])  # a validation error of a retry prompt
            else:
                pieces.append("[attachment]" if isinstance(item, dict) else str(item))
        return " ".join(pieces)
    if value is None:
        return ""
    return json.dumps(value, default=str, sort_keys=True)


def _timestamp(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _request_entries(message: dict[str, Any], at: dt.datetime | None) -> list[TimelineEntry]:
    entries = []
    for part in message.get("parts") or []:
        if not isinstance(part, dict):
            continue
        kind = part.get("part_kind")
        when = _timestamp(part.get("timestamp")) or at
        content = _clip(_text(part.get("content")))
        if kind == "user-prompt":
            entries.append(TimelineEntry(at=when, kind="user_message", summary=content))
        elif kind == "system-prompt":
            entries.append(TimelineEntry(at=when, kind="system_prompt", summary=content))
        elif kind in ("retry-prompt", "retry-feedback"):
            entries.append(
                TimelineEntry(
                    at=when, kind="retry", summary=content, tool_name=part.get("tool_name")
                )
            )
        # tool-return parts repeat the tool-call log rows, which carry status and latency.
    return entries


def _response_entry(message: dict[str, Any], at: dt.datetime | None) -> TimelineEntry:
    texts, calls = [], []
    for part in message.get("parts") or []:
        if not isinstance(part, dict):
            continue
        if part.get("part_kind") == "text":
            texts.append(_text(part.get("content")))
        elif part.get("part_kind") == "tool-call" and isinstance(part.get("tool_name"), str):
            calls.append(part["tool_name"])
    summary = " ".join(texts)
    if calls:
        summary = f"{summary} [calls {', '.join(calls)}]".strip()
    usage = message.get("usage")
    if not isinstance(usage, dict):
        usage = {}
    return TimelineEntry(
        at=at,
        kind="assistant_message",
        summary=_clip(summary),
        input_tokens=_int(usage.get("input_tokens")),
        output_tokens=_int(usage.get("output_tokens")),
    )


def history_entries(history: Any) -> list[TimelineEntry]:
    """Timeline entries of a stored conversation history (any shape, never raises)."""
    if isinstance(history, dict) and isinstance(history.get("messages"), list):
        history = history["messages"]
    if not isinstance(history, list):
        return []
    entries: list[TimelineEntry] = []
    for message in history:
        if not isinstance(message, dict):
            entries.append(TimelineEntry(at=None, kind="other", summary=_clip(_text(message))))
            continue
        at = _timestamp(message.get("timestamp"))
        kind = message.get("kind")
        role = message.get("role")
        if kind == "request":
            entries.extend(_request_entries(message, at))
        elif kind == "response":
            entries.append(_response_entry(message, at))
        elif role in ("user", "assistant", "system"):
            entry_kind = {"user": "user_message", "assistant": "assistant_message"}.get(
                role, "system_prompt"
            )
            entries.append(
                TimelineEntry(
                    at=at,
                    kind=entry_kind,  # type: ignore[arg-type]
                    summary=_clip(_text(message.get("content"))),
                )
            )
        else:
            entries.append(TimelineEntry(at=at, kind="other", summary=_clip(_text(message))))
    # Parts without a timestamp happened right after the previous one that had one.
    last = None
    for entry in entries:
        if entry.at is None:
            entry.at = last
        last = entry.at
    return entries


def _merged(*sources: list[TimelineEntry]) -> list[TimelineEntry]:
    """Entries of every source by time; the order within a source breaks ties."""
    tagged = [
        (entry.at or _EARLIEST, source, index, entry)
        for source, entries in enumerate(sources)
        for index, entry in enumerate(entries)
    ]
    tagged.sort(key=lambda item: (item[0], item[1], item[2]))
    return [entry for *_, entry in tagged]


def _tool_entry(call: sa.Row[Any]) -> TimelineEntry:
    summary = call.input_summary or ""
    if call.error_message:
        summary = f"{summary} -> {call.error_message}"
    return TimelineEntry(
        at=call.created_at,
        kind="tool_call",
        summary=_clip(summary),
        tool_name=call.tool_name,
        status=str(getattr(call.status, "value", call.status)),
        cached=call.cached,
        latency_ms=call.latency_ms,
    )


async def session_timeline(db: AsyncSession, *, session_id: uuid.UUID) -> SessionTimeline:
    """The session's timeline and totals (``NotFound`` for an unknown session)."""
    await begin_read_only(db)
    row = (
        await db.execute(
            sa.select(S, U.c.email)
            .select_from(S.outerjoin(U, U.c.id == S.c.user_id))
            .where(S.c.id == session_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound("session", session_id)
    counts = (
        await db.execute(
            sa.select(
                sa.func.count().label("calls"),
                sa.func.count().filter(T.c.status == ToolCallStatus.FAILED).label("failed"),
                sa.func.count().filter(T.c.status == ToolCallStatus.BLOCKED).label("blocked"),
                sa.func.count().filter(T.c.cached).label("cached"),
                sa.select(sa.func.count())
                .where(V.c.session_id == session_id)
                .scalar_subquery()
                .label("violations"),
            ).where(T.c.session_id == session_id)
        )
    ).one()
    calls = await db.execute(
        sa.select(T)
        .where(T.c.session_id == session_id)
        .order_by(T.c.created_at, T.c.id)
        .limit(MAX_LOG_ROWS)
    )
    violations = await db.execute(
        sa.select(V)
        .where(V.c.session_id == session_id)
        .order_by(V.c.created_at, V.c.id)
        .limit(MAX_LOG_ROWS)
    )
    messages = history_entries(row.conversation_history)
    tool_entries = [_tool_entry(c) for c in calls]
    policy_entries = [
        TimelineEntry(
            at=v.created_at,
            kind="policy",
            summary=_clip(v.trigger_content or ""),
            status=v.action_taken,
            violation_type=str(getattr(v.violation_type, "value", v.violation_type)),
            severity=v.severity,
        )
        for v in violations
    ]
    return SessionTimeline(
        session=SessionInfo(
            id=row.id,
            user_id=row.user_id,
            email=row.email,
            status=row.status,
            model_tier=row.model_tier,
            started_at=row.started_at,
            last_message_at=row.last_message_at,
            message_count=row.message_count,
            tokens_used=row.tokens_used,
            context_summary=row.context_summary,
        ),
        totals=SessionTotals(
            tool_calls=int(counts.calls),
            failed=int(counts.failed),
            blocked=int(counts.blocked),
            cached=int(counts.cached),
            violations=int(counts.violations),
            input_tokens=sum(e.input_tokens or 0 for e in messages),
            output_tokens=sum(e.output_tokens or 0 for e in messages),
        ),
        entries=_merged(messages, tool_entries, policy_entries),
    )
