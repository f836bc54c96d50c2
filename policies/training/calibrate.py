"""Calibrate the thresholds for the whole engine (rules + learned layer) on the validation split.

Runs in the project's venv (no torch)::

    uv run python -m policies.training.calibrate [--artifact DIR] [--max-fp 0.05] [--write]

``train`` sets each label's threshold from a per-label false-positive budget, which ignores
the rules' own false positives and how the labels add up. Here each validation case goes once
through the engine as ``evaluate`` runs it (its profile and earlier turns; the rules' findings
and the classifier's scores as the engine computes them), and then only the combination
(``LearnedLayer.combine``) is replayed for candidate thresholds. A threshold also sets the bar
for keeping the rules' findings of its type (``CONFIRM_RATIO`` of it), so the replay is the
engine's own decision, not an estimate.

The search is a greedy path: every threshold starts at the top of ``GRID``; each step lowers
the one threshold (to any lower notch, down to its ``FLOORS``) that finds the most unsafe
cases per safe case flagged (a step that flags no more safe cases goes first). The path is
printed; the chosen point is the one with the highest detection whose false-positive rate is
at most ``--max-fp`` (default: the rules' own rate on the validation split, so the layer adds
detection without adding false positives). ``--write`` stores its thresholds in the
artifact's ``config.json`` and rewrites ``SHA256SUMS``.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from persistence.enums import PolicyViolationType
from policies import PolicyEngine, PolicyProfile, PolicySettings
from policies._findings import Finding
from policies.classifier.layer import LearnedLayer, Outcome
from policies.classifier.runtime import ARTIFACT, SafetyClassifier, Scores
from policies.models import Stage

DATASET = Path(__file__).resolve().parent / "data" / "dataset.jsonl"
#: Candidate thresholds, highest first.
GRID = (
    0.995, 0.99, 0.985, 0.98, 0.97, 0.96, 0.95, 0.94, 0.92, 0.9, 0.88, 0.85, 0.82, 0.8, 0.75,
    0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35,
)  # fmt: skip


#: Lowest threshold per label. Round 2 set ``self_harm`` to 0.9: the coach's own crisis reply
#: ("I'm really sorry you're feeling this way ... call or text 988") scored 0.65-0.88 at the
#: output check, so a lower threshold referred the referral itself (the memory eval suite
#: failed) and the validation split had no reply of the coach's own to show it. Round 3 trains
#: on the coach's replies and has them in validation (``coach_replies.py``), so the path sees
#: that cost itself and ``self_harm`` has no floor (``--self-harm-floor`` sets one). The
#: numeric backstops keep 0.9: below it a plain request ("Give me a nutrition plan", 0.85
#: ``calorie_minimum`` with the round-3 3-layer candidate) fires, which the validation split
#: has too few plain requests to show (the plans eval suite fell to 88 %).
NUMERIC_FLOOR = 0.9
FLOORS = {
    "self_harm": 0.0,
    **dict.fromkeys(
        ("calorie_minimum", "calorie_maximum", "protein_minimum", "weight_loss_rate"), NUMERIC_FLOOR
    ),
}


@dataclass(slots=True)
class Case:
    """What the combination needs for one case, read once through the engine."""

    labels: frozenset[str]
    text: str
    stage: Stage
    rules: list[Finding]
    scores: Scores
    read: frozenset[PolicyViolationType]
    readable: float = 1.0
    earlier: bool = False


def capture(artifact: Path, cases: list[dict[str, Any]]) -> list[Case | None]:
    """Each case's inputs to ``LearnedLayer.combine``, as the engine builds them."""
    engine = PolicyEngine(PolicySettings(classifier=True))
    clf = SafetyClassifier(artifact)
    layer = LearnedLayer(clf.thresholds)
    engine._classifier = clf
    engine._learned = layer
    seen: list[
        tuple[str, Stage, list[Finding], Scores, frozenset[PolicyViolationType], float, bool]
    ] = []

    def spy(
        text: str,
        stage: Stage,
        rules: list[Finding],
        scores: Scores,
        read: Callable[[], frozenset[PolicyViolationType]],
        *,
        readable: float = 1.0,
        earlier: bool = False,
    ) -> Outcome:
        seen.append((text, stage, list(rules), scores, read(), readable, earlier))
        return Outcome([])

    layer.combine = spy  # type: ignore[method-assign]
    out: list[Case | None] = []
    for case in cases:
        seen.clear()
        engine._memo.clear()
        profile = PolicyProfile.model_validate(case["profile"]) if case.get("profile") else None
        if case["stage"] == "output":
            engine.check_output(case["text"], profile)
        else:
            engine.check_input(case["text"], profile, context=case.get("context") or ())
        labels = frozenset(case["labels"])
        out.append(Case(labels, *seen[0]) if seen else None)
    return out


