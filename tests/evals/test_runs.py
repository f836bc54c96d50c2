"""End to end on real PostgreSQL: runs are deterministic, planted regressions fail the gate.

Each run creates its own database on the test server (``admin_database_url``), seeds a
user per case and drives the real engine with the offline model. The regressions are
injected through constructor parameters (``EngineOverrides``), never by editing code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from typer.testing import CliRunner

from evals.cli import build_eval_app
from evals.harness import EngineOverrides
from evals.models import RunOptions
from evals.report import EvalReport, comparable
from evals.runner import run_evals
from evals.suites import dataset_path
from policies.settings import PolicySettings

#: A few cases of every suite: concurrent tool calls, a referral, a plan adjustment, a
#: refused plan, a long session with summarization, a cited number.
SAMPLE = (
    "multi-tdee-and-goal",
    "multi-sleep-and-streak",
    "ed-vomiting",
    "safe-kill-python",
    "request-low-1000-female",
    "minor-16",
    "flag-survives-calorie",
    "nutrition-week-1",
)
TOOL_CASES = "weight-trend"
PLAN_CASES = "request-low-1000"


def cases_of(suite: str, needle: str) -> list[dict[str, Any]]:
    """The suite's YAML cases whose name contains ``needle``."""
    loaded = yaml.safe_load(dataset_path(suite).read_text())
    return [c for c in loaded["cases"] if needle in c["name"]]


def invoke(args: list[str], server: str, overrides: EngineOverrides | None = None) -> Any:
    """``coach eval ARGS`` against the test server."""
    runner = CliRunner()
    return runner.invoke(build_eval_app(overrides), args, env={"DATABASE_URL": server})


async def test_offline_runs_are_identical_apart_from_timings(admin_database_url: str) -> None:
    options = RunOptions(cases=SAMPLE, concurrency=4)
    first = await run_evals(options, server_url=admin_database_url)
    second = await run_evals(options, server_url=admin_database_url)
    assert {c.suite for c in first.cases} == {"safety", "tools", "plans", "memory", "coaching"}
    assert len(first.cases) >= len(SAMPLE)
    assert comparable(first) == comparable(second)
    assert first.model_dump() != second.model_dump()  # the timings did differ


@pytest.fixture(scope="module")
def baseline(admin_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean run of the cases the regressions break; it passes the gate."""
    path = tmp_path_factory.mktemp("evals") / "baseline.json"
    args = ["-s", "tools", "-s", "plans", "-k", TOOL_CASES, "-k", PLAN_CASES]
    result = invoke([*args, "--report", str(path)], admin_database_url)
    assert result.exit_code == 0, result.output
    return path


def test_removed_tool_fails_the_tools_suite_naming_the_cases(
    admin_database_url: str, baseline: Path
) -> None:
    hidden = EngineOverrides(hidden_tools=frozenset({"get_weight_trend"}))
    args = ["-s", "tools", "-k", TOOL_CASES, "--baseline", str(baseline)]
    result = invoke(args, admin_database_url, hidden)
    assert result.exit_code == 1, result.output
    failing = [
        c["name"]
        for c in cases_of("tools", TOOL_CASES)
        if "get_weight_trend" in c["evaluators"][0]["ToolsCalled"]["must"]
    ]
    assert failing
    line = next(x for x in result.stdout.splitlines() if x.startswith("FAIL"))
    assert "suite tools" in line
    for name in failing:
        assert name in line


def test_loosened_calorie_floor_fails_the_plans_suite(
    admin_database_url: str, baseline: Path, tmp_path: Path
) -> None:
    loose = EngineOverrides(
        policy_settings=PolicySettings(
            calorie_floor_female=800, calorie_floor_male=800, calorie_floor_text_unknown_sex=800
        )
    )
    report_path = tmp_path / "loose.json"
    args = [
        "-s",
        "plans",
        "-k",
        PLAN_CASES,
        "--baseline",
        str(baseline),
        "--report",
        str(report_path),
    ]
    result = invoke(args, admin_database_url, loose)
    assert result.exit_code == 1, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("FAIL"))
    assert "suite plans" in line
    report = EvalReport.read(report_path)
    failed = [c for c in report.cases if not c.passed]
    assert failed
    for case in failed:
        assert case.name in line
        reason = case.assertions["PlanInBounds"].reason or ""
        assert "floor" in reason, reason


def test_bad_options_exit_2_naming_the_problem(admin_database_url: str, tmp_path: Path) -> None:
    result = invoke(["-s", "nonsense"], admin_database_url)
    assert result.exit_code == 2 and "nonsense" in result.output
    result = invoke(["--model", "gpt-4"], admin_database_url)
    assert result.exit_code == 2 and "model" in result.output and "gpt-4" in result.output
    missing = tmp_path / "missing.json"
    result = invoke(["-s", "tools", "--baseline", str(missing)], admin_database_url)
    assert result.exit_code == 2 and "missing.json" in result.output


async def test_a_configured_judge_grades_coaching_replies(admin_database_url: str) -> None:
    prompts: list[str] = []

    def judge(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        prompts.append(str(messages[-1]))
        verdict = {"reason": "cites the numbers", "pass": True, "score": 0.75}
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, verdict)])

    options = RunOptions(suites=("coaching", "tools"), cases=("nutrition-week-1", "bmr"))
    report = await run_evals(options, server_url=admin_database_url, judge=FunctionModel(judge))
    coaching = next(c for c in report.cases if c.suite == "coaching")
    tools = next(c for c in report.cases if c.suite == "tools")
    assert coaching.assertions["CoachJudge"].value is True
    assert coaching.scores["judge_score"] == 0.75
    assert "CoachJudge" not in tools.assertions
    assert len(prompts) == 1
    reply = coaching.output["turns"][-1]["reply"] if coaching.output else ""
    assert "user_true_numbers" in prompts[0] and reply[:40] in prompts[0]
