"""The offline coach's intent router: a learned classifier over what a message means.

A message is split into clauses (:func:`clauses`: sentences, and "... and how ..." joins),
and each clause is classified by a multinomial logistic regression trained on labelled
phrasings (``coach/data/intents/train.tsv``; held-out phrasings written differently in
``test.tsv``; :mod:`coach.offline_router_train` trains it with a fixed seed and writes the
artifact). Its features are hashed word unigrams and bigrams and character 3-5-grams of
each word (numbers folded to ``#``), so "what should my calories be" and "what's my calorie
allowance" share evidence without any keyword list. The artifact is two files in
``coach/data/``: ``intent_router.json`` (labels, feature settings, biases, int8 scales and
the SHA-256 of the weights) and ``intent_router.bin`` (int8 weights, one row of
``len(labels)`` per hashed feature); :func:`load_router` checks the hash.

:class:`Router` is the interface the offline model uses (``scores(texts)`` -> one
probability per label); a router over sentence embeddings can replace
:class:`HashedLinearRouter` behind it.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import re
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

from coach.text_numbers import normalise_numbers

DATA_DIR: Final = Path(__file__).resolve().parent / "data"
ARTIFACT_JSON: Final = DATA_DIR / "intent_router.json"
ARTIFACT_BIN: Final = DATA_DIR / "intent_router.bin"

#: Feature hashing: 2**HASH_BITS buckets, the top bit of the CRC-32 gives the sign.
HASH_BITS: Final = 14
CHAR_NGRAMS: Final = (3, 4, 5)

_TOKEN = re.compile(r"[a-z#]+(?:'[a-z]+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SENTENCE = re.compile(r"[.?!;]+(?=\s|$)|\n+")
#: A clause boundary inside a sentence: a joining word followed by a new question or request.
_JOIN = re.compile(
    r",?\s+(?:and|also|plus|then|but)\s+(?:also\s+)?(?=(?:how|what|what's|whats|when|where|which"
    r"|is|am|are|can|could|would|do|does|did|will|should|give|make|show|tell|build|create"
    r"|propose|plan|list|i'd|i want|i need)\b)"
    r"|,\s+(?=(?:how|what|what's|whats|when|can|could|will|should|is|am)\b)"
)


class Router(Protocol):
    """Classifies texts into the router's labels."""

    labels: tuple[str, ...]

    def scores(self, texts: Sequence[str]) -> list[list[float]]:
        """One probability per label (in :attr:`labels` order) for each text."""
        ...


def tokens(text: str) -> list[str]:
    """Lowercased words of ``text``, numbers (in digits or words) folded to ``#``."""
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return _TOKEN.findall(_NUMBER.sub(" # ", normalise_numbers(lowered)))


def feature_names(text: str) -> list[str]:
    """The features of ``text`` (with repeats): words, word pairs, character n-grams."""
    words = tokens(text)
    out = [f"w:{w}" for w in words]
    padded = ["<s>", *words, "</s>"]
    out.extend(f"b:{a}_{b}" for a, b in itertools.pairwise(padded))
    for word in words:
        marked = f"<{word}>"
        for n in CHAR_NGRAMS:
            out.extend(f"c:{marked[i : i + n]}" for i in range(len(marked) - n + 1))
    return out


def hashed_features(text: str, bits: int = HASH_BITS) -> dict[int, float]:
    """Signed hashed feature vector of ``text``: log(1 + count) per feature, L2-normalised."""
    mask = (1 << bits) - 1
    counts: dict[int, float] = {}
    for name in feature_names(text):
        h = zlib.crc32(name.encode())
        index, sign = h & mask, (1.0 if h >> 31 else -1.0)
        counts[index] = counts.get(index, 0.0) + sign
    vector = {i: math.copysign(math.log1p(abs(c)), c) for i, c in counts.items() if c}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {i: v / norm for i, v in vector.items()}


def softmax(logits: Sequence[float]) -> list[float]:
    """Probabilities from logits (numerically stable)."""
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    total = sum(exps)
    return [e / total for e in exps]


@dataclass(frozen=True)
class HashedLinearRouter:
    """Multinomial logistic regression over :func:`hashed_features`.

    ``weights`` holds int8 values row-major (feature, label); a label's weight is its int8
    value times ``scales[label]``.
    """

    labels: tuple[str, ...]
    bias: tuple[float, ...]
    scales: tuple[float, ...]
    weights: array[int]
    bits: int = HASH_BITS

    def logits(self, text: str) -> list[float]:
        """Raw scores of ``text`` per label."""
        k = len(self.labels)
        acc = [0.0] * k
        w = self.weights
        for index, value in hashed_features(text, self.bits).items():
            row = index * k
            for j in range(k):
                acc[j] += w[row + j] * value
        return [b + a * s for b, a, s in zip(self.bias, acc, self.scales, strict=True)]

    def scores(self, texts: Sequence[str]) -> list[list[float]]:
        """Label probabilities per text."""
        return [softmax(self.logits(t)) for t in texts]


def weights_digest(data: bytes) -> str:
    """SHA-256 of the weights file, as recorded in the artifact's JSON."""
    return hashlib.sha256(data).hexdigest()


class ArtifactError(RuntimeError):
    """The router's artifact is missing or does not match its recorded hash."""


@functools.cache
def load_router(
    json_path: Path = ARTIFACT_JSON, bin_path: Path = ARTIFACT_BIN
) -> HashedLinearRouter:
    """The trained router (read once per process; the weights' hash is checked)."""
    meta = json.loads(json_path.read_text())
    raw = bin_path.read_bytes()
    if weights_digest(raw) != meta["weights_sha256"]:
        raise ArtifactError(f"{bin_path}: SHA-256 does not match {json_path}; retrain the router")
    weights = array("b")
    weights.frombytes(raw)
    labels = tuple(meta["labels"])
    if len(weights) != (1 << meta["hash_bits"]) * len(labels):
        raise ArtifactError(f"{bin_path}: {len(weights)} weights for {len(labels)} labels")
    return HashedLinearRouter(
        labels=labels,
        bias=tuple(meta["bias"]),
        scales=tuple(meta["scales"]),
        weights=weights,
        bits=meta["hash_bits"],
    )


#: "my BMI and my weight trend": a second possessive noun phrase asks a second thing.
_POSSESSIVE_JOIN = re.compile(r",?\s+(?:and|&|plus)\s+(?=(?:my|your)\b)")


def clauses(message: str) -> list[str]:
    """The message split into clauses that may each ask something (never empty)."""
    parts: list[str] = []
    for sentence in _SENTENCE.split(message):
        for clause in _JOIN.split(sentence.strip()):
            for piece in _POSSESSIVE_JOIN.split(clause):
                if piece.strip(" ,"):
                    parts.append(piece.strip(" ,"))
    return parts or [message]
