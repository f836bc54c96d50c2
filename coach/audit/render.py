"""Print audit reports as tables (people), JSON (scripts, everything) or CSV (the main table).

A report becomes titled sections of rows; ``table`` prints them all, ``csv`` only the main
one (the groups, the calls, the timeline, the sessions), ``json`` the whole report model.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from coach.audit.models import (
    SessionTimeline,
    SlowReport,
    ToolReport,
    ToolStats,
    UserReport,
    ViolationReport,
    ViolationStats,
    Window,
)

Report = ToolReport | ViolationReport | SlowReport | SessionTimeline | UserReport


class OutputFormat(StrEnum):
    """How ``coach audit`` prints."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


class Rate(float):
    """A fraction printed as a percentage in tables (and as the plain fraction in CSV)."""


@dataclass
class Section:
    """A titled table; ``main`` marks the one CSV prints."""

    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    main: bool = False


def _window_text(window: Window) -> str:
    start = window.start.isoformat(timespec="seconds") if window.start else "beginning"
    end = window.end.isoformat(timespec="seconds") if window.end else "now"
    return f"{start} .. {end}"


def _filters_text(filters: BaseModel) -> str:
    set_ = {k: v for k, v in filters.model_dump(mode="json").items() if v is not None}
    return ", ".join(f"{k}={v}" for k, v in set_.items()) or "none"


_TOOL_HEADERS = [
    "key",
    "label",
    "calls",
    "success",
    "failed",
    "blocked",
    "cached",
    "error_rate",
    "cache_hit_rate",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "max_ms",
]


def _tool_row(s: ToolStats) -> list[Any]:
    return [
        s.key or "all",
        s.label,
        s.calls,
        s.success,
        s.failed,
        s.blocked,
        s.cached,
        Rate(s.error_rate),
        Rate(s.cache_hit_rate),
        s.p50_ms,
        s.p95_ms,
        s.p99_ms,
        s.max_ms,
    ]


def _tool_sections(report: ToolReport, *, prefix: str = "") -> list[Section]:
    title = f"{prefix}calls by {report.by.value}" if report.by else f"{prefix}calls"
    total = Section(f"{prefix}all calls", _TOOL_HEADERS, [_tool_row(report.total)])
    sections = [total]
    if report.by is not None:
        more = " (truncated: raise --limit)" if report.groups_truncated else ""
        sections.append(
            Section(title + more, _TOOL_HEADERS, [_tool_row(g) for g in report.groups], main=True)
        )
    else:
        total.main = True
    sections.append(
        Section(
            f"{prefix}top errors",
            ["tool_name", "error_message", "count", "last_seen"],
            [[e.tool_name, e.error_message, e.count, e.last_seen] for e in report.top_errors],
        )
    )
    return sections


_VIOLATION_HEADERS = ["key", "label", "count", "warning", "critical", "users"]


def _violation_row(s: ViolationStats) -> list[Any]:
    return [s.key or "all", s.label, s.count, s.warning, s.critical, s.users]


def _violation_sections(report: ViolationReport, *, prefix: str = "") -> list[Section]:
    total = Section(f"{prefix}all violations", _VIOLATION_HEADERS, [_violation_row(report.total)])
    sections = [total]
    if report.by is not None:
        more = " (truncated: raise --limit)" if report.groups_truncated else ""
        sections.append(
            Section(
                f"{prefix}violations by {report.by.value}{more}",
                _VIOLATION_HEADERS,
                [_violation_row(g) for g in report.groups],
                main=True,
            )
        )
    else:
        total.main = True
    sections.append(
        Section(
            f"{prefix}per day",
            ["day", "count", "critical"],
            [[d.day, d.count, d.critical] for d in report.trend],
        )
    )
    sections.append(
        Section(
            f"{prefix}top triggers (redacted)",
            ["trigger", "count", "violation_types"],
            [[t.trigger, t.count, " ".join(t.violation_types)] for t in report.top_triggers],
        )
    )
    return sections


