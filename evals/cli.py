"""``coach eval``: run the eval suites, print a summary, write reports, gate on the results.

::

    coach eval [--suite S ...] [--model offline|openai-chat:...] [--judge MODEL]
               [--concurrency N] [--repeat N] [--report out.json] [--html out.html]
               [--baseline prev.json] [--fail-under 0.95] [--tolerance 0.02]

Exit status: 0 when every suite passes its gate, 1 when one is under ``--fail-under`` or has
regressed against ``--baseline`` beyond ``--tolerance`` (each such suite is named with its
failing cases), 2 for bad options.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from evals.harness import EngineOverrides
from evals.html import render_html
from evals.models import SUITES, RunOptions
from evals.report import EvalReport, gate
from evals.runner import run_evals
from persistence.errors import PersistenceError


class _Bar:
    """The runner's progress as a rich progress bar (one line per suite)."""

    def __init__(self, progress: RichProgress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def start(self, suite: str, total: int) -> None:
        self._tasks[suite] = self._progress.add_task(suite, total=total)

    def advance(self, suite: str) -> None:
        self._progress.advance(self._tasks[suite])


def summary_table(report: EvalReport, fail_under: float = 0.95) -> Table:
    """The per-suite summary: cases, pass rate, mean scores, p95 latency, tokens."""
    table = Table(title=f"coach eval: {report.model}")
    for column in ("suite", "cases", "pass rate", "mean scores", "p95 turn ms", "tokens"):
        table.add_column(column, justify="left" if column in ("suite", "mean scores") else "right")
    for s in report.suites:
        colour = "green" if not s.failing else ("yellow" if s.pass_rate >= fail_under else "red")
        table.add_row(
            s.suite,
            str(s.cases),
            f"[{colour}]{s.pass_rate:.1%}[/{colour}]",
            ", ".join(f"{k} {v:.2f}" for k, v in s.scores.items()) or "-",
            f"{s.latency_p95_ms:.0f}",
            f"{s.input_tokens + s.output_tokens:,}",
        )
    return table


def _server() -> tuple[str, bool]:
    from evals.database import server_url

    try:
        return server_url()
    except PersistenceError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def build_eval_app(overrides: EngineOverrides | None = None) -> typer.Typer:
    """The ``coach eval`` command; ``overrides`` inject engine parameters (tests, experiments)."""
    app = typer.Typer(
        help="Run the offline eval suites against the real engine and gate on the results.",
        invoke_without_command=True,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def eval_command(
        suite: Annotated[
            list[str] | None,
            typer.Option("--suite", "-s", help=f"suite to run (repeatable): {', '.join(SUITES)}"),
        ] = None,
        model: Annotated[
            str, typer.Option(help="model spec: offline, openai-chat:<model>, openai:<model>")
        ] = "offline",
        judge: Annotated[
            str | None, typer.Option(help="judge model spec for the coaching rubric")
        ] = None,
        concurrency: Annotated[int, typer.Option(min=1, max=64, help="cases at once")] = 4,
        repeat: Annotated[int, typer.Option(min=1, max=20, help="runs of each case")] = 1,
        report: Annotated[Path | None, typer.Option(help="write the JSON report here")] = None,
        html: Annotated[Path | None, typer.Option(help="write the HTML report here")] = None,
        baseline: Annotated[
            Path | None, typer.Option(help="JSON report of an earlier run to compare with")
        ] = None,
        fail_under: Annotated[
            float, typer.Option(min=0.0, max=1.0, help="minimum pass rate of every suite")
        ] = 0.95,
        tolerance: Annotated[
            float, typer.Option(min=0.0, max=1.0, help="allowed pass-rate drop vs baseline")
        ] = 0.02,
        case: Annotated[
            list[str] | None,
            typer.Option("--case", "-k", help="only cases whose name contains this"),
        ] = None,
        keep_db: Annotated[bool, typer.Option(help="keep the run's database")] = False,
    ) -> None:
        """Run the eval suites; exit 1 when a suite fails its gate."""
        out = Console()
        err = Console(stderr=True)
        try:
            options = RunOptions(
                suites=tuple(suite or SUITES),
                model=model,
                judge=judge,
                concurrency=concurrency,
                repeat=repeat,
                fail_under=fail_under,
                tolerance=tolerance,
                cases=tuple(case or ()),
            )
            previous = EvalReport.read(baseline) if baseline else None
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(p) for p in error["loc"]) or "options"
                err.print(f"[red]error:[/red] {where}: {escape(error['msg'])}")
            raise typer.Exit(2) from exc
        except ValueError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from exc
        url, embedded = _server()
        with RichProgress(
            TextColumn("{task.description:>9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        ) as bar:
            try:
                result = asyncio.run(
                    run_evals(
                        options,
                        server_url=url,
                        embedded=embedded,
                        overrides=overrides,
                        progress=_Bar(bar),
                        keep_database=keep_db,
                    )
                )
            except PersistenceError as exc:
                err.print(f"[red]error:[/red] {escape(str(exc))}")
                raise typer.Exit(2) from exc
        out.print(summary_table(result, fail_under))
        out.print(f"{len(result.cases)} case runs in {result.wall_s:.1f} s")
        if report:
            result.write(report)
            err.print(f"report: {report}")
        if html:
            html.parent.mkdir(parents=True, exist_ok=True)
            html.write_text(render_html(result, fail_under=fail_under), encoding="utf-8")
            err.print(f"html: {html}")
        failures = gate(result, fail_under=fail_under, tolerance=tolerance, baseline=previous)
        for failure in failures:
            out.print(f"[red]FAIL[/red] {escape(failure.describe())}", soft_wrap=True)
        if failures:
            raise typer.Exit(1)

    return app


eval_app = build_eval_app()
"""The ``coach eval`` command (mounted by ``coach.main``)."""
