"""The audit trail: canonical hashing, PII-free summaries and ``ai_tool_call_log`` rows.

Rows are buffered on the deps (``ToolDeps.pending_audit_rows``) and inserted in one
statement by :func:`flush_audit`, in a short transaction of their own, so the rows persist
even when the turn fails later. The toolset flushes at the start of every agent step and when
the run ends (also on errors); callers outside an agent run call :func:`flush_audit` in a
``finally``. With ``ToolSettings.tool_audit_buffered = False`` every call flushes at once.
A caller with a statement of its own at the end of the run (the engine's turn) sets
``ToolDeps.audit_deferred`` and writes the rows there (:func:`pending_batch`, then
:func:`forget_audit` after its commit), saving a transaction per step; it falls back to
``flush_audit(deps, force=True)`` when its write fails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from typing import Any, Final

from persistence.enums import ToolCallStatus, ToolCategory
from persistence.repositories import ai_logs
from tools.deps import ToolDeps

log = logging.getLogger(__name__)

INPUT_SUMMARY_CHARS: Final = 500
OUTPUT_SUMMARY_CHARS: Final = 1000
ERROR_CHARS: Final = 500
#: Rows kept for a later flush when the database is unreachable (older ones are dropped).
MAX_PENDING_ROWS: Final = 1000


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, non-JSON values as strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=True)


def input_hash(tool: str, args: Any) -> str:
    """SHA-256 of the canonical JSON of the tool name and its arguments."""
    return hashlib.sha256(canonical_json({"tool": tool, "args": args}).encode()).hexdigest()


def clip(text: str | None, limit: int) -> str | None:
    """``text`` cut to ``limit`` characters (an ellipsis marks the cut)."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def summarize_args(args: Any) -> str:
    """A readable, bounded rendering of the arguments.

    Tool arguments are numbers, enums and dates chosen by the model, never user free text or
    contact data, so the canonical JSON is the summary.
    """
    return clip(canonical_json(args), INPUT_SUMMARY_CHARS) or ""


def audit_row(
    deps: ToolDeps,
    *,
    tool: str,
    category: ToolCategory,
    hash_: str,
    args_summary: str,
    output_summary: str | None,
    status: ToolCallStatus,
    error: str | None,
    latency_ms: float,
    cached: bool,
) -> dict[str, Any]:
    """One ``ai_tool_call_log`` row as column values (``session_id`` filled at flush)."""
    return {
        "id": uuid.uuid4(),
        "user_id": deps.user_id,
        "tool_name": tool,
        "tool_category": category.value,
        "input_hash": hash_,
        "input_summary": clip(args_summary, INPUT_SUMMARY_CHARS),
        "output_summary": clip(output_summary, OUTPUT_SUMMARY_CHARS),
        "status": status,
        "error_message": clip(error, ERROR_CHARS),
        "latency_ms": max(0, round(latency_ms)),
        "cached": cached,
        # Wall-clock time of the call (not the deps' clock, which may be fixed for a test).
        "created_at": dt.datetime.now(dt.UTC),
    }


def pending_batch(deps: ToolDeps) -> list[dict[str, Any]]:
    """The buffered rows with their session, for a caller writing them itself (drop them
    with :func:`forget_audit` after its commit); without a ``session_id`` they are
    discarded (the column is NOT NULL)."""
    rows = deps.pending_audit_rows
    if rows and deps.session_id is None:
        log.debug("tool audit: no ai_session on the deps, %d row(s) not written", len(rows))
        rows.clear()
    return [{**row, "session_id": deps.session_id} for row in rows]


def forget_audit(deps: ToolDeps, count: int) -> None:
    """Drop the first ``count`` buffered rows (written by the caller's committed statement)."""
    del deps.pending_audit_rows[:count]


async def flush_audit(deps: ToolDeps, *, force: bool = False) -> int:
    """Insert the buffered rows in one statement and commit; returns how many were written.

    Never raises: a database error is logged and the rows stay buffered for the next flush.
    Without a ``session_id`` the rows are discarded (the column is NOT NULL). With
    ``audit_deferred`` set on the deps nothing is written unless ``force`` is given.
    """
    if deps.audit_deferred and not force:
        return 0
    rows = deps.pending_audit_rows
    batch = pending_batch(deps)
    if not batch:
        return 0
    try:
        async with deps.session_factory() as session:
            await ai_logs.add_tool_calls(session, rows=batch)
            await session.commit()
    except Exception:
        log.exception("tool audit: could not write %d ai_tool_call_log row(s)", len(batch))
        del rows[: max(0, len(rows) - MAX_PENDING_ROWS)]
        return 0
    del rows[: len(batch)]
    return len(batch)