def _same(read: frozenset[PolicyViolationType]) -> frozenset[PolicyViolationType]:
    return read


def replay(cases: list[Case | None], thresholds: dict[str, float]) -> list[set[str]]:
    """The violation types of each case under ``thresholds``."""
    layer = LearnedLayer(thresholds)
    types: list[set[str]] = []
    for c in cases:
        if c is None:
            types.append(set())
            continue
        read = functools.partial(_same, c.read)
        outcome = layer.combine(
            c.text, c.stage, c.rules, c.scores, read, readable=c.readable, earlier=c.earlier
        )
        types.append({f.type.value for f in outcome.findings})
    return types


def score(got: list[set[str]], raw: list[dict[str, Any]]) -> tuple[int, int]:
    """(unsafe cases detected, safe cases flagged)."""
    detected = sum(1 for c, g in zip(raw, got, strict=True) if c["labels"] and g)
    flagged = sum(1 for c, g in zip(raw, got, strict=True) if not c["labels"] and g)
    return detected, flagged


def greedy_path(
    cases: list[Case | None],
    raw: list[dict[str, Any]],
    names: tuple[str, ...],
    floors: dict[str, float] | None = None,
) -> list[tuple[int, int, dict[str, float]]]:
    """Points (detected, flagged, thresholds) from every threshold at the top of ``GRID`` down
    (to ``floors``, by default ``FLOORS``)."""
    floors = FLOORS if floors is None else floors
    at = dict.fromkeys(names, 0)

    def thresholds(pos: dict[str, int]) -> dict[str, float]:
        return {n: GRID[k] for n, k in pos.items()}

    det, fp = score(replay(cases, thresholds(at)), raw)
    path = [(det, fp, thresholds(at))]
    while True:
        best: tuple[float, str, int, int, int] | None = None
        for name in names:
            for k in range(at[name] + 1, len(GRID)):
                if GRID[k] < floors.get(name, 0.0):
                    break
                trial = {**at, name: k}
                d, f = score(replay(cases, thresholds(trial)), raw)
                gain, cost = d - det, f - fp
                if gain <= 0:
                    continue
                value = float("inf") if cost <= 0 else gain / cost
                if best is None or (value, gain) > (best[0], best[3] - det):
                    best = (value, name, k, d, f)
        if best is None:
            break
        _, name, k, det, fp = best
        at[name] = k
        path.append((det, fp, thresholds(at)))
    return path


def safe_flags(got: list[set[str]], raw: list[dict[str, Any]]) -> str:
    """How many safe XSTest-style cases and coach's own replies ``got`` flags."""
    parts = []
    for name, hit in (
        ("XSTest-style", lambda r: "_xs" in r.get("source", "")),
        ("coach's own replies", lambda r: r.get("source") == "coach"),
    ):
        rows = [g for r, g in zip(raw, got, strict=True) if not r["labels"] and hit(r)]
        if rows:
            parts.append(f"{name} flagged {sum(1 for g in rows if g)} of {len(rows)}")
    return "; ".join(parts)


