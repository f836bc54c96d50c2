"""The learned intent router: its artifact, its reproducible training, held-out accuracy,
clauses and follow-ups."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from coach.intents import Intent, classify, recognise, tool_calls_for
from coach.offline_router import (
    ARTIFACT_BIN,
    ARTIFACT_JSON,
    ArtifactError,
    clauses,
    load_router,
)
from coach.offline_router_train import TEST, TRAIN, quantise, read_tsv, train

#: SHA-256 of coach/data/intent_router.bin: retraining changes it, deliberately.
ROUTER_SHA256 = "45a6892f8e97742bb6fb1fa43430704c101bcb8b15497339ab97c5e0771b6bd6"
#: The held-out accuracy the shipped router must keep (it measures 0.94 single-intent).
HELD_OUT_FLOOR = 0.9


def test_shipped_router_loads_and_knows_every_intent() -> None:
    router = load_router()
    assert router.labels == tuple(i.value for i in Intent)


def test_router_refuses_weights_that_do_not_match_their_hash(tmp_path: Path) -> None:
    json_path, bin_path = tmp_path / "r.json", tmp_path / "r.bin"
    shutil.copy(ARTIFACT_JSON, json_path)
    raw = bytearray(ARTIFACT_BIN.read_bytes())
    raw[100] = (raw[100] + 1) % 256
    bin_path.write_bytes(bytes(raw))
    with pytest.raises(ArtifactError, match="SHA-256"):
        load_router.__wrapped__(json_path, bin_path)


def test_training_is_reproducible_with_its_seed() -> None:
    examples = [(labels[0], text) for labels, text in read_tsv(TRAIN)][::6]
    labels = [i.value for i in Intent]
    first = quantise(train(examples, labels)[1], len(labels))
    second = quantise(train(examples, labels)[1], len(labels))
    assert first == second


def test_held_out_phrasings_are_routed_to_their_intent() -> None:
    rows = [(labels, text) for labels, text in read_tsv(TEST) if "follow_up" not in labels]
    hits = sum(set(recognise(text)) == {Intent(label) for label in labels} for labels, text in rows)
    assert len(rows) >= 90
    assert hits / len(rows) >= HELD_OUT_FLOOR


def test_no_held_out_phrasing_is_in_the_training_data() -> None:
    trained = {text.lower() for _, text in read_tsv(TRAIN)}
    assert not [text for _, text in read_tsv(TEST) if text.lower() in trained]


@pytest.mark.parametrize(
    ("message", "intents"),
    [
        ("What should my calories be?", [Intent.TARGETS]),
        ("How many calories have I been eating?", [Intent.INTAKE]),
        ("Propose a plan to lose 0.5 kg a week", [Intent.PLAN]),
        ("How do I log my weight?", [Intent.CHECKIN_HELP]),
        ("What's the weather in Paris?", [Intent.OUT_OF_SCOPE]),
        ("thanks!", [Intent.SMALL_TALK]),
    ],
)
def test_issue_questions_reach_the_right_intent(message: str, intents: list[Intent]) -> None:
    assert recognise(message) == intents


def test_clauses_split_questions_but_not_decimals() -> None:
    assert clauses("Can you save 81.2 kg? And how am I doing") == [
        "Can you save 81.2 kg",
        "And how am I doing",
    ]
    assert clauses("What's my BMI and my weight trend") == ["What's my BMI", "my weight trend"]
    assert clauses("How is my sleep and mood") == ["How is my sleep and mood"]


def test_follow_up_takes_the_intents_of_the_previous_message() -> None:
    previous = "How's my weight trending?"
    assert classify("What about over the last 3 months?") == [Intent.FOLLOW_UP]
    assert recognise("What about over the last 3 months?", previous) == [Intent.TREND]
    calls = tool_calls_for("What about over the last 3 months?", previous=previous)
    assert [(c.tool, c.args) for c in calls] == [("get_weight_trend", {"days": 90})]


def test_follow_up_without_an_earlier_message_uses_its_next_reading() -> None:
    assert Intent.FOLLOW_UP not in recognise("What does my scale trend look like lately?")


def test_shipped_weights_are_the_recorded_artifact() -> None:
    recorded = json.loads(ARTIFACT_JSON.read_text())["weights_sha256"]
    assert hashlib.sha256(ARTIFACT_BIN.read_bytes()).hexdigest() == recorded == ROUTER_SHA256
