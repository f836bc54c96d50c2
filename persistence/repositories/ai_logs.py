"""Tool-call and policy-violation logs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from persistence.enums import PolicyViolationType, ToolCallStatus
from persistence.models import AIPolicyViolationLog, AIToolCallLog, table_of
from persistence.repositories._common import rowcount


def _clip(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def add_tool_call(
    db: AsyncSession,
    *,
    session_id: uuid.UUID,
    user_id: uuid.UUID,
    tool_name: str,
    tool_category: str,
    input_hash: str,
    input_summary: str | None,
    output_summary: str | None,
    status: ToolCallStatus,
    error_message: str | None,
    latency_ms: int,
    cached: bool,
) -> AIToolCallLog:
    """Add one tool-call row (summaries and errors clipped to their column sizes)."""
    row = AIToolCallLog(
        session_id=session_id,
        user_id=user_id,
        tool_name=tool_name,
        tool_category=tool_category,
        input_hash=input_hash,
        input_summary=_clip(input_summary, 500),
        output_summary=output_summary,
        status=status,
        error_message=_clip(error_message, 500),
        latency_ms=max(0, latency_ms),
        cached=cached,
    )
    db.add(row)
    await db.flush()
    return row


async def add_tool_calls(db: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> int:
    """Insert many tool-call rows in one statement (keys are column names)."""
    if not rows:
        return 0
    clean = [
        {
            **row,
            "input_summary": _clip(row.get("input_summary"), 500),
            "error_message": _clip(row.get("error_message"), 500),
        }
        for row in rows
    ]
    await db.execute(sa.insert(table_of(AIToolCallLog)), clean)
    return len(clean)


async def add_violation(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    session_id: uuid.UUID | None,
    violation_type: PolicyViolationType,
    severity: str,
    trigger_content: str | None,
    action_taken: str,
    details: dict[str, Any] | None,
) -> AIPolicyViolationLog:
    """Add one violation row; ``trigger_content`` is expected already redacted."""
    row = AIPolicyViolationLog(
        user_id=user_id,
        session_id=session_id,
        violation_type=violation_type,
        severity=severity,
        trigger_content=_clip(trigger_content, 200),
        action_taken=action_taken[:100],
        details=details,
    )
    db.add(row)
    await db.flush()
    return row


async def list_tool_calls(
    db: AsyncSession,
    *,
    user_id: uuid.UUID | None = None,
    session_id: uuid.UUID | None = None,
    limit: int = 1000,
) -> list[AIToolCallLog]:
    """Tool-call rows of a user and/or session, oldest first."""
    stmt = sa.select(AIToolCallLog)
    if user_id is not None:
        stmt = stmt.where(col(AIToolCallLog.user_id) == user_id)
    if session_id is not None:
        stmt = stmt.where(col(AIToolCallLog.session_id) == session_id)
    stmt = stmt.order_by(col(AIToolCallLog.created_at), col(AIToolCallLog.id)).limit(limit)
    return list((await db.scalars(stmt)).all())


async def list_violations(
    db: AsyncSession,
    *,
    user_id: uuid.UUID | None = None,
    session_id: uuid.UUID | None = None,
    limit: int = 1000,
) -> list[AIPolicyViolationLog]:
    """Violation rows of a user and/or session, oldest first."""
    stmt = sa.select(AIPolicyViolationLog)
    if user_id is not None:
        stmt = stmt.where(col(AIPolicyViolationLog.user_id) == user_id)
    if session_id is not None:
        stmt = stmt.where(col(AIPolicyViolationLog.session_id) == session_id)
    stmt = stmt.order_by(col(AIPolicyViolationLog.created_at), col(AIPolicyViolationLog.id)).limit(
        limit
    )
    return list((await db.scalars(stmt)).all())


async def delete_violations_for_session(db: AsyncSession, *, session_id: uuid.UUID) -> int:
    """Delete a session's violation rows (when a user deletes the session)."""
    stmt = sa.delete(AIPolicyViolationLog).where(col(AIPolicyViolationLog.session_id) == session_id)
    return await rowcount(db, stmt)
