"""Running suites: a fresh database, one harness, pydantic-evals per suite, one report.

::

    report = await run_evals(RunOptions(suites=("tools",)), server_url=url)
    failures = gate(report, fail_under=0.95, tolerance=0.02)

Suites run one after the other, each with up to ``concurrency`` cases at once (every case
has its own user, so concurrency never changes a result). With ``repeat`` every case runs
that many times, each on a fresh user.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from pydantic_ai import models
from pydantic_evals.reporting import EvaluationReport, ReportCase, ReportCaseFailure
from sqlalchemy.ext.asyncio import create_async_engine

from evals.database import fresh_database
from evals.harness import EngineOverrides, EvalHarness
from evals.models import CaseOutput, EvalInputs, RunOptions
from evals.report import AssertionResult, CaseResult, EvalReport, summarize
from evals.suites import load_suite
from persistence.db import create_session_factory
from tools.cache import ToolCache
from tools.factory import create_cache
from tools.settings import ToolSettings


class Progress(Protocol):
    """Where the runner reports progress (the CLI draws a rich progress bar)."""

    def start(self, suite: str, total: int) -> None:
        """A suite with ``total`` case runs begins."""

    def advance(self, suite: str) -> None:
        """One case run of ``suite`` finished."""


class _Quiet:
    def start(self, suite: str, total: int) -> None:
        pass

    def advance(self, suite: str) -> None:
        pass


def _case_result(
    suite: str, case: ReportCase[EvalInputs, CaseOutput, dict[str, Any]]
) -> CaseResult:
    assertions = {
        name: AssertionResult(value=bool(r.value), reason=r.reason)
        for name, r in case.assertions.items()
    }
    for failure in case.evaluator_failures:
        # An evaluator that crashed is a failed assertion, not a silent pass.
        assertions[failure.name] = AssertionResult(value=False, reason=failure.error_message)
    return CaseResult(
        suite=suite,
        name=case.name,
        source_case=case.source_case_name or case.name,
        passed=bool(assertions) and all(a.value for a in assertions.values()),
        assertions=assertions,
        scores={name: float(r.value) for name, r in case.scores.items()},
        metadata=dict(case.metadata or {}),
        inputs=case.inputs.model_dump(mode="json", exclude_defaults=True),
        output=case.output.model_dump(mode="json"),
        duration_ms=round(case.task_duration * 1000, 2),
    )


def _failure_result(
    suite: str, failure: ReportCaseFailure[EvalInputs, CaseOutput, dict[str, Any]]
) -> CaseResult:
    return CaseResult(
        suite=suite,
        name=failure.name,
        source_case=failure.source_case_name or failure.name,
        passed=False,
        error=failure.error_message,
        metadata=dict(failure.metadata or {}),
        inputs=failure.inputs.model_dump(mode="json", exclude_defaults=True),
    )


def case_results(
    suite: str, report: EvaluationReport[EvalInputs, CaseOutput, dict[str, Any]]
) -> list[CaseResult]:
    """A pydantic-evals report as case results, in the dataset's order."""
    results = [_case_result(suite, c) for c in report.cases]
    results += [_failure_result(suite, f) for f in report.failures]
    return sorted(results, key=lambda r: r.name)


async def run_suites(
    harness: EvalHarness,
    options: RunOptions,
    *,
    judge: models.Model | str | None = None,
    progress: Progress | None = None,
) -> EvalReport:
    """Run the selected suites with an existing harness."""
    progress = progress or _Quiet()
    started = time.perf_counter()
    cases: list[CaseResult] = []
    judge = judge if judge is not None else options.judge
    for suite in options.suites:
        dataset = load_suite(suite, judge=judge, only=options.cases)
        progress.start(suite, len(dataset.cases) * options.repeat)

        async def task(inputs: EvalInputs, suite: str = suite) -> CaseOutput:
            try:
                return await harness.run_case(inputs)
            finally:
                progress.advance(suite)

        if not dataset.cases:
            continue
        result = await dataset.evaluate(
            task,
            name=suite,
            max_concurrency=options.concurrency,
            progress=False,
            repeat=options.repeat,
        )
        cases.extend(case_results(suite, result))
    suites = [
        summarize(s, [c for c in cases if c.suite == s])
        for s in options.suites
        if any(c.suite == s for c in cases)
    ]
    return EvalReport(
        model=options.model,
        judge=options.judge if isinstance(options.judge, str) else None,
        repeat=options.repeat,
        suites=suites,
        cases=cases,
        wall_s=round(time.perf_counter() - started, 3),
    )


async def run_evals(
    options: RunOptions,
    *,
    server_url: str,
    embedded: bool = False,
    overrides: EngineOverrides | None = None,
    judge: models.Model | str | None = None,
    progress: Progress | None = None,
    cache: ToolCache | None = None,
    keep_database: bool = False,
) -> EvalReport:
    """Create a fresh database on the server of ``server_url``, run, report, drop it.

    ``cache`` defaults to the configured tool cache (Redis with ``REDIS_URL``, else
    in-process), as the app would build it.
    """
    started = time.perf_counter()
    async with fresh_database(server_url, embedded=embedded, keep=keep_database) as database:
        # A turn's concurrent tool calls each take a connection: a few per running case.
        engine = create_async_engine(
            database.url, pool_size=min(2 * options.concurrency + 2, 40), max_overflow=10
        )
        own_cache = cache is None
        tool_cache = cache or create_cache(ToolSettings())
        harness = EvalHarness(
            session_factory=create_session_factory(engine),
            cache=tool_cache,
            model=options.model,
            overrides=overrides or EngineOverrides(),
        )
        try:
            report = await run_suites(harness, options, judge=judge, progress=progress)
        finally:
            await harness.aclose()
            if own_cache:
                await tool_cache.aclose()
            await engine.dispose()
    return report.model_copy(update={"wall_s": round(time.perf_counter() - started, 3)})
