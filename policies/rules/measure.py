"""Each rule's hits and precision on labelled JSONL files: which rules earn their place.

    python -m policies.rules.measure FILE.jsonl [...] [--disable RULE_ID ...]

Lines are ``{"id", "stage", "text", "labels", ["profile"], ["context"]}`` (the corpus format
of ``policies/corpus`` and the labelled rounds). For every policy id that fired: ``hits``,
``tp`` (the case carries the rule's violation type), ``precision`` and ``only`` (true
positives no other rule or check found: what the recall would lose without it). Not imported
at run time.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..engine import PolicyEngine
from ..models import PolicyProfile
from ..settings import PolicySettings


def measure(rows: list[dict[str, Any]], engine: PolicyEngine) -> dict[str, list[int]]:
    """``policy_id -> [hits, true positives, sole true positives]``."""
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        profile = PolicyProfile.model_validate(row["profile"]) if row.get("profile") else None
        if row["stage"] == "input":
            decision = engine.check_input(row["text"], profile, context=row.get("context"))
        else:
            decision = engine.check_output(row["text"], profile)
        by_type: dict[str, set[str]] = defaultdict(set)
        for v in decision.violations:
            by_type[v.type.value].add(v.policy_id)
        for vtype, ids in by_type.items():
            for pid in ids:
                s = stats[pid]
                s[0] += 1
                if vtype in row["labels"]:
                    s[1] += 1
                    s[2] += len(ids) == 1
    return stats


def main(argv: list[str] | None = None) -> None:
    """Print one line per rule, most hits first."""
    parser = argparse.ArgumentParser(prog="python -m policies.rules.measure")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--disable", nargs="*", default=[], help="rule ids to switch off")
    args = parser.parse_args(argv)
    rows = [
        json.loads(line)
        for path in args.files
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    engine = PolicyEngine(PolicySettings(disabled_rules=frozenset(args.disable)))
    stats = measure(rows, engine)
    print(f"{len(rows)} cases")
    print(f"{'policy_id':40} {'hits':>5} {'tp':>5} {'prec':>6} {'only':>5}")
    for pid, (hits, tp, only) in sorted(stats.items(), key=lambda kv: -kv[1][0]):
        print(f"{pid:40} {hits:5d} {tp:5d} {tp / hits:6.2f} {only:5d}")


if __name__ == "__main__":
    main()
