"""Audit indexes: time windows, tool filter, slowest calls, failed calls.

Reasons are EXPLAIN (ANALYZE, BUFFERS) plans of the ``coach audit`` queries on the
benchmark data (bench/audit.py: 1,000,000 tool calls and 100,000 violations over 90 days,
10,000 users), default 7-day window:

- ``ix_ai_tool_call_log_created_at (created_at)``: every tool query filters a time window.
  Without it: Parallel Seq Scan over all 1M rows, "Rows Removed by Filter: 921k", 175 ms
  for the overall statistics alone. With it: Index Scan of the 79k rows of the window.
- ``ix_ai_tool_call_log_tool_name_created_at (tool_name, created_at)``: ``--tool X`` read
  the whole window through the time index and dropped 93% of it ("Rows Removed by Filter:
  73k"); the pair reads only the tool's rows of the window.
- ``ix_ai_tool_call_log_latency_ms (latency_ms)``: ``slow`` wants the top latencies; with
  only the time index it sorted every row of the window (a 90-day window: Seq Scan of 1M
  rows, 200 ms); an Index Scan Backward stops after the first ``--limit`` rows in the window.
- ``ix_ai_tool_call_log_failed_created_at (created_at) WHERE status = 'failed'``: the top
  errors of every tool report read the window and kept the 4.5% failed rows ("Rows Removed
  by Filter: 75k"); the partial index holds failed calls only, so it costs little on insert.
- ``ix_ai_policy_violation_log_created_at (created_at)``: violation reports (three
  statements each) did a Seq Scan of all 100k rows per statement ("Rows Removed by Filter:
  92k"); the index reads the 7.8k rows of the window.

Not added, because EXPLAIN did not need them: (user_id, created_at) (the existing user_id
index returns a user's few thousand rows; the window filter on them costs ~1 ms) and
(violation_type, created_at) (the time index leaves 7.8k rows to filter).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 04:10:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_ai_tool_call_log_created_at", "ai_tool_call_log", ["created_at"])
    op.create_index(
        "ix_ai_tool_call_log_tool_name_created_at", "ai_tool_call_log", ["tool_name", "created_at"]
    )
    op.create_index("ix_ai_tool_call_log_latency_ms", "ai_tool_call_log", ["latency_ms"])
    op.create_index(
        "ix_ai_tool_call_log_failed_created_at",
        "ai_tool_call_log",
        ["created_at"],
        postgresql_where=sa.text("status = 'failed'"),
    )
    op.create_index(
        "ix_ai_policy_violation_log_created_at", "ai_policy_violation_log", ["created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_ai_policy_violation_log_created_at", table_name="ai_policy_violation_log")
    op.drop_index("ix_ai_tool_call_log_failed_created_at", table_name="ai_tool_call_log")
    op.drop_index("ix_ai_tool_call_log_latency_ms", table_name="ai_tool_call_log")
    op.drop_index("ix_ai_tool_call_log_tool_name_created_at", table_name="ai_tool_call_log")
    op.drop_index("ix_ai_tool_call_log_created_at", table_name="ai_tool_call_log")