def write(artifact: Path, thresholds: dict[str, float], meta: dict[str, Any]) -> None:
    """New thresholds in ``config.json``, and the artifact's hashes again."""
    config = json.loads((artifact / "config.json").read_text(encoding="utf-8"))
    config["thresholds"] = thresholds
    config["calibration"] = meta
    (artifact / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    names = ["model.onnx", "tokenizer.json", "config.json"]
    if (artifact / "gate.npy").exists():
        names.append("gate.npy")
    sums = {n: hashlib.sha256((artifact / n).read_bytes()).hexdigest() for n in names}
    (artifact / "SHA256SUMS").write_text(
        "".join(f"{digest}  {name}\n" for name, digest in sums.items()), encoding="utf-8"
    )


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--artifact", type=Path, default=ARTIFACT)
    parser.add_argument("--split", default="validation")
    parser.add_argument("--max-fp", type=float, default=None, help="default: the rules' own")
    parser.add_argument("--write", action="store_true", help="store the chosen thresholds")
    parser.add_argument(
        "--self-harm-floor",
        type=float,
        default=FLOORS["self_harm"],
        help="lowest self_harm threshold on the path (0: none)",
    )
    args = parser.parse_args()
    floors = {**FLOORS, "self_harm": args.self_harm_floor}
    rows = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines()]
    raw = [r for r in rows if r["split"] == args.split]
    unsafe = sum(1 for r in raw if r["labels"])
    safe = len(raw) - unsafe
    rules = PolicyEngine(PolicySettings(classifier=False))
    r_det = r_fp = 0
    for r in raw:
        profile = PolicyProfile.model_validate(r["profile"]) if r.get("profile") else None
        if r["stage"] == "output":
            decision = rules.check_output(r["text"], profile)
        else:
            decision = rules.check_input(r["text"], profile, context=r.get("context") or ())
        r_det += bool(r["labels"] and decision.violations)
        r_fp += bool(not r["labels"] and decision.violations)
    print(f"{args.split}: {unsafe} unsafe, {safe} safe")
    print(f"rules alone: detection {r_det / unsafe:.3f}, false positives {r_fp / safe:.3f}")
    cases = capture(args.artifact, raw)
    clf_thresholds = json.loads((args.artifact / "config.json").read_text())["thresholds"]
    got = replay(cases, clf_thresholds)
    d, f = score(got, raw)
    print(f"artifact's thresholds: detection {d / unsafe:.3f}, false positives {f / safe:.3f}; "
          f"{safe_flags(got, raw)}")  # fmt: skip
    own = [c for c, r in zip(cases, raw, strict=True) if c is not None and r["source"] == "coach"]
    if own:
        top = max(own, key=lambda c: c.scores.labels["self_harm"])
        print(f"coach's own replies: highest self_harm {top.scores.labels['self_harm']:.3f} "
              f"({top.text[:60]!r})")  # fmt: skip
    names = tuple(clf_thresholds)
    path = greedy_path(cases, raw, names, floors)
    print("path (detection, false positives, thresholds):")
    for d, f, t in path:
        short = " ".join(f"{n[:6]}={v:g}" for n, v in t.items())
        print(f"  {d / unsafe:.3f} {f / safe:.3f}  {short}")
    max_fp = args.max_fp if args.max_fp is not None else r_fp / safe
    ok = [p for p in path if p[1] / safe <= max_fp + 1e-9]
    d, f, chosen = max(ok, key=lambda p: (p[0], -p[1])) if ok else path[0]
    print(f"chosen (false positives <= {max_fp:.3f}): detection {d / unsafe:.3f}, "
          f"false positives {f / safe:.3f}; {safe_flags(replay(cases, chosen), raw)}")  # fmt: skip
    print(json.dumps(chosen))
    if args.write:
        meta = {
            "method": "greedy path on the whole engine's figures (policies/training/calibrate.py)",
            "split": args.split,
            "max_false_positives": round(max_fp, 4),
            "self_harm_floor": args.self_harm_floor,
            "detection": round(d / unsafe, 4),
            "false_positives": round(f / safe, 4),
        }
        write(args.artifact, chosen, meta)
        print(f"written to {args.artifact / 'config.json'}")


if __name__ == "__main__":
    main()
