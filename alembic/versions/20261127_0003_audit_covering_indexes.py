"""Audit covering indexes: the wide windows read indexes only, never the log's heap.

Three indexes of 0002 are replaced by covering versions (same key, more columns in
``INCLUDE``), so the tool-call log, appended on every tool call, keeps the same number of
indexes. Each is justified by ``EXPLAIN (ANALYZE, BUFFERS)`` of the ``coach audit`` queries
on the benchmark data (bench/audit.py: 1,000,000 tool calls and 100,000 violations over 90
days, 10,000 users, loaded with COPY then ``VACUUM (ANALYZE)``, as autovacuum leaves an
append-only table); docs/audit-benchmark.md has the figures and the plans.

- ``ix_ai_tool_call_log_created_at_stats (created_at) INCLUDE (latency_ms, status, cached,
  tool_name)`` replaces ``ix_ai_tool_call_log_created_at``. The latency histogram of a tool
  report needs exactly these columns. With the plain time index, 30 days per tool ran a
  "Parallel Index Scan using ix_ai_tool_call_log_created_at" that fetched the heap for every
  one of the 333k rows ("Buffers: shared hit=72968", 224 ms); now "Parallel Index Only Scan
  using ix_ai_tool_call_log_created_at_stats ... Heap Fetches: 0" reads 2,100 index pages
  (statement 224 -> 151 ms, with the statement rewrite of the same change). 90 days ran a
  "Parallel Seq Scan on ai_tool_call_log" of the 206 MB heap (26,328 buffers, 10,205 of them
  read from the OS cache since the heap is larger than shared_buffers, 255 ms); the
  index-only scan reads 6,304 pages (49 MB, 134 ms; the histogram alone, back to back with
  the seq scan plan: 105 against 140 ms). The audit transaction sets ``random_page_cost`` so
  that the planner picks it for windows this wide (coach/audit/sql.py). Fixed-width columns
  come first in INCLUDE: 7% smaller than with ``tool_name`` first (alignment padding).
- ``ix_ai_tool_call_log_failed_errors (created_at) INCLUDE (tool_name, error_message)
  WHERE status = 'failed'`` replaces ``ix_ai_tool_call_log_failed_created_at``: the top
  errors of 90 days fetched 44,941 failed rows scattered over the heap ("Index Scan using
  ix_ai_tool_call_log_failed_created_at", "Buffers: shared hit=2111 read=21407", 74 ms); the
  index-only scan reads 386 pages ("Heap Fetches: 0", 12 ms; 30 days 12.5 -> 3.9 ms). It
  still holds failed calls only (4.5%): 3.0 MB. tool_name (100) and error_message (500
  characters) stay under the 2.7 kB limit of a B-tree entry even at 4 bytes a character.
- ``ix_ai_policy_violation_log_created_at_stats (created_at) INCLUDE (violation_type,
  user_id, severity)`` replaces ``ix_ai_policy_violation_log_created_at``: counts per
  severity, distinct users and the daily trend read it without the heap ("Index Only Scan
  ... Heap Fetches: 0"; 7 days: 178 -> 60 buffers, 7.0 -> 4.6 ms and 4.4 -> 1.8 ms; 90 days:
  instead of a Seq Scan, 5-10 ms less per statement). Violations are rare writes, and the
  index is 5.6 MB. ``trigger_content`` (unbounded text) is not included: an entry over
  2.7 kB would make the insert fail; top triggers fetch the heap.

Write cost: 20,000 single-row inserts into the tool-call log (executemany, one
transaction) took 34-39 µs a row with the 0002 indexes and 35-37 µs with these: no
measurable difference. ``ix_ai_tool_call_log_latency_ms`` stays: ``slow`` reads it
backwards and stops after ``--limit`` rows (0.2-0.7 ms).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 06:30:00+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here: a migration must not change when the models do.
_FAILED = "status = 'failed'"


def upgrade() -> None:
    op.create_index(
        "ix_ai_tool_call_log_created_at_stats",
        "ai_tool_call_log",
        ["created_at"],
        postgresql_include=["latency_ms", "status", "cached", "tool_name"],
    )
    op.drop_index("ix_ai_tool_call_log_created_at", table_name="ai_tool_call_log")
    op.create_index(
        "ix_ai_tool_call_log_failed_errors",
        "ai_tool_call_log",
        ["created_at"],
        postgresql_include=["tool_name", "error_message"],
        postgresql_where=sa.text(_FAILED),
    )
    op.drop_index("ix_ai_tool_call_log_failed_created_at", table_name="ai_tool_call_log")
    op.create_index(
        "ix_ai_policy_violation_log_created_at_stats",
        "ai_policy_violation_log",
        ["created_at"],
        postgresql_include=["violation_type", "user_id", "severity"],
    )
    op.drop_index("ix_ai_policy_violation_log_created_at", table_name="ai_policy_violation_log")


def downgrade() -> None:
    op.create_index(
        "ix_ai_policy_violation_log_created_at", "ai_policy_violation_log", ["created_at"]
    )
    op.drop_index(
        "ix_ai_policy_violation_log_created_at_stats", table_name="ai_policy_violation_log"
    )
    op.create_index(
        "ix_ai_tool_call_log_failed_created_at",
        "ai_tool_call_log",
        ["created_at"],
        postgresql_where=sa.text(_FAILED),
    )
    op.drop_index("ix_ai_tool_call_log_failed_errors", table_name="ai_tool_call_log")
    op.create_index("ix_ai_tool_call_log_created_at", "ai_tool_call_log", ["created_at"])
    op.drop_index("ix_ai_tool_call_log_created_at_stats", table_name="ai_tool_call_log")
