"""Train the offline coach's intent router and print its figures.

    uv run python -m coach.offline_router_train            # train, write the artifact, report
    uv run python -m coach.offline_router_train --check    # report on the shipped artifact

Multinomial logistic regression over :func:`coach.offline_router.hashed_features`, fitted by
stochastic gradient descent in plain Python (no numerical library needed at run time or
here): examples are shuffled with a fixed seed, the learning rate decays per epoch and an
L2 penalty is applied to the rows each example touches. Weights are quantised to int8 per
label. Training data: ``coach/data/intents/train.tsv`` (``label<TAB>text``); held-out data:
``test.tsv`` (``label[,label...]<TAB>text``: a message may ask several things), written in
different words from the training phrasings and never trained on. The figures go in
``docs/offline-router.md``.
"""

from __future__ import annotations

import argparse
import json
import random
from array import array
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from coach.intents import Intent, recognise
from coach.offline_router import (
    ARTIFACT_BIN,
    ARTIFACT_JSON,
    DATA_DIR,
    HASH_BITS,
    hashed_features,
    load_router,
    softmax,
    weights_digest,
)

TRAIN: Final = DATA_DIR / "intents" / "train.tsv"
TEST: Final = DATA_DIR / "intents" / "test.tsv"
SEED: Final = 16
EPOCHS: Final = 60
LEARNING_RATE: Final = 0.6
DECAY: Final = 0.96
L2: Final = 1e-4


def read_tsv(path: Path) -> list[tuple[list[str], str]]:
    """``(labels, text)`` rows of a dataset file (blank lines and ``#`` comments skipped)."""
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        labels, sep, text = line.partition("\t")
        if not sep or not text.strip():
            raise ValueError(f"{path}:{number}: expected 'label<TAB>text'")
        names = labels.split(",")
        unknown = [n for n in names if n not in Intent.__members__.values()]
        if unknown:
            raise ValueError(f"{path}:{number}: unknown label(s) {unknown}")
        rows.append((names, text.strip()))
    return rows


def train(
    examples: Sequence[tuple[str, str]], labels: Sequence[str], *, seed: int = SEED
) -> tuple[list[float], dict[int, list[float]]]:
    """Biases and sparse weight rows fitted to ``(label, text)`` examples."""
    k = len(labels)
    index = {label: i for i, label in enumerate(labels)}
    data = [(hashed_features(text), index[label]) for label, text in examples]
    rows: dict[int, list[float]] = {}
    bias = [0.0] * k
    rng = random.Random(seed)
    rate = LEARNING_RATE
    for _ in range(EPOCHS):
        rng.shuffle(data)
        for features, target in data:
            logits = list(bias)
            for f, v in features.items():
                row = rows.get(f)
                if row is not None:
                    for j in range(k):
                        logits[j] += row[j] * v
            probs = softmax(logits)
            grads = [p - (1.0 if j == target else 0.0) for j, p in enumerate(probs)]
            for j in range(k):
                bias[j] -= rate * grads[j] * 0.1
            for f, v in features.items():
                row = rows.setdefault(f, [0.0] * k)
                for j in range(k):
                    row[j] -= rate * (grads[j] * v + L2 * row[j])
        rate *= DECAY
    return bias, rows


def quantise(rows: dict[int, list[float]], k: int) -> tuple[list[float], bytes]:
    """Per-label scales and the int8 weight table (all ``2**HASH_BITS`` rows)."""
    scales = []
    for j in range(k):
        top = max((abs(r[j]) for r in rows.values()), default=0.0)
        scales.append(top / 127.0 if top else 1.0)
    table = array("b", bytes((1 << HASH_BITS) * k))
    for f, row in rows.items():
        for j in range(k):
            table[f * k + j] = max(-127, min(127, round(row[j] / scales[j])))
    return scales, table.tobytes()


def write_artifact(
    labels: Sequence[str], bias: list[float], scales: list[float], raw: bytes
) -> None:
    """Write the weights and their JSON description (with the weights' SHA-256)."""
    ARTIFACT_BIN.write_bytes(raw)
    meta = {
        "labels": list(labels),
        "hash_bits": HASH_BITS,
        "bias": [round(b, 6) for b in bias],
        "scales": [round(s, 9) for s in scales],
        "weights_sha256": weights_digest(raw),
        "trained_on": TRAIN.name,
        "seed": SEED,
        "epochs": EPOCHS,
    }
    ARTIFACT_JSON.write_text(json.dumps(meta, indent=1) + "\n")
    load_router.cache_clear()


def report() -> dict[str, float]:
    """Accuracy of the shipped router on the training and the held-out phrasings."""
    train_rows = read_tsv(TRAIN)
    test_rows = read_tsv(TEST)
    train_ok = sum(recognise(text) == [Intent(labels[0])] for labels, text in train_rows)
    single = [(ls, t) for ls, t in test_rows if len(ls) == 1]
    multi = [(ls, t) for ls, t in test_rows if len(ls) > 1]
    misses: Counter[str] = Counter()
    single_ok = 0
    for labels, text in single:
        got = recognise(text, previous="How is my weight trending?")
        want = labels[0]
        if want == Intent.FOLLOW_UP:
            ok = got == recognise("How is my weight trending?")
        else:
            ok = got == [Intent(want)]
        single_ok += ok
        if not ok:
            misses[want] += 1
            print(f"  miss: {text!r}: want {want}, got {[str(g) for g in got]}")
    multi_ok = 0
    for labels, text in multi:
        got = recognise(text)
        ok = set(got) == {Intent(label) for label in labels}
        multi_ok += ok
        if not ok:
            print(f"  miss: {text!r}: want {labels}, got {[str(g) for g in got]}")
    figures = {
        "train_examples": len(train_rows),
        "train_accuracy": train_ok / len(train_rows),
        "heldout_single": len(single),
        "heldout_single_accuracy": single_ok / len(single),
        "heldout_multi": len(multi),
        "heldout_multi_exact": multi_ok / len(multi) if multi else 1.0,
    }
    for name, value in figures.items():
        print(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")
    if misses:
        print("held-out misses by label:", dict(misses))
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    """Train (unless ``--check``) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report on the artifact")
    options = parser.parse_args(argv)
    if not options.check:
        labels = [i.value for i in Intent]
        examples = [(names[0], text) for names, text in read_tsv(TRAIN)]
        bias, rows = train(examples, labels)
        scales, raw = quantise(rows, len(labels))
        write_artifact(labels, bias, scales, raw)
        print(f"wrote {ARTIFACT_JSON.name} and {ARTIFACT_BIN.name} ({len(raw)} bytes)")
    report()


if __name__ == "__main__":
    main()
