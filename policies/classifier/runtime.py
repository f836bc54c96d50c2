"""The learned safety classifier at run time: ONNX Runtime + tokenizers + numpy, no torch.

The artifact (``artifact/``: ``model.onnx`` int8, ``tokenizer.json``, ``config.json`` with the
labels, the "about" classes and the calibrated thresholds, ``SHA256SUMS``) ships inside the
package; nothing is downloaded. :func:`load_classifier` builds one session per process, on
first use (never at import), with one intra-op thread.

Texts are tokenised without padding; several texts (a reply's sentences, the windows of a
long message) go through the model in one run, padded to the longest. A text longer than the
model's window is read as overlapping windows, and a message of several sentences is also
read sentence by sentence (in the same run); each label takes its highest score over them,
so a risk buried after a long food log or a benign opening is still seen. A sentence alone
has lost who it is about, so its scores count only when the whole text (the "about" head) is
the writer's own: "My roommate throws up after dinner. I'm worried." is not read as "I'm
worried" plus a purge.

Reply sentences, and users' messages the rules found nothing in, can first pass a *gate*
(``gate.npy``): a logistic model over the text's token ids and token bigrams, a few
microseconds, calibrated so that every validation case the encoder might flag passes it.
Texts under its threshold skip the encoder (their scores are zero), which is most of an
ordinary reply and many everyday questions. A message is gated together with the user's
previous one, so a follow-up to a risky message is still read.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Tokenizer

ARTIFACT = Path(__file__).resolve().parent / "artifact"
#: Where a message splits into sentences; each is also read on its own (max per label).
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
#: Words of two letters or more (any alphabet) for :meth:`SafetyClassifier.readable_share`.
_WORDS = re.compile(r"[^\W\d_]{2,}")
#: Tokens shared by two neighbouring windows of a long text.
WINDOW_OVERLAP = 32
#: "About" classes of a text that is the writer's own (not someone else's, a story or a
#: question for learning): only then do its sentences' own scores count; any other class is
#: a mention (``layer``).
OWN = frozenset({"self", "none"})


@dataclass(frozen=True, slots=True)
class Scores:
    """One text's scores: a probability per label and the "about" distribution."""

    labels: Mapping[str, float]
    about: Mapping[str, float]

    @property
    def about_top(self) -> str:
        """The most likely "about" class."""
        return max(self.about, key=lambda k: self.about[k])


