"""The report: summaries, timing-free comparison, the gate and the HTML rendering."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from evals.html import render_html
from evals.report import (
    AssertionResult,
    CaseResult,
    EvalReport,
    comparable,
    gate,
    percentile,
    strip_timings,
    summarize,
)


def case(suite: str, name: str, ok: bool, latency: float = 10.0, **extra: Any) -> CaseResult:
    """A case result with one assertion and one turn of ``latency`` ms."""
    return CaseResult(
        suite=suite,
        name=name,
        source_case=name,
        passed=ok,
        assertions={"Check": AssertionResult(value=ok, reason="ok" if ok else "broken")},
        scores={"score": 1.0 if ok else 0.0},
        output={
            "turns": [{"message": "m", "reply": "r", "latency_ms": latency, "events": []}],
            "input_tokens": 7,
            "output_tokens": 3,
        },
        duration_ms=latency,
        **extra,
    )


def report(cases: list[CaseResult], wall: float = 1.0) -> EvalReport:
    """A report over ``cases`` with summaries per suite."""
    suites = sorted({c.suite for c in cases})
    return EvalReport(
        model="offline",
        judge=None,
        repeat=1,
        suites=[summarize(s, [c for c in cases if c.suite == s]) for s in suites],
        cases=cases,
        wall_s=wall,
    )


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.5) == 50.0
    assert percentile([], 0.95) == 0.0


def test_summarize_counts_rates_scores_tokens_and_failing_cases() -> None:
    cases = [case("tools", f"c{i}", ok=i != 3, latency=float(i)) for i in range(1, 21)]
    summary = summarize("tools", cases)
    assert (summary.cases, summary.passed) == (20, 19)
    assert summary.pass_rate == pytest.approx(19 / 20)
    assert summary.scores["score"] == pytest.approx(19 / 20)
    assert summary.failing == ["c3"]
    assert summary.input_tokens == 7 * 20 and summary.output_tokens == 3 * 20
    assert summary.latency_p95_ms == float(math.ceil(0.95 * 20))


def test_reports_differing_only_in_timings_compare_equal() -> None:
    first = report([case("tools", "a", True, latency=5.0)], wall=1.0)
    second = report([case("tools", "a", True, latency=50.0)], wall=9.0)
    assert first != second
    assert comparable(first) == comparable(second)
    changed = report([case("tools", "a", False, latency=5.0)])
    assert comparable(first) != comparable(changed)


def test_strip_timings_removes_nested_timing_keys() -> None:
    data = {"wall_s": 1, "a": [{"latency_ms": 2, "keep": 3}], "b": {"duration_ms": 4}}
    assert strip_timings(data) == {"a": [{"keep": 3}], "b": {}}


def test_gate_names_suite_under_threshold_and_its_failing_cases() -> None:
    cases = [case("plans", f"p{i}", ok=i > 2) for i in range(10)]
    cases += [case("tools", f"t{i}", ok=True) for i in range(10)]
    failures = gate(report(cases), fail_under=0.95, tolerance=0.02)
    assert [f.suite for f in failures] == ["plans"]
    assert failures[0].cases == ["p0", "p1", "p2"] and failures[0].new is None
    line = failures[0].describe()
    assert "suite plans" in line and "p0, p1, p2" in line and "70.0%" in line


def test_gate_flags_a_regression_beyond_tolerance_against_the_baseline() -> None:
    before = report([case("tools", f"t{i}", ok=i != 0) for i in range(20)])  # 95 %
    after = report([case("tools", f"t{i}", ok=i not in (0, 5, 6)) for i in range(20)])  # 85 %
    failures = gate(after, fail_under=0.5, tolerance=0.02, baseline=before)
    assert len(failures) == 1 and failures[0].suite == "tools"
    assert failures[0].cases == ["t0", "t5", "t6"]
    assert failures[0].new == ["t5", "t6"]  # t0 was already failing
    assert "regressed" in failures[0].reason
    assert "newly failing vs baseline: t5, t6" in failures[0].describe()
    assert gate(after, fail_under=0.5, tolerance=0.2, baseline=before) == []


def test_gate_passes_when_every_suite_is_at_threshold() -> None:
    cases = [case("memory", f"m{i}", ok=True) for i in range(5)]
    assert gate(report(cases), fail_under=1.0, tolerance=0.0, baseline=report(cases)) == []


def test_report_round_trips_through_json(tmp_path: Path) -> None:
    original = report([case("safety", "s1", True), case("safety", "s2", False)])
    path = tmp_path / "r.json"
    original.write(path)
    assert EvalReport.read(path) == original


def test_reading_a_bad_report_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match=r"broken\.json"):
        EvalReport.read(path)


def test_html_is_self_contained_with_a_chart_per_suite_and_a_section_per_case() -> None:
    hostile = case("coaching", "c<1>", False)
    assert hostile.output is not None
    hostile.output["turns"][0]["reply"] = "<script>alert(1)</script>"
    cases = [hostile, case("coaching", "c2", True), case("tools", "t1", True)]
    page = render_html(report(cases), fail_under=0.95)
    assert page.startswith("<!doctype html>")
    assert "<script" not in page and "&lt;script&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert page.count("<svg") == 2
    for c in cases:
        assert f'id="case-{c.suite}-' in page
    assert 'href="#case-coaching-c-1-"' in page
