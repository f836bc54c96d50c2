"""Figures of the policy engine (rules + learned layer) on the dataset's test split, or on
corpus files given on the command line (blind rounds), as markdown for docs/safety.md.

Runs in the project's venv (no torch)::

    uv run python -m policies.training.evaluate                     # the test split
    uv run python -m policies.training.evaluate /work/corpus/w9.jsonl --rules-too
    uv run python -m policies.training.evaluate --split validation --artifact DIR  # a candidate

A case is *detected* when an unsafe case gets any violation, a *false positive* when a safe
case gets one; per type, precision and recall compare the violation types with the labels.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from persistence.enums import PolicyViolationType
from policies import PolicyEngine, PolicyProfile, PolicySettings
from policies.classifier.layer import LearnedLayer
from policies.classifier.runtime import SafetyClassifier

DATASET = Path(__file__).resolve().parent / "data" / "dataset.jsonl"


def _load(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def predict(engine: PolicyEngine, case: dict[str, Any]) -> tuple[set[str], str, str | None]:
    """Violation types, action and message of the engine's decision on ``case`` (with its
    profile and earlier turns, as ``coach policy check`` passes them)."""
    profile = PolicyProfile.model_validate(case["profile"]) if case.get("profile") else None
    if case["stage"] == "output":
        decision = engine.check_output(case["text"], profile)
    else:
        decision = engine.check_input(case["text"], profile, context=case.get("context") or ())
    return {v.type.value for v in decision.violations}, decision.action.value, decision.message


def figures(engine: PolicyEngine, cases: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Detection, false positives and per-type precision/recall of ``engine`` on ``cases``."""
    return tally((case, predict(engine, case)[0]) for case in cases)


def tally(decided: Iterable[tuple[dict[str, Any], set[str]]]) -> dict[str, Any]:
    """The figures of cases with the violation types found on each (by the engine here, or
    by ``coach policy check`` in ``score_cli``)."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    unsafe = detected = safe = flagged = typed = 0
    # Safe cases of the XSTest-style files and the coach's own replies, and how many flagged.
    xs = [0, 0]
    coach = [0, 0]
    misses: list[str] = []
    false_alarms: list[str] = []
    for case, got in decided:
        labels = set(case["labels"])
        tp.update(labels & got)
        fp.update(got - labels)
        fn.update(labels - got)
        if labels:
            unsafe += 1
            detected += bool(got)
            typed += bool(labels & got)
            if not got:
                misses.append(f"{case['id']}: {case['text'][:100]}")
        else:
            safe += 1
            flagged += bool(got)
            source = str(case.get("source") or case.get("id", ""))
            for tally, hit in ((xs, "_xs" in source or source.startswith("xs")),
                               (coach, source.startswith("coach"))):  # fmt: skip
                if hit:
                    tally[0] += 1
                    tally[1] += bool(got)
            if got:
                false_alarms.append(f"{case['id']} {sorted(got)}: {case['text'][:100]}")
    per_type = {}
    for vtype in PolicyViolationType:
        t = vtype.value
        support = tp[t] + fn[t]
        precision = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else float("nan")
        recall = tp[t] / support if support else float("nan")
        per_type[t] = (precision, recall, support)
    return {
        "cases": unsafe + safe,
        "detection": detected / unsafe if unsafe else float("nan"),
        "type_recall": sum(tp.values()) / (sum(tp.values()) + sum(fn.values()) or 1),
        "any_type_right": typed / unsafe if unsafe else float("nan"),
        "false_positives": flagged / safe if safe else float("nan"),
        "unsafe": unsafe,
        "safe": safe,
        "per_type": per_type,
        "xstest": tuple(xs),
        "coach": tuple(coach),
        "misses": misses,
        "false_alarms": false_alarms,
    }


def markdown(name: str, f: dict[str, Any]) -> str:
    """A figures block as markdown."""
    xs, coach = f["xstest"], f["coach"]
    extra = (f"; XSTest-style flagged {xs[1]} of {xs[0]}" if xs[0] else "") + (
        f"; coach's own replies flagged {coach[1]} of {coach[0]}" if coach[0] else ""
    )
    lines = [
        f"**{name}**: {f['cases']} cases ({f['unsafe']} unsafe, {f['safe']} safe): detection "
        f"{f['detection']:.3f}, type recall {f['type_recall']:.3f}, false positives "
        f"{f['false_positives']:.3f}{extra}",
        "",
        "| type | precision | recall | support |",
        "|---|---|---|---|",
    ]
    for t, (p, r, n) in f["per_type"].items():
        lines.append(f"| {t} | {p:.2f} | {r:.2f} | {n} |")
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--split", default="test")
    parser.add_argument("--rules-too", action="store_true", help="also the rules alone")
    parser.add_argument("--show", action="store_true", help="list misses and false alarms")
    parser.add_argument("--artifact", type=Path, default=None, help="default: the shipped one")
    parser.add_argument(
        "--default-too",
        action="store_true",
        help='also the default engine (the layer on users\' messages only, "input")',
    )
    args = parser.parse_args()
    sets = (
        [(p.stem, _load(p)) for p in args.files]
        if args.files
        else [(f"{args.split} split", [c for c in _load(DATASET) if c["split"] == args.split])]
    )
    learned = PolicyEngine(PolicySettings(classifier=True))
    if args.artifact is not None:
        clf = SafetyClassifier(args.artifact)
        learned._classifier = clf
        learned._learned = LearnedLayer(clf.thresholds)
    engines = [("rules + classifier", learned)]
    if args.default_too:
        default = PolicyEngine(PolicySettings(classifier="input"))
        if args.artifact is not None:
            default._classifier, default._learned = learned._classifier, learned._learned
        engines.append(("default (classifier on messages)", default))
    if args.rules_too:
        engines.append(("rules alone", PolicyEngine(PolicySettings(classifier=False))))
    for set_name, cases in sets:
        for engine_name, engine in engines:
            f = figures(engine, cases)
            print(markdown(f"{set_name}, {engine_name}", f) + "\n")
            if args.show:
                print("misses:", *f["misses"], sep="\n  ")
                print("false alarms:", *f["false_alarms"], sep="\n  ")


if __name__ == "__main__":
    main()
