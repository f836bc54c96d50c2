"""Fit the cheap first stage for reply sentences: a bag of token ids and token bigrams with a
logistic head, which lets the encoder skip sentences that are plainly safe.

Run in the training venv after ``train`` (it reads the shipped artifact)::

    python -m policies.training.gate [--artifact DIR]

Targets: a sentence is "risky" when it carries a label, or when the encoder scores any label
at half its threshold or more (the gate must pass what the encoder might flag). The gate's
threshold lets ``RECALL`` of the risky validation reply sentences through; the share of safe
reply sentences it screens out is printed (and written into the config).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .labels import LABELS
from .train import ARTIFACT, _load, model_text, write_artifact

BUCKETS = 1 << 16
#: Share of the risky validation reply sentences the gate must pass to the encoder.
RECALL = 0.99


def features(tok: Any, text: str) -> list[int]:
    """Unigram ids and hashed bigrams (offset past the vocabulary) of ``text``."""
    ids = tok.encode(text).ids[1:-1]
    vocab = tok.get_vocab_size()
    grams = [vocab + ((a * 1_000_003 + b) % BUCKETS) for a, b in itertools.pairwise(ids)]
    return sorted(set(ids + grams))


def main() -> None:
    """Fit the gate, calibrate it, add it to the artifact."""
    from policies.classifier.runtime import SafetyClassifier

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--artifact", type=Path, default=ARTIFACT)
    artifact = parser.parse_args().artifact
    torch.manual_seed(0)
    clf = SafetyClassifier(artifact)
    tok = clf._tok
    thresholds = clf.thresholds

    def risky(cases: list[dict[str, Any]]) -> np.ndarray:
        out = []
        for c in cases:
            s = clf.classify([c["text"]], output=c["stage"] == "output", context=c["context"])[0]
            near = any(s.labels[n] >= 0.5 * thresholds[n] for n in LABELS)
            out.append(1.0 if c["labels"] or near else 0.0)
        return np.array(out)

    train, validation = _load("train"), _load("validation")
    y_train, y_val = risky(train), risky(validation)
    width = tok.get_vocab_size() + BUCKETS
    bag = nn.EmbeddingBag(width, 1, mode="sum")
    nn.init.zeros_(bag.weight)
    bias = nn.Parameter(torch.zeros(1))
    opt = torch.optim.Adam([*bag.parameters(), bias], lr=0.05)
    feats = [features(tok, model_text(c["stage"], c["text"])) for c in train]
    flat = torch.tensor([f for fs in feats for f in fs])
    offsets = torch.tensor(np.cumsum([0] + [len(fs) for fs in feats[:-1]]))
    target = torch.tensor(y_train, dtype=torch.float32)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))
    for _ in range(300):
        logits = bag(flat, offsets).squeeze(1) + bias
        loss = loss_fn(logits, target) + 1e-4 * bag.weight.pow(2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    weights = bag.weight.detach().squeeze(1).numpy().astype(np.float16)
    b = float(bias.detach())

    def score(c: dict[str, Any]) -> float:
        f = features(tok, model_text(c["stage"], c["text"]))
        return float(weights[f].astype(np.float32).sum() + b)

    pairs = zip(validation, y_val, strict=True)
    val_out = [(score(c), y) for c, y in pairs if c["stage"] == "output"]
    risky_scores = np.sort([s for s, y in val_out if y])
    threshold = float(risky_scores[int(np.floor((1 - RECALL) * len(risky_scores)))]) - 1e-3
    safe = [s for s, y in val_out if not y]
    skipped = sum(1 for s in safe if s < threshold) / max(1, len(safe))
    print(f"gate: threshold {threshold:.3f}; screens out {skipped:.1%} of safe reply sentences")
    np.save(artifact / "gate.npy", weights)
    config = json.loads((artifact / "config.json").read_text())
    config["gate"] = {
        "bias": round(b, 6),
        "threshold": round(threshold, 6),
        "buckets": BUCKETS,
        "validation_safe_screened": round(skipped, 4),
        "sha256": hashlib.sha256((artifact / "gate.npy").read_bytes()).hexdigest(),
    }
    own = ("labels", "about", "thresholds", "max_length", "output_prefix")
    meta = {k: v for k, v in config.items() if k not in own}
    write_artifact(artifact, config["thresholds"], meta)


if __name__ == "__main__":
    main()