class SafetyClassifier:
    """Multi-label safety classifier with an "about" head and sentence embeddings."""

    def __init__(self, directory: Path = ARTIFACT) -> None:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        self.labels: tuple[str, ...] = tuple(config["labels"])
        self.about: tuple[str, ...] = tuple(config["about"])
        self.thresholds: dict[str, float] = {k: float(v) for k, v in config["thresholds"].items()}
        self.max_length = int(config["max_length"])
        self._output_prefix = str(config["output_prefix"])
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(directory / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._tok = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.no_truncation()
        cls_id, sep_id = self._tok.token_to_id("[CLS]"), self._tok.token_to_id("[SEP]")
        if cls_id is None or sep_id is None:
            raise ValueError("the classifier's tokenizer has no [CLS]/[SEP] token")
        self._cls, self._sep = cls_id, sep_id
        gate = config.get("gate")
        self._gate: npt.NDArray[np.float32] | None = None
        if gate is not None:
            self._gate = np.load(directory / "gate.npy").astype(np.float32)
            self._gate_bias = float(gate["bias"])
            self._gate_threshold = float(gate["threshold"])
            self._buckets = int(gate["buckets"])
            self._vocab = self._tok.get_vocab_size()

    # -- public API ----------------------------------------------------------------------------
    def classify(
        self,
        texts: Sequence[str],
        *,
        output: bool = False,
        context: Sequence[str] = (),
        screen: bool = False,
    ) -> list[Scores]:
        """Scores for each text (one batched run); ``output`` marks the coach's reply text,
        ``context`` holds earlier user turns read together with every text; with ``screen``
        the gate decides first which texts the encoder reads (the rest score zero), reading
        each with the last earlier turn."""
        if not texts:
            return []
        prefix = self._output_prefix if output else ""
        ctx = " ".join(context).strip()
        before = f"{context[-1].strip()} " if context else ""
        read = [
            i for i, t in enumerate(texts) if not screen or self.passes_gate(before + prefix + t)
        ]
        windows: list[list[int]] = []
        owner: list[int] = []
        whole: list[bool] = []
        for i in read:
            for w in self._windows(prefix + texts[i], ctx):
                windows.append(w)
                owner.append(i)
                whole.append(True)
            parts = [p for p in _SENTENCE.split(texts[i]) if len(p.split()) >= 3]
            for part in parts if len(parts) > 1 else ():
                for w in self._windows(prefix + part, ""):
                    windows.append(w)
                    owner.append(i)
                    whole.append(False)
        result = [self._quiet] * len(texts)
        if not windows:
            return result
        labels, about, _ = self._run(windows)
        own, full = np.array(owner), np.array(whole)
        for i in read:
            rows = own == i
            abo = about[rows & full].mean(axis=0)
            # A sentence read alone has lost who it is about ("I'm worried.", "she eats 900"):
            # what only a sentence reaches counts when the whole text is the writer's own.
            own_text = self.about[int(abo.argmax())] in OWN
            lab = labels[rows if own_text else rows & full].max(axis=0)
            result[i] = Scores(
                dict(zip(self.labels, lab.tolist(), strict=True)),
                dict(zip(self.about, abo.tolist(), strict=True)),
            )
        return result

    def readable_share(self, text: str) -> float:
        """The share of ``text``'s words the tokenizer holds whole: English text scores
        0.85-0.95, text mostly in another language (which the encoder, trained on English,
        cannot read) under 0.6."""
        words = _WORDS.findall(text.lower())
        if not words:
            return 1.0
        return sum(self._tok.token_to_id(w) is not None for w in words) / len(words)

    def passes_gate(self, text: str) -> bool:
        """True when the encoder must read ``text`` (always, without a gate)."""
        if self._gate is None:
            return True
        ids = self._tok.encode(text).ids[1:-1]
        grams = [
            self._vocab + ((a * 1_000_003 + b) % self._buckets) for a, b in itertools.pairwise(ids)
        ]
        feats = sorted(set(ids + grams))
        return float(self._gate[feats].sum()) + self._gate_bias >= self._gate_threshold

    @functools.cached_property
    def _quiet(self) -> Scores:
        """The scores of a text the gate screened out."""
        about = {name: 1.0 if name == "none" else 0.0 for name in self.about}
        return Scores(dict.fromkeys(self.labels, 0.0), about)

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Unit-length sentence embeddings (mean-pooled encoder output), one row per text;
        a long text is the normalised mean of its windows."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        windows: list[list[int]] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            for w in self._windows(text, ""):
                windows.append(w)
                owner.append(i)
        _, _, vectors = self._run(windows)
        own = np.array(owner)
        out = np.stack([vectors[own == i].mean(axis=0) for i in range(len(texts))])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: npt.NDArray[np.float32] = (out / np.maximum(norms, 1e-12)).astype(np.float32)
        return result

    # -- internals -----------------------------------------------------------------------------
    def _windows(self, text: str, context: str) -> list[list[int]]:
        """Token ids of ``text`` (after ``context`` as a first segment), in windows."""
        if context:
            enc = self._tok.encode(context, text)
            ids = enc.ids
            if len(ids) <= self.max_length:
                return [ids]
            # Too long with its context: keep the text whole (windowed) and the context's end.
            ctx_ids = self._tok.encode(context).ids[1:-1]
            text_ids = self._tok.encode(text).ids[1:-1]
            room = self.max_length - len(text_ids) - 3
            if room > 8:
                return [[self._cls, *ctx_ids[-room:], self._sep, *text_ids, self._sep]]
            return self._windows(text, "")
        ids = self._tok.encode(text).ids
        if len(ids) <= self.max_length:
            return [ids]
        body = ids[1:-1]
        size = self.max_length - 2
        step = size - WINDOW_OVERLAP
        starts = range(0, max(1, len(body) - WINDOW_OVERLAP), step)
        return [[self._cls, *body[s : s + size], self._sep] for s in starts]

    def _run(
        self, windows: list[list[int]]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        width = max(len(w) for w in windows)
        ids = np.zeros((len(windows), width), dtype=np.int64)
        mask = np.zeros((len(windows), width), dtype=np.int64)
        for k, w in enumerate(windows):
            ids[k, : len(w)] = w
            mask[k, : len(w)] = 1
        labels, about, vectors = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
        return labels, about, vectors


@functools.cache
def load_classifier() -> SafetyClassifier:
    """The process's classifier (built on first call, then shared: one session per process)."""
    return SafetyClassifier()
