"""Blind-round figures through ``coach policy check``, the public contract outside checks use.

``evaluate.py`` calls the engine in-process; this runs the installed ``coach`` command, one
call per stage with ``--jsonl -`` (profile and earlier turns passed as the CLI takes them),
so a first-contact figure is measured exactly as an outsider would measure it::

    uv run python -m policies.training.score_cli /work/blind19/*.jsonl
    uv run python -m policies.training.score_cli FILES --env POLICY_CLASSIFIER=1 --misses 20

Per file, the figures of ``evaluate`` (detection, type recall, false positives, recall per
type); ``--misses`` lists that many missed and falsely flagged cases.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from policies.training.evaluate import _load, tally


def _coach() -> str:
    """The ``coach`` command of this environment."""
    beside = Path(sys.executable).with_name("coach")
    return str(beside) if beside.exists() else shutil.which("coach") or "coach"


def check(
    coach: str, stage: str, cases: list[dict[str, Any]], env: dict[str, str]
) -> dict[str, set[str]]:
    """Violation types per case id, from one ``coach policy check`` call for ``stage``."""
    lines = []
    for case in cases:
        item: dict[str, Any] = {"id": case["id"], "text": case["text"]}
        if case.get("profile"):
            item["profile"] = case["profile"]
        if case.get("context") and stage == "input":
            item["context"] = case["context"]
        lines.append(json.dumps(item, ensure_ascii=False))
    done = subprocess.run(
        [coach, "policy", "check", "--stage", stage, "--jsonl", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(results) != len(cases):
        raise RuntimeError(f"{len(cases)} {stage} cases sent, {len(results)} decisions back")
    return {r["id"]: {v["type"] for v in r["violations"]} for r in results}


def score(path: Path, coach: str, env: dict[str, str], misses: int) -> None:
    """Print one file's figures (counted as ``evaluate`` counts them)."""
    cases = _load(path)
    got: dict[str, set[str]] = {}
    for stage in ("input", "output"):
        staged = [c for c in cases if c["stage"] == stage]
        if staged:
            got.update(check(coach, stage, staged, env))
    f = tally((case, got[case["id"]]) for case in cases)
    print(
        f"{path.stem}: {f['unsafe']} unsafe, {f['safe']} safe | detection "
        f"{f['detection']:.3f}, type recall {f['type_recall']:.3f} | false positives "
        f"{f['false_positives']:.3f} ({len(f['false_alarms'])} of {f['safe']})"
    )
    recalls = {t: f"{r:.2f} of {n}" for t, (_, r, n) in f["per_type"].items() if n}
    if recalls:
        print("   recall per type:", recalls)
    for line in f["misses"][:misses]:
        print("   miss", line)
    for line in f["false_alarms"][:misses]:
        print("   alarm", line)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--coach", default=_coach(), help="the coach command to run")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for it")
    parser.add_argument("--misses", type=int, default=0, help="list that many misses")
    args = parser.parse_args()
    env = dict(os.environ)
    for pair in args.env:
        name, _, value = pair.partition("=")
        env[name] = value
    for path in args.files:
        score(path, args.coach, env, args.misses)


if __name__ == "__main__":
    main()