def sections_of(report: Report) -> tuple[list[str], list[Section]]:
    """Header lines and sections of a report."""
    if isinstance(report, ToolReport):
        head = [
            f"window  {_window_text(report.window)}",
            f"filters {_filters_text(report.filters)}",
        ]
        return head, _tool_sections(report)
    if isinstance(report, ViolationReport):
        head = [
            f"window  {_window_text(report.window)}",
            f"filters {_filters_text(report.filters)}",
        ]
        return head, _violation_sections(report)
    if isinstance(report, SlowReport):
        head = [
            f"window  {_window_text(report.window)}",
            f"filters {_filters_text(report.filters)}, latency >= {report.over_ms} ms",
        ]
        rows = [
            [
                c.created_at,
                c.latency_ms,
                c.tool_name,
                c.status.value,
                c.cached,
                c.email,
                c.session_id,
                c.input_summary,
                c.error_message,
            ]
            for c in report.calls
        ]
        headers = [
            "created_at",
            "latency_ms",
            "tool_name",
            "status",
            "cached",
            "email",
            "session_id",
            "input_summary",
            "error_message",
        ]
        return head, [Section("slowest calls", headers, rows, main=True)]
    if isinstance(report, SessionTimeline):
        s, t = report.session, report.totals
        head = [
            f"session {s.id} ({s.status.value}, tier {s.model_tier}) of {s.email or s.user_id}",
            f"started {s.started_at.isoformat(timespec='seconds')}, last message "
            f"{s.last_message_at.isoformat(timespec='seconds')}, {s.message_count} messages",
            f"tokens  {s.tokens_used} recorded; history usage {t.input_tokens} in / "
            f"{t.output_tokens} out",
            f"tools   {t.tool_calls} calls, {t.failed} failed, {t.blocked} blocked, "
            f"{t.cached} cached; {t.violations} policy violations",
        ]
        headers = [
            "at",
            "kind",
            "tool",
            "status",
            "cached",
            "latency_ms",
            "type",
            "severity",
            "tokens_in",
            "tokens_out",
            "summary",
        ]
        rows = [
            [
                e.at,
                e.kind,
                e.tool_name,
                e.status,
                e.cached,
                e.latency_ms,
                e.violation_type,
                e.severity,
                e.input_tokens,
                e.output_tokens,
                e.summary,
            ]
            for e in report.entries
        ]
        return head, [Section("timeline", headers, rows, main=True)]
    u = report.user
    head = [
        f"user    {u.email} ({u.id}){'' if u.is_active else ' INACTIVE'}",
        f"joined  {u.created_at.isoformat(timespec='seconds')}",
        f"window  {_window_text(report.window)}",
        f"sessions {report.sessions_total} ({report.sessions_active} active)",
    ]
    sessions = Section(
        "recent sessions",
        [
            "id",
            "status",
            "started_at",
            "last_message_at",
            "messages",
            "tokens",
            "tool_calls",
            "violations",
        ],
        [
            [
                r.id,
                r.status.value,
                r.started_at,
                r.last_message_at,
                r.message_count,
                r.tokens_used,
                r.tool_calls,
                r.violations,
            ]
            for r in report.sessions
        ],
        main=True,
    )
    tools = [s for s in _tool_sections(report.tools, prefix="tool ") if s.rows]
    violations = [s for s in _violation_sections(report.violations, prefix="") if s.rows]
    for extra in (*tools, *violations):
        extra.main = False
    return head, [sessions, *tools, *violations]


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, Rate):
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def render(report: Report, fmt: OutputFormat, *, console: Console | None = None) -> str | None:
    """Return JSON or CSV text, or print tables on ``console`` (and return None)."""
    if fmt is OutputFormat.JSON:
        return json.dumps(report.model_dump(mode="json"), indent=2)
    head, sections = sections_of(report)
    if fmt is OutputFormat.CSV:
        main = next(s for s in sections if s.main)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(main.headers)
        writer.writerows([_csv_cell(v) for v in row] for row in main.rows)
        return buffer.getvalue()
    # Piped output is not cut to 80 columns: tables are wide and meant to be read whole.
    out = console or Console()
    if console is None and not out.is_terminal:
        out = Console(width=220)
    for line in head:
        out.print(line, highlight=False)
    for section in sections:
        _print_table(out, section.title, section.headers, section.rows)
    return None


#: Short column titles for tables (CSV keeps the field names).
_SHORT = {
    "success": "ok",
    "error_rate": "err%",
    "cache_hit_rate": "hit%",
    "p50_ms": "p50 ms",
    "p95_ms": "p95 ms",
    "p99_ms": "p99 ms",
    "max_ms": "max ms",
    "latency_ms": "ms",
    "error_message": "error",
    "input_summary": "input",
    "violation_types": "types",
    "message_count": "messages",
}


def _print_table(
    out: Console, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    # A column that is empty in every row (labels outside --by user) only costs width.
    keep = [i for i in range(len(headers)) if not rows or any(r[i] is not None for r in rows)]
    table = Table(title=title, title_justify="left")
    for i in keep:
        table.add_column(_SHORT.get(headers[i], headers[i]), overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row[i]) for i in keep))
    if not rows:
        table.add_row(*(["(none)"] + [""] * (len(keep) - 1)))
    out.print(table)
