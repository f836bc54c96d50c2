"""The HTML report: one self-contained file (inline CSS and SVG, no scripts, no network).

A summary table of the suites, one chart per suite (a bar per case: green when it passed,
red when it failed, its height the case's mean score, the dashed line the threshold), and
one section per case with its inputs, assertions, tool calls, violations and every turn's
events. Every value from a run is escaped.
"""

from __future__ import annotations

import html
import json
from typing import Any

from evals.report import CaseResult, EvalReport, SuiteSummary

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2330;max-width:1200px}
h1{font-size:1.5rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccd}h3{margin:.4rem 0}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d5d9e3;padding:3px 7px;
text-align:left;vertical-align:top}th{background:#f2f4f8}.pass{color:#137333}.fail{color:#b3261e}
.case{border:1px solid #d5d9e3;border-radius:6px;padding:.3rem .8rem;margin:.5rem 0}
.case.failed{border-color:#e4a9a5;background:#fff8f7}pre{white-space:pre-wrap;margin:0;
font-size:12px}code{font-size:12px}summary{cursor:pointer}.muted{color:#667}
"""
_BAR_W = 8
_CHART_H = 120


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _anchor(case: CaseResult) -> str:
    return "case-" + "".join(ch if ch.isalnum() else "-" for ch in f"{case.suite}-{case.name}")


def _mean_score(case: CaseResult) -> float:
    if case.scores:
        return sum(case.scores.values()) / len(case.scores)
    return 1.0 if case.passed else 0.0


def suite_chart(summary: SuiteSummary, cases: list[CaseResult], threshold: float) -> str:
    """An inline SVG: one bar per case (colour: verdict, height: mean score)."""
    width = max(len(cases) * (_BAR_W + 2) + 40, 200)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{_CHART_H + 30}" '
        f'role="img" aria-label="{_e(summary.suite)}: {summary.passed} of {summary.cases} '
        'cases passed">'
    ]
    for index, case in enumerate(cases):
        height = max(2.0, _mean_score(case) * _CHART_H)
        x = 30 + index * (_BAR_W + 2)
        colour = "#34a853" if case.passed else "#d93025"
        parts.append(
            f'<a href="#{_anchor(case)}"><rect x="{x}" y="{_CHART_H - height + 5:.1f}" '
            f'width="{_BAR_W}" height="{height:.1f}" fill="{colour}">'
            f"<title>{_e(case.name)}: {'pass' if case.passed else 'FAIL'}</title></rect></a>"
        )
    line_y = _CHART_H - threshold * _CHART_H + 5
    parts.append(
        f'<line x1="25" x2="{width}" y1="{line_y:.1f}" y2="{line_y:.1f}" stroke="#555" '
        'stroke-dasharray="4 3"/>'
        f'<text x="0" y="{line_y + 4:.1f}" font-size="10">{threshold:.0%}</text>'
        f'<text x="30" y="{_CHART_H + 25}" font-size="12">{_e(summary.suite)}: '
        f"{summary.pass_rate:.1%} pass ({summary.passed}/{summary.cases})</text></svg>"
    )
    return "".join(parts)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return '<p class="muted">none</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _summary_table(report: EvalReport, fail_under: float) -> str:
    rows = []
    for s in report.suites:
        scores = ", ".join(f"{k} {v:.2f}" for k, v in s.scores.items())
        rows.append(
            [
                f'<a href="#suite-{_e(s.suite)}">{_e(s.suite)}</a>',
                str(s.cases),
                f'<span class="{"pass" if s.pass_rate >= fail_under else "fail"}">'
                f"{s.pass_rate:.1%}</span>",
                _e(scores),
                f"{s.latency_p95_ms:.0f}",
                f"{s.input_tokens + s.output_tokens}",
            ]
        )
    return _table(["suite", "cases", "pass rate", "mean scores", "p95 turn ms", "tokens"], rows)


def _pre(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, indent=1, default=str)
    return f"<pre>{_e(text)}</pre>"


def case_section(case: CaseResult) -> str:
    """One case: verdict, inputs, assertions, tool calls, violations, turns and events."""
    verdict = "pass" if case.passed else "FAIL"
    out = case.output or {}
    assertions = [
        [f'<span class="{"pass" if a.value else "fail"}">{_e(n)}</span>', _e(a.reason or "")]
        for n, a in case.assertions.items()
    ]
    calls = [
        [
            _e(c.get("turn")),
            _e(c.get("tool_name")),
            _e(c.get("status")),
            _e(c.get("cached")),
            f"<code>{_e(c.get('input_summary') or '')}</code>",
            _e(c.get("error_message") or ""),
        ]
        for c in out.get("tool_calls", [])
    ]
    violations = [
        [
            _e(v.get("violation_type")),
            _e(v.get("severity")),
            _e(v.get("action_taken")),
            _e(v.get("stage") or ""),
            _e(v.get("trigger_content") or ""),
        ]
        for v in out.get("violations", [])
    ]
    turns = []
    for index, turn in enumerate(out.get("turns", [])):
        events = [
            [
                _e(ev.get("id")),
                _e(ev.get("event")),
                f"<code>{_e(json.dumps(ev.get('data')))}</code>",
            ]
            for ev in turn.get("events", [])
        ]
        turns.append(
            f"<details><summary>turn {index + 1}: {_e(turn.get('message', ''))[:160]}</summary>"
            f"<p><b>reply</b></p>{_pre(turn.get('reply', ''))}"
            f"{_table(['id', 'event', 'data'], events)}</details>"
        )
    error = f'<p class="fail">error: {_e(case.error)}</p>' if case.error else ""
    return (
        f'<div class="case{" failed" if not case.passed else ""}" id="{_anchor(case)}">'
        f"<details{' open' if not case.passed else ''}><summary><b>{_e(case.name)}</b> "
        f'<span class="{"pass" if case.passed else "fail"}">{verdict}</span></summary>{error}'
        f"<h3>inputs</h3>{_pre(case.inputs)}"
        f"<h3>assertions</h3>{_table(['assertion', 'reason'], assertions)}"
        f"<h3>scores</h3>{_pre(case.scores)}"
        f"<h3>tool calls (ai_tool_call_log)</h3>"
        f"{_table(['turn', 'tool', 'status', 'cached', 'args', 'error'], calls)}"
        f"<h3>violations (ai_policy_violation_log)</h3>"
        f"{_table(['type', 'severity', 'action', 'stage', 'trigger'], violations)}"
        f"<h3>turns</h3>{''.join(turns)}</details></div>"
    )


def render_html(report: EvalReport, *, fail_under: float) -> str:
    """The whole report as one HTML document."""
    sections = []
    for summary in report.suites:
        cases = [c for c in report.cases if c.suite == summary.suite]
        sections.append(
            f'<h2 id="suite-{_e(summary.suite)}">{_e(summary.suite)}</h2>'
            f"{suite_chart(summary, cases, fail_under)}" + "".join(case_section(c) for c in cases)
        )
    judge = f", judge {_e(report.judge)}" if report.judge else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>coach eval: {_e(report.model)}</title><style>{_CSS}</style></head><body>"
        f"<h1>coach eval</h1><p>model {_e(report.model)}{judge}, repeat {report.repeat}, "
        f"{len(report.cases)} case runs in {report.wall_s:.1f} s</p>"
        f"{_summary_table(report, fail_under)}{''.join(sections)}</body></html>"
    )
