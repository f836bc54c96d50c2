"""Audit indexes: time windows, slowest calls, failed calls.

Each index is justified by an EXPLAIN (ANALYZE, BUFFERS) plan of the ``coach audit``
queries on the benchmark data (bench/audit.py: 1,000,000 tool calls and 100,000 violations
over 90 days, 10,000 users), default 7-day window unless said otherwise:

- ``ix_ai_tool_call_log_created_at (created_at)``: every tool query filters a time window.
  Without it the overall statistics ran a Parallel Seq Scan of all 1M rows ("Rows Removed
  by Filter: 307,065" in each of 3 processes) in 175-390 ms; with it, an Index Scan of the
  79k rows of the window.
- ``ix_ai_tool_call_log_failed_created_at (created_at) WHERE status = 'failed'``: the top
  errors of every tool report read the whole window through the time index and kept the
  4.5% failed rows ("Rows Removed by Filter: 75,309", 39 ms); the partial index returns the
  3,496 failed rows only (3-5 ms) and, holding failed calls only, costs little on insert.
- ``ix_ai_tool_call_log_latency_ms (latency_ms)``: ``slow`` wants the top latencies. With
  the time index only it filtered and sorted the window (7 days: "Rows Removed by Filter:
  77,231", 34 ms; 90 days: Parallel Seq Scan of 1M rows, 203 ms); with it, an Index Scan
  Backward stops after the first ``--limit`` rows inside the window (2-4 ms for both).
- ``ix_ai_policy_violation_log_created_at (created_at)``: each of the three statements of
  a violation report ran a Seq Scan of all 100k rows ("Rows Removed by Filter: 92,107",
  66 ms); the index reads the 7.9k rows of the window (6 ms).

Not added, because EXPLAIN did not need them:

- (tool_name, created_at) for ``--tool X``: with it present the planner still chose the
  time index (reading the window in heap order costs less in its model than ~4k random
  heap reads): "Rows Removed by Filter: 74,829", 46 ms; it would only slow inserts;
- (user_id, created_at): the existing user_id index, ANDed with the time index in a
  bitmap, serves ``--user`` (8 ms for the busiest user, 5.1k calls in 90 days);
- (violation_type, created_at): the time index leaves 7.9k rows to filter (~6 ms).

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
    op.drop_index("ix_ai_tool_call_log_created_at", table_name="ai_tool_call_log")
