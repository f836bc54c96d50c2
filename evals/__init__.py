"""Offline eval suite of the coach: datasets (YAML), evaluators, runner, reports, ``coach eval``.

Public API::

    run_evals, run_suites, Progress            run suites on a fresh database / a harness
    EvalHarness, EngineOverrides               one case through the real engine; injection
    load_suite, case_counts, DATASETS_DIR      the YAML datasets
    EvalInputs, UserSpec, CaseOutput, ...      what a case gives and what a run produces
    EvalReport, gate, strip_timings, ...       the JSON report and the exit-code gate
    render_html                                the HTML report
    build_eval_app                             the ``coach eval`` Typer app
"""

from evals.cli import build_eval_app
from evals.harness import EngineOverrides, EvalHarness
from evals.html import render_html
from evals.models import (
    SUITES,
    CaseOutput,
    EvalInputs,
    PlanRecord,
    RunOptions,
    ToolCallRecord,
    TurnBlock,
    TurnRecord,
    UserFacts,
    UserSpec,
    ViolationRecord,
)
from evals.report import (
    CaseResult,
    EvalReport,
    GateFailure,
    SuiteSummary,
    comparable,
    gate,
    strip_timings,
)
from evals.runner import Progress, run_evals, run_suites
from evals.suites import DATASETS_DIR, case_counts, load_suite

__all__ = [
    "DATASETS_DIR",
    "SUITES",
    "CaseOutput",
    "CaseResult",
    "EngineOverrides",
    "EvalHarness",
    "EvalInputs",
    "EvalReport",
    "GateFailure",
    "PlanRecord",
    "Progress",
    "RunOptions",
    "SuiteSummary",
    "ToolCallRecord",
    "TurnBlock",
    "TurnRecord",
    "UserFacts",
    "UserSpec",
    "ViolationRecord",
    "build_eval_app",
    "case_counts",
    "comparable",
    "gate",
    "load_suite",
    "render_html",
    "run_evals",
    "run_suites",
    "strip_timings",
]
