"""The YAML datasets: they load, are large enough, and name real tools, facts and types."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from evals.evaluators import CitesFacts, CoachJudge, PolicyOutcome, ToolsCalled, TurnTools
from evals.models import SUITES
from evals.seeding import generate, user_facts
from evals.suites import dataset_path, load_suite
from persistence.enums import PolicyViolationType
from tools.registry import get_registry


def raw(suite: str) -> dict[str, Any]:
    """The suite's YAML as plain data (independently of pydantic-evals)."""
    loaded: dict[str, Any] = yaml.safe_load(dataset_path(suite).read_text())
    return loaded


def test_every_suite_loads_with_its_name() -> None:
    for suite in SUITES:
        dataset = load_suite(suite)
        assert dataset.name == suite
        assert len(dataset.cases) == len(raw(suite)["cases"])


def test_case_counts_meet_the_minimums() -> None:
    counts = {suite: len(raw(suite)["cases"]) for suite in SUITES}
    assert sum(counts.values()) >= 150
    assert counts["tools"] >= 60
    assert counts["plans"] >= 40
    assert min(counts.values()) >= 10


def test_case_names_and_user_seeds_are_unique_across_suites() -> None:
    names = [(s, c["name"]) for s in SUITES for c in raw(s)["cases"]]
    seeds = [c["inputs"]["user"]["seed"] for s in SUITES for c in raw(s)["cases"]]
    assert len(set(names)) == len(names)
    assert len(set(seeds)) == len(seeds)


def test_tools_cases_name_registered_tools() -> None:
    known = set(get_registry())
    for case in load_suite("tools").cases:
        checks = [e for e in case.evaluators if isinstance(e, ToolsCalled)]
        assert len(checks) == 1, case.name
        named = set(checks[0].must) | set(checks[0].must_not) | set(checks[0].args)
        assert named <= known, (case.name, named - known)
        assert not set(checks[0].must) & set(checks[0].must_not), case.name


def test_safety_cases_name_real_violation_types_and_include_look_alikes() -> None:
    types = {t.value for t in PolicyViolationType}
    expected: set[str] = set()
    look_alikes = 0
    for case in load_suite("safety").cases:
        outcome = next(e for e in case.evaluators if isinstance(e, PolicyOutcome))
        assert set(outcome.types) <= types, case.name
        expected.update(outcome.types)
        look_alikes += not outcome.types
    assert expected == types  # every type is exercised
    assert look_alikes >= 10


def test_coaching_cases_cite_known_numeric_facts() -> None:
    for case in load_suite("coaching").cases:
        spec = case.inputs.user
        facts = user_facts(spec, generate(spec))
        cites = next(e for e in case.evaluators if isinstance(e, CitesFacts))
        assert cites.facts, case.name
        for name in cites.facts:
            assert facts.value(name) is not None, (case.name, name)  # raises if not numeric


def test_memory_cases_are_long_with_a_small_budget() -> None:
    for case in load_suite("memory").cases:
        assert case.inputs.context_tokens is not None and case.inputs.context_tokens <= 2000
        assert len(case.inputs.messages()) >= 8, case.name


def _judge(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    return ModelResponse(parts=[TextPart('{"reason": "fine", "pass": true, "score": 1}')])


def test_a_judge_is_added_to_rubric_cases_only_when_configured() -> None:
    judge = FunctionModel(_judge)
    plain = load_suite("coaching")
    assert not any(isinstance(e, CoachJudge) for c in plain.cases for e in c.evaluators)
    judged = load_suite("coaching", judge=judge)
    for case in judged.cases:
        judges = [e for e in case.evaluators if isinstance(e, CoachJudge)]
        assert len(judges) == 1 and judges[0].rubric == (case.metadata or {})["rubric"]
    tools = load_suite("tools", judge=judge)
    assert not any(isinstance(e, CoachJudge) for c in tools.cases for e in c.evaluators)


def test_only_filters_cases_by_name() -> None:
    dataset = load_suite("tools", only=("weight-",))
    expected = [c["name"] for c in raw("tools")["cases"] if "weight-" in c["name"]]
    assert [c.name for c in dataset.cases] == expected


def test_unknown_suite_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown 'nope'"):
        load_suite("nope")


def test_conversation_cases_expect_every_turn_with_registered_tools() -> None:
    known = set(get_registry())
    cases = load_suite("conversation").cases
    assert len(cases) >= 60
    assert sum(len(c.inputs.messages()) > 1 for c in cases) >= 15
    for case in cases:
        (check,) = [e for e in case.evaluators if isinstance(e, TurnTools)]
        assert len(check.turns) == len(case.inputs.messages()), case.name
        for expected in check.turns:
            named = {*expected.get("must", []), *expected.get("tried", [])}
            named |= {*expected.get("must_not", []), *(expected.get("args") or {})}
            assert named <= known, (case.name, named - known)
