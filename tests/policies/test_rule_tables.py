"""The rule files: they load, every rule has examples and the engine honours them."""

from __future__ import annotations

from importlib import resources

import pytest

from policies import PolicyEngine, PolicySettings, Stage
from policies.rules import RULE_FILES, TableError, TextRule, load_table, parse_table

DATA = resources.files("policies.rules") / "data"
TABLES = sorted(p.name.removesuffix(".yaml") for p in DATA.iterdir() if p.name.endswith(".yaml"))
RULES = [(name, rule) for name in RULE_FILES for rule in load_table(name).rules]


def _check(policy: PolicyEngine, rule: TextRule, text: str) -> set[str]:
    check = policy.check_input if Stage.INPUT in rule.stages else policy.check_output
    return {v.policy_id for v in check(text).violations}


@pytest.mark.parametrize("name", TABLES)
def test_every_table_loads_and_its_patterns_compile(name: str) -> None:
    table = load_table(name)
    for key in table.sources:
        assert table.compile(key).pattern == table.source(key)
    for key in table.lists:
        assert table.compile_each(key)


def test_rule_ids_are_unique_and_every_rule_file_is_run() -> None:
    ids = [rule.policy_id for _, rule in RULES]
    assert len(ids) == len(set(ids))
    assert set(RULE_FILES) <= set(TABLES)


@pytest.mark.parametrize(("name", "rule"), RULES, ids=[r.policy_id for _, r in RULES])
def test_rule_examples_match_and_no_match(policy: PolicyEngine, name: str, rule: TextRule) -> None:
    examples = load_table(name).examples[rule.policy_id]
    assert examples.match, f"{rule.policy_id} has no example it must flag"
    for text in examples.match:
        assert rule.policy_id in _check(policy, rule, text), text
    for text in examples.no_match:
        assert rule.policy_id not in _check(policy, rule, text), text


def test_violation_evidence_names_the_rule_file_and_id(policy: PolicyEngine) -> None:
    (violation,) = policy.check_input("I make myself sick after dinner").violations
    assert violation.policy_id == "ed.purging"
    assert "rules/data/ed.yaml#ed.purging" in violation.evidence


def test_disabled_rule_is_not_run() -> None:
    text = "I make myself sick after dinner"
    engine = PolicyEngine(PolicySettings(disabled_rules=frozenset({"ed.purging"})))
    assert "ed.purging" not in {v.policy_id for v in engine.check_input(text).violations}


def test_reference_to_another_pattern_expands() -> None:
    data = {"patterns": {"pet": ["cat", "dog"], "owner": r"my\s+(?:${pet})"}}
    assert parse_table("t", data, {}).source("owner") == r"my\s+(?:cat|dog)"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"patterns": {"a": "(unclosed"}}, "missing \\)"),
        ({"patterns": {"a": "${nowhere}"}}, "unknown reference"),
        ({"patterns": {"a": "${a}"}}, "refers to itself"),
        ({"rules": [{"id": "x.y", "patern": "a"}]}, "unknown keys"),
        ({"rules": [{"id": "x.y", "type": "nonsense", "severity": "warning",
                     "action": "adjust", "stages": "in", "topic": "t", "pattern": "a"}]},
         "nonsense"),
    ],
)  # fmt: skip
def test_bad_table_is_refused_naming_the_problem(data: dict[str, object], problem: str) -> None:
    with pytest.raises(TableError, match=problem):
        parse_table("t", data, {})
