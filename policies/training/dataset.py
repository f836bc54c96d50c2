"""Build the classifier's dataset: every corpus file, families, and a split by family.

Run in the training venv (see ``requirements.txt``)::

    python -m policies.training.dataset [--import-from /work/corpus]

Sources, in ``policies/training/data/``:

- ``corpus/*.jsonl``: cases from the corpus writers (fields ``id, family, stage, text,
  labels, about, self_harm``; see docs/safety.md). ``--import-from DIR`` first copies every
  ``*.jsonl`` of DIR there, so re-running picks up new files.
- ``policies/corpus/messages.jsonl``: the rules' development corpus. It has no families, no
  ``about`` and no ``self_harm``: families are derived by clustering near-paraphrases (the
  base encoder's embeddings, cosine >= ``FAMILY_COSINE``, linked transitively), ``self_harm``
  is read from wording where it is clear and masked otherwise, ``about`` is masked.
- The coach's own replies (``coach_replies.py``): referrals, crisis lines, safe replacements
  and the offline coach's sentences, generated from the project's code at build time, as
  safe output cases (source ``coach``; train and validation only).
- Targeted training cases (``targeted_*.jsonl``): written to teach what the blind rounds
  showed the model missing (quoted text adopted or rejected, short follow-ups whose risk is
  in the earlier turns, plain coaching requests), never scored as a blind round. A source
  group of their own, drawing after the blind rounds, so adding them moves no earlier case.
- Blind rounds (``blind_*.jsonl``) are held out: never copied, never split, never trained on,
  until the coordinator has recorded their first-contact figures and the file is named in
  ``folded.txt`` (one file name a line).

Output: ``data/dataset.jsonl`` (one case a line with its ``split``) and ``data/split.json``
(counts per split). Families are assigned whole to train / validation / test (70/15/15),
stratified by their main label, with a fixed seed: no family straddles splits.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .coach_replies import coach_cases
from .labels import ABOUT, LABELS, TYPES

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
CORPUS_DIR = DATA / "corpus"
DEV_CORPUS = HERE.parent / "corpus" / "messages.jsonl"
SEED = 20261206
FAMILY_COSINE = 0.82
SPLITS = (("train", 0.70), ("validation", 0.15), ("test", 0.15))
#: The last blind round of those folded in together (rounds 11-16, for the round-2 model).
LAST_ROUND_TOGETHER = 16
#: The coach's own replies: train and validation only (the test split stays comparable with
#: the earlier rounds'; calibration reads validation).
COACH_SPLITS = (("train", 0.75), ("validation", 0.25))

_SELF_HARM = re.compile(
    r"\b(?:kill(?:ing)?\s+my\s?self|suicid\w*|end\s+(?:it|my\s+life|things)|want\s+to\s+die"
    r"|wanna\s+die|better\s+off\s+dead|not\s+(?:wake|be\s+here)|cut(?:ting)?\s+(?:my|myself)"
    r"|hurt(?:ing)?\s+myself|self[\s-]?harm|disappear|vanish|no\s+point\s+(?:in\s+)?(?:living"
    r"|anymore)|don'?t\s+want\s+to\s+(?:be\s+here|live|exist)|unalive|overdose|slit|jump\s+off"
    r"|burn(?:ing)?\s+myself|wish\s+i\s+(?:was|were)\s+dead)",
    re.IGNORECASE,
)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}:{n}: not JSON ({exc.msg})") from None
    return rows


def _clean(row: dict[str, Any], source: str) -> dict[str, Any] | None:
    """One case in the dataset's shape, or None when it is unusable."""
    text = row.get("text")
    labels = row.get("labels")
    if not isinstance(text, str) or not text.strip() or not isinstance(labels, list):
        return None
    if any(label not in TYPES for label in labels) or row.get("stage") not in ("input", "output"):
        return None
    about = row.get("about")
    self_harm = row.get("self_harm")
    context = row.get("context")
    return {
        "id": f"{source}:{row['id']}",
        "family": f"{source}:{row.get('family') or row['id']}",
        "source": source,
        "stage": row["stage"],
        "text": text,
        "context": context if isinstance(context, list) else [],
        "labels": sorted(set(labels)),
        "about": about if about in ABOUT else None,
        "self_harm": self_harm if isinstance(self_harm, bool) else None,
        "style": row.get("style"),
        "profile": row.get("profile") if isinstance(row.get("profile"), dict) else None,
    }


def held_out(name: str, folded: set[str]) -> bool:
    """True for a blind round not yet folded in."""
    return name.startswith("blind_") and name not in folded


def writer_cases(folded: set[str]) -> list[dict[str, Any]]:
    """Cases of every corpus file except the blind rounds held out."""
    cases = []
    # The writers' files first, then the folded blind rounds: a text both hold is kept as the
    # writers' case, so folding a round in never removes a case from an existing family.
    # The targeted files last: a text an earlier file holds stays in that file's family.
    paths = sorted(CORPUS_DIR.glob("*.jsonl"), key=lambda p: (_file_order(p.name), p.name))
    for path in paths:
        if held_out(path.name, folded):
            continue
        source = path.stem
        for row in _read_jsonl(path):
            case = _clean(row, source)
            if case is not None:
                cases.append(case)
    return cases


def dev_cases() -> list[dict[str, Any]]:
    """The rules' development corpus, ``self_harm`` read from wording, ``about`` masked."""
    cases = []
    for row in _read_jsonl(DEV_CORPUS):
        case = _clean(row, "dev")
        if case is None:
            continue
        if "unsafe_content" not in case["labels"]:
            case["self_harm"] = False
        elif case["stage"] == "input" and _SELF_HARM.search(case["text"]):
            case["self_harm"] = True
        if case["labels"] and case["stage"] == "input" and case["self_harm"]:
            case["about"] = "self"
        cases.append(case)
    return cases


