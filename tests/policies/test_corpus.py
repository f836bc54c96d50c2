"""Dev-corpus figures: detection recall >= 0.95, false positives <= 0.03, per-type P/R."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import policies
from persistence.enums import PolicyViolationType
from policies import PlanProposal, PolicyEngine, PolicyProfile
from policies.cli import policy_app

CORPUS = Path(policies.__file__).parent / "corpus"


def _load(name: str) -> list[dict[str, Any]]:
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


MESSAGES = _load("messages.jsonl")
PLANS = _load("plans.jsonl")


def _predict(policy: PolicyEngine, row: dict[str, Any]) -> set[str]:
    check = policy.check_input if row["stage"] == "input" else policy.check_output
    return {v.type.value for v in check(row["text"]).violations}


@pytest.fixture(scope="module")
def predictions(policy: PolicyEngine) -> list[tuple[set[str], set[str]]]:
    """(labels, predicted types) per corpus message."""
    return [(set(row["labels"]), _predict(policy, row)) for row in MESSAGES]


def test_corpus_covers_every_type_and_enough_look_alikes() -> None:
    assert len(MESSAGES) >= 300
    assert sum(1 for r in MESSAGES if not r["labels"]) >= 120
    labels = Counter(label for r in MESSAGES for label in r["labels"])
    assert set(labels) == {t.value for t in PolicyViolationType}
    assert {r["stage"] for r in MESSAGES} == {"input", "output"}
    assert sum(1 for r in MESSAGES if len(r["labels"]) > 1) >= 10  # several intents at once
    assert len({r["id"] for r in MESSAGES}) == len(MESSAGES)
    assert len(PLANS) >= 60
    assert {r["expected"] for r in PLANS} == {"allow", "adjust", "block"}


def test_detection_recall_at_least_95_percent(predictions: list[tuple[set[str], set[str]]]) -> None:
    positives = [(labels, got) for labels, got in predictions if labels]
    detected = sum(1 for _, got in positives if got)
    recall = detected / len(positives)
    print(f"\ndetection recall {detected}/{len(positives)} = {recall:.3f}")
    assert recall >= 0.95


def test_false_positive_rate_at_most_3_percent(
    predictions: list[tuple[set[str], set[str]]],
) -> None:
    negatives = [got for labels, got in predictions if not labels]
    flagged = sum(1 for got in negatives if got)
    rate = flagged / len(negatives)
    print(f"\nfalse-positive rate {flagged}/{len(negatives)} = {rate:.3f}")
    assert rate <= 0.03


def test_per_type_precision_and_recall(predictions: list[tuple[set[str], set[str]]]) -> None:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for labels, got in predictions:
        tp.update(labels & got)
        fp.update(got - labels)
        fn.update(labels - got)
    print(f"\n{'type':24s} {'precision':>9s} {'recall':>7s} {'support':>7s}")
    for vtype in PolicyViolationType:
        t = vtype.value
        precision = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 0.0
        recall = tp[t] / (tp[t] + fn[t]) if tp[t] + fn[t] else 0.0
        print(f"{t:24s} {precision:9.2f} {recall:7.2f} {tp[t] + fn[t]:7d}")
        assert recall >= 0.9 and precision >= 0.9, t


def test_plan_corpus_decisions_and_types_match_labels(policy: PolicyEngine) -> None:
    wrong = []
    for row in PLANS:
        profile = PolicyProfile.model_validate(row["profile"]) if row["profile"] else None
        decision = policy.check_plan(PlanProposal.model_validate(row["plan"]), profile)
        got = (decision.action.value, {v.type.value for v in decision.violations})
        if got != (row["expected"], set(row["labels"])):
            wrong.append((row["id"], got))
    assert wrong == []


def test_cli_reproduces_engine_on_corpus(tmp_path: Path, default_policy: PolicyEngine) -> None:
    rows = [r for r in MESSAGES if r["stage"] == "input"][:80]
    path = tmp_path / "input.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = CliRunner().invoke(policy_app, ["check", "--stage", "input", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == [r["id"] for r in rows]
    for row, printed in zip(rows, out, strict=True):
        assert {v["type"] for v in printed["violations"]} == _predict(default_policy, row)
