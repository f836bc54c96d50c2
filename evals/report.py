"""The eval report (JSON), its summary per suite, and the gate that sets the exit code.

A report holds every case's verdict, assertions (with reasons), scores, inputs and output
(events, tool calls, violations), and one :class:`SuiteSummary` per suite. Everything in it
is a function of the datasets, the code and the model, except the keys in
:data:`TIMING_KEYS`: :func:`strip_timings` removes them, and two offline runs then compare
equal.

:func:`gate` decides the exit code: a suite fails when its pass rate is under its threshold,
or when it dropped more than the tolerance below the baseline's; each failure names the
suite and its failing (or newly failing) cases.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

REPORT_VERSION = 1
#: Keys whose values are measured, not computed: removed before comparing two reports.
TIMING_KEYS = frozenset(
    {
        "duration_ms",
        "latency_ms",
        "latency_p50_ms",
        "latency_p95_ms",
        "wall_s",
        "started_at",
    }
)


class AssertionResult(BaseModel):
    """One assertion of a case and why it came out so."""

    value: bool
    reason: str | None = None


class CaseResult(BaseModel):
    """One case run (one per repetition with ``--repeat``)."""

    suite: str
    name: str
    source_case: str = Field(description="The dataset's case name (without the repeat index).")
    passed: bool
    error: str | None = Field(default=None, description="The run raised (a harness failure).")
    assertions: dict[str, AssertionResult] = Field(default_factory=dict)
    scores: dict[str, float] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)
    inputs: dict[str, Any] = Field(default_factory=dict)
    output: dict[str, Any] | None = None
    duration_ms: float = 0.0

    @property
    def failed_assertions(self) -> list[str]:
        """Names of the assertions that failed."""
        return [name for name, a in self.assertions.items() if not a.value]


class SuiteSummary(BaseModel):
    """A suite's figures."""

    suite: str
    cases: int
    passed: int
    pass_rate: float
    scores: dict[str, float] = Field(description="Mean of each score over the suite's runs.")
    latency_p50_ms: float = Field(description="Turn latency (a timing).")
    latency_p95_ms: float = Field(description="Turn latency (a timing).")
    turns: int
    input_tokens: int
    output_tokens: int
    failing: list[str]


class EvalReport(BaseModel):
    """Everything ``coach eval`` found."""

    version: int = REPORT_VERSION
    model: str
    judge: str | None
    repeat: int
    suites: list[SuiteSummary]
    cases: list[CaseResult]
    wall_s: float = Field(default=0.0, description="Wall time of the run (a timing).")

    def suite(self, name: str) -> SuiteSummary | None:
        """The summary of one suite."""
        return next((s for s in self.suites if s.suite == name), None)

    def write(self, path: Path) -> None:
        """Write the report as indented JSON."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.model_dump_json(indent=1) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> EvalReport:
        """Read a report written by :meth:`write` (``ValueError`` naming the file if invalid)."""
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: not a readable eval report ({exc})") from exc


def percentile(values: Iterable[float], q: float) -> float:
    """The ``q`` quantile (0-1) by the nearest-rank method; 0 for no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def summarize(suite: str, cases: list[CaseResult]) -> SuiteSummary:
    """The summary of one suite's case results."""
    passed = sum(1 for c in cases if c.passed)
    names = sorted({n for c in cases for n in c.scores})
    scores = {
        n: round(sum(vals) / len(vals), 4)
        for n in names
        if (vals := [c.scores[n] for c in cases if n in c.scores])
    }
    latencies: list[float] = []
    turns = input_tokens = output_tokens = 0
    for case in cases:
        output = case.output or {}
        for turn in output.get("turns", []):
            latencies.append(float(turn.get("latency_ms", 0.0)))
            turns += 1
        input_tokens += int(output.get("input_tokens") or 0)
        output_tokens += int(output.get("output_tokens") or 0)
    return SuiteSummary(
        suite=suite,
        cases=len(cases),
        passed=passed,
        pass_rate=round(passed / len(cases), 4) if cases else 0.0,
        scores=scores,
        latency_p50_ms=round(percentile(latencies, 0.5), 2),
        latency_p95_ms=round(percentile(latencies, 0.95), 2),
        turns=turns,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        failing=sorted({c.name for c in cases if not c.passed}),
    )


def strip_timings(value: Any) -> Any:
    """``value`` (a report as JSON data) without the keys of :data:`TIMING_KEYS`, recursively."""
    if isinstance(value, Mapping):
        return {k: strip_timings(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [strip_timings(v) for v in value]
    return value


def comparable(report: EvalReport) -> str:
    """Canonical JSON of the report without timings (equal for equal runs)."""
    return json.dumps(strip_timings(report.model_dump(mode="json")), sort_keys=True)


class GateFailure(BaseModel):
    """Why a suite fails the gate, and which cases."""

    suite: str
    reason: str
    cases: list[str] = Field(description="The suite's failing cases.")
    new: list[str] | None = Field(
        default=None, description="Failing now but passing in the baseline (with a baseline)."
    )

    def describe(self) -> str:
        """One line naming the suite, the reason and the cases."""
        text = f"suite {self.suite}: {self.reason}; failing cases: {_names(self.cases)}"
        if self.new is not None:
            text += f"; newly failing vs baseline: {_names(self.new)}"
        return text


def _names(names: list[str], limit: int = 30) -> str:
    return (", ".join(names[:limit]) + (" ..." if len(names) > limit else "")) or "none"


def gate(
    report: EvalReport,
    *,
    fail_under: float,
    tolerance: float,
    baseline: EvalReport | None = None,
) -> list[GateFailure]:
    """The suites that fail: under ``fail_under``, or regressed beyond ``tolerance``."""
    failures: list[GateFailure] = []
    for summary in report.suites:
        before = baseline.suite(summary.suite) if baseline else None
        new: list[str] | None = None
        if baseline is not None and before is not None:
            was_passing = {c.name for c in baseline.cases if c.suite == summary.suite and c.passed}
            new = [n for n in summary.failing if n in was_passing]
        if summary.pass_rate < fail_under:
            reason = f"pass rate {summary.pass_rate:.1%} is under {fail_under:.1%}"
            if before is not None:
                reason += f" (baseline {before.pass_rate:.1%})"
            failures.append(
                GateFailure(suite=summary.suite, reason=reason, cases=summary.failing, new=new)
            )
        elif before is not None and summary.pass_rate < before.pass_rate - tolerance:
            reason = (
                f"regressed from {before.pass_rate:.1%} to {summary.pass_rate:.1%} "
                f"(tolerance {tolerance:.1%})"
            )
            failures.append(
                GateFailure(suite=summary.suite, reason=reason, cases=summary.failing, new=new)
            )
    return failures