def derive_families(cases: list[dict[str, Any]], vectors: Any) -> None:
    """Group near-paraphrases into families (in place): cosine >= FAMILY_COSINE, transitive.

    Only cases of the same stage and label set are linked: a paraphrase with other labels is
    a different situation, and a look-alike kept apart from its unsafe twin is what makes the
    test split hard.
    """
    import numpy as np

    parent = list(range(len(cases)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sims = vectors @ vectors.T
    keys = [(c["stage"], tuple(c["labels"])) for c in cases]
    for i, j in zip(*np.nonzero(np.triu(sims, 1) >= FAMILY_COSINE), strict=True):
        if keys[i] == keys[j]:
            parent[find(int(i))] = find(int(j))
    for i, case in enumerate(cases):
        case["family"] = f"dev:fam{find(i):05d}"


def _file_order(name: str) -> int:
    return 2 if name.startswith("targeted_") else 1 if name.startswith("blind_") else 0


def _main_label(labels: Iterable[str]) -> str:
    order = ["unsafe_content", "eating_disorder_signal", "medical_claim", *TYPES]
    present = set(labels)
    return next((label for label in order if label in present), "safe")


def _group(source: str) -> str:
    """The stratum's source group: the dev corpus, the writers' files, the blind rounds or the
    coach's own replies.

    Rounds 11-16 (folded in together for the round-2 model) are one group; each later round
    is a group of its own (``blind_r17``), drawing after the earlier ones, so folding a round
    in moves no case of an earlier round to another split.
    """
    if source in ("dev", "coach"):
        return source
    if source.startswith("targeted_"):
        return "targeted"
    if not source.startswith("blind_"):
        return "writers"
    match = re.match(r"blind_r(\d+)_", source)
    if match and int(match.group(1)) > LAST_ROUND_TOGETHER:
        return f"blind_r{int(match.group(1)):03d}"
    return "blind"


def assign_splits(cases: list[dict[str, Any]]) -> None:
    """Whole families to train/validation/test, stratified by source group and main label,
    seeded. Folded blind rounds are a group of their own, so folding one in leaves every
    earlier family in the split it had (a model trained before stays off the new test split).
    """
    families: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        families[case["family"]].append(case)
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for fam, members in families.items():
        label = Counter(_main_label(m["labels"]) for m in members).most_common(1)[0][0]
        strata[(_group(members[0]["source"]), label)].append(fam)
    rng = random.Random(SEED)
    # The blind rounds' strata draw after the others, so the earlier groups' draws stay as
    # they were; then the targeted cases; the coach's own replies draw last (adding them
    # moved no earlier family).
    order = {"coach": 3, "targeted": 2}
    for key in sorted(strata, key=lambda k: (order.get(k[0], 0), k[0].startswith("blind"), k)):
        fams = sorted(strata[key])
        rng.shuffle(fams)
        n = len(fams)
        shares = COACH_SPLITS if key[0] == "coach" else SPLITS
        cut_train = round(n * shares[0][1])
        cut_val = n if key[0] == "coach" else cut_train + round(n * shares[1][1])
        for k, fam in enumerate(fams):
            split = "train" if k < cut_train else "validation" if k < cut_val else "test"
            for case in families[fam]:
                case["split"] = split


def _embed_for_families(texts: list[str]) -> Any:
    from .encoder import base_encoder

    return base_encoder().embed(texts)


def build(import_from: Path | None) -> list[dict[str, Any]]:
    """Import new corpus files, then build and write the dataset."""
    CORPUS_DIR.mkdir(parents=True, exist_ok=True)
    folded_file = DATA / "folded.txt"
    folded = set(folded_file.read_text().split()) if folded_file.exists() else set()
    if import_from is not None:
        for path in sorted(import_from.glob("*.jsonl")):
            if not held_out(path.name, folded):
                shutil.copyfile(path, CORPUS_DIR / path.name)
    dev = dev_cases()
    derive_families(dev, _embed_for_families([c["text"] for c in dev]))
    cases = dev + writer_cases(folded) + coach_cases(SEED)
    seen: set[str] = set()
    unique = []
    for case in cases:  # the same text twice would straddle splits
        key = re.sub(r"\W+", " ", case["text"].lower()).strip()
        if key not in seen:
            seen.add(key)
            unique.append(case)
    assign_splits(unique)
    with (DATA / "dataset.jsonl").open("w", encoding="utf-8") as out:
        for case in unique:
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
    summary = {
        "seed": SEED,
        "family_cosine": FAMILY_COSINE,
        "blind_folded_in": sorted(folded),
        "sources": dict(Counter(c["source"] for c in unique)),
        "splits": {
            split: {
                "cases": sum(1 for c in unique if c["split"] == split),
                "families": len({c["family"] for c in unique if c["split"] == split}),
                "safe": sum(1 for c in unique if c["split"] == split and not c["labels"]),
                "labels": dict(
                    Counter(lb for c in unique if c["split"] == split for lb in c["labels"])
                ),
            }
            for split, _ in SPLITS
        },
        "sha256": hashlib.sha256((DATA / "dataset.jsonl").read_bytes()).hexdigest(),
    }
    (DATA / "split.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return unique


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--import-from", type=Path, default=None)
    args = parser.parse_args()
    cases = build(args.import_from)
    print(json.dumps(json.loads((DATA / "split.json").read_text())["splits"], indent=1))
    print(f"{len(cases)} cases; labels known: {sorted(LABELS)}")


if __name__ == "__main__":
    main()
