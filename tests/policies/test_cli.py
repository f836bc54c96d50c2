"""The ``coach policy check`` contract, exercised on ``policy_app``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policies.cli import policy_app

RUNNER = CliRunner()
KEYS = {"id", "decision", "violations", "message"}


def _rows(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_text_input_prints_one_decision_with_null_id() -> None:
    result = RUNNER.invoke(
        policy_app, ["check", "--stage", "input", "--text", "I want to eat 700 kcal a day"]
    )
    assert result.exit_code == 0, result.output
    [row] = _rows(result.output)
    assert set(row) == KEYS and row["id"] is None
    assert row["decision"] == "block"
    assert row["violations"] == [
        {"type": "calorie_minimum", "severity": "critical", "action": "block"}
    ]
    assert isinstance(row["message"], str)


def test_safe_text_allowed_with_null_message() -> None:
    result = RUNNER.invoke(policy_app, ["check", "--stage", "output", "--text", "Drink water."])
    assert _rows(result.output) == [
        {"id": None, "decision": "allow", "violations": [], "message": None}
    ]


def test_jsonl_input_keeps_ids_and_ignores_extra_keys(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        {"id": "a", "text": "how do I kill a Python process", "labels": []},
        {"id": 7, "text": "I want to kill myself", "stage": "input"},
        {},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines[:2]) + "\n\n", encoding="utf-8")
    result = RUNNER.invoke(policy_app, ["check", "--stage", "input", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    rows = _rows(result.output)
    assert [r["id"] for r in rows] == ["a", 7]
    assert rows[0]["decision"] == "allow" and rows[1]["decision"] == "refer"
    assert all(set(r) == KEYS for r in rows)


def test_plan_stage_reads_profile_and_plan(tmp_path: Path) -> None:
    path = tmp_path / "plans.jsonl"
    rows_in = [
        {"id": "p1", "profile": {"sex": "female"}, "plan": {"calories_kcal": 900}},
        {"id": "p2", "profile": None, "plan": {"calories_kcal": 2000, "protein_g": 120}},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows_in), encoding="utf-8")
    result = RUNNER.invoke(policy_app, ["check", "--stage", "plan", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["decision"]) for r in _rows(result.output)] == [
        ("p1", "adjust"),
        ("p2", "allow"),
    ]


def test_plan_option_with_profile_option() -> None:
    args = ["check", "--stage", "plan", "--plan", '{"weekly_change_kg": -0.5}',
            "--profile", '{"sex": "male", "birth_year": 2012, "weight_kg": 60}']  # fmt: skip
    result = RUNNER.invoke(policy_app, args)
    assert result.exit_code == 0, result.output
    assert _rows(result.output)[0]["decision"] == "block"


def test_profile_option_applies_to_text() -> None:
    args = ["check", "--stage", "input", "--text", "I want to eat 1,400 kcal a day",
            "--profile", '{"sex": "male"}']  # fmt: skip
    assert _rows(RUNNER.invoke(policy_app, args).output)[0]["decision"] == "adjust"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["check", "--stage", "bogus", "--text", "x"], "--stage"),
        (["check", "--stage", "input"], "--text"),
        (["check", "--stage", "plan"], "--plan"),
        (["check", "--stage", "input", "--text", "x", "--profile", "{bad"], "--profile"),
        (
            ["check", "--stage", "input", "--text", "x", "--profile", '{"weight_kg": "heavy"}'],
            "weight_kg",
        ),
        (["check", "--stage", "plan", "--plan", '{"calories_kcal": -5}'], "calories_kcal"),
        (["check", "--stage", "input", "--jsonl", "/nonexistent/file.jsonl"], "cannot read"),
    ],
)
def test_bad_input_exits_2_with_clear_error(args: list[str], needle: str) -> None:
    result = RUNNER.invoke(policy_app, args)
    assert result.exit_code == 2
    assert needle in result.output
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(
        result.exception, SystemExit
    )


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('{"id": 1, "text": "ok"}\nnot json\n', "line 2"),
        ('["a list"]\n', "line 1"),
        ('{"id": 1}\n', "'text'"),
    ],
)
def test_bad_jsonl_line_exits_2_naming_line(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    result = RUNNER.invoke(policy_app, ["check", "--stage", "input", "--jsonl", str(path)])
    assert result.exit_code == 2 and needle in result.output
    assert '"decision"' not in result.output  # nothing printed before the error
