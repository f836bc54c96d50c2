"""Text normalisation before matching, keeping a map back to the original characters.

Obfuscations defeat plain keyword lists: "l4xatives", "pr0-ana", "s t a r v e", "th!nspo",
"laaaxatives", Cyrillic look-alike letters, zero-width characters. The normaliser undoes them
so the lexicons see ``laxatives``, ``pro ana``, ``starve``, ``thinspo``; every character of
the result remembers which original character it came from, so evidence spans quote the
user's own text.

Steps, in order: lowercase + Unicode folding (NFKD, combining marks and format characters
dropped, look-alike letters mapped); spaced-out letters joined; leetspeak read inside words
(never in numbers such as ``1200kcal`` or codes such as ``t3``/``b12``); hyphens between
letters read as spaces (``pro-ana`` -> ``pro ana``) and other punctuation between letters
removed (``don't`` -> ``dont``, ``l.a.x`` -> ``lax``); runs of three or more
identical letters shortened to one; whitespace runs collapsed; common words of other
languages read as their English word (``rules/data/foreign.yaml``: "por semana" -> "per week").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Cyrillic/Greek letters that render like Latin ones, and typographic punctuation.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i",
        "ј": "j", "ѕ": "s", "к": "k", "м": "m", "т": "t", "н": "h", "в": "b",
        "ı": "i", "ł": "l",
        "α": "a", "ο": "o", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "τ": "t",
        "’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'",
        "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "‒": "-",
        "“": '"', "”": '"', "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    }
)  # fmt: skip

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "9": "g",
         "@": "a", "$": "s", "!": "i", "|": "i"}  # fmt: skip


#: Texts whose normalisation :class:`Normalizer` keeps.
_SEEN_MAX = 2048


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and, per character, the index of its original character."""

    text: str
    offsets: tuple[int, ...]
    original: str

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering normalised characters ``start:end``."""
        if not self.offsets or start >= end:
            return (0, 0)
        end = min(end, len(self.offsets))
        return (self.offsets[start], self.offsets[end - 1] + 1)

    def excerpt(self, start: int, end: int) -> str:
        """The original text behind normalised characters ``start:end``."""
        a, b = self.original_span(start, end)
        return self.original[a:b]


class Normalizer:
    """Compiled normalisation steps; build once (per engine) and call per text."""

    def __init__(self) -> None:
        # A chat's earlier turns are read again on every later turn: their results are kept
        # (``Normalized`` is frozen, so sharing one is safe), in a bounded map.
        self._seen: dict[str, Normalized] = {}
        self._spaced = re.compile(r"(?<![\w@$])[a-z@$0-9](?:[ .\-_*·][a-z@$0-9]){2,}(?![\w@$])")
        self._token = re.compile(r"[a-z0-9@$!|]+")
        self._numeric = re.compile(
            r"\d+(?:[.,]\d+)?[a-z]*|[a-z]{1,4}\d{2,}|[a-z]\d+|h2o|co2|omega\d"
        )
        self._hyphen = re.compile(r"(?P<l>\b[a-z]+|[a-z])(?P<h>-)(?=(?P<r>[a-z]+\b|[a-z]))")
        self._intra = re.compile(r"(?<=[a-z])[._*'~·+\x00](?=[a-z])")
        self._runs = re.compile(r"([a-z])\1{2,}")
        # the French and Italian article before a vowel ("l'insuline", "l'Adderall"): a word
        # of its own, so the noun after it is read whole
        self._elision = re.compile(r"(?<![a-z'])l'(?=[a-z]{3})")
        # markdown emphasis and code marks ("**1,550 kcal/day**", "__note__", "`x`"): the
        # rules read the words, not the formatting
        self._markdown = re.compile(r"\*{2,}|_{2,}|`+")
        self._code_hyphen = re.compile(
            r"(?<=\b[a-z])-(?=\d)|(?<=\b[a-z]{2})-(?=\d)"
            r"|(?<!\bsub)(?<!\bpre)(?<!\bnon)(?<!\bmid)(?<!\blow)(?<!\btop)(?<!\bmax)(?<!\bmin)"
            r"(?<=\b[a-z]{3})-(?=\d)"
        )
        self._space = re.compile(r"\s{2,}|[\t\r\f\v]")
        from .rules import load_table

        table = load_table("foreign")
        self._english = {
            word: english for english in table.word_sets for word in table.words(english)
        }
        self._foreign = re.compile(
            r"\b(?:"
            + "|".join(sorted(map(re.escape, self._english), key=len, reverse=True))
            + r")\b"
        )

    def __call__(self, text: str) -> Normalized:
        """Normalise ``text``."""
        seen = self._seen.get(text)
        if seen is None:
            if len(self._seen) >= _SEEN_MAX:
                self._seen.clear()  # a cold map only costs the work again
            seen = self._seen[text] = self._normalize(text)
        return seen

    def _normalize(self, text: str) -> Normalized:
        chars, idx = self._fold(text)
        if "**" in text or "__" in text or "`" in text:
            chars, idx = self._delete(chars, idx, self._markdown)
        chars, idx = self._join_spaced(chars, idx)
        self._read_leet(chars)
        joined = "".join(chars)
        for m in self._hyphen.finditer(joined):
            # "pro-ana" -> "pro ana", "calorie-a-day" -> "calorie a day"; a lone letter other
            # than a/i is a split word: "thinsp-o" -> "thinspo"
            if m.group("l") in ("a", "i") or m.group("r") in ("a", "i"):
                chars[m.start("h")] = " "
            elif len(m.group("l")) == 1 or len(m.group("r")) == 1:
                chars[m.start("h")] = "\x00"
            else:
                chars[m.start("h")] = " "
        for m in self._elision.finditer("".join(chars)):
            chars[m.end() - 1] = " "
        chars, idx = self._delete(chars, idx, self._intra)
        # "rad-140", "mk-677", "t-3": a code written with a hyphen is the same code
        chars, idx = self._delete(chars, idx, self._code_hyphen)
        chars, idx = self._shorten_runs(chars, idx)
        chars, idx = self._squash_space(chars, idx)
        chars, idx = self._translate(chars, idx)
        return Normalized("".join(chars), tuple(idx), text)

    def _translate(self, chars: list[str], idx: list[int]) -> tuple[list[str], list[int]]:
        """Foreign words replaced by their English word; the new characters are spread over
        the original word's positions (first to first, last to last), so evidence quotes it."""
        text = "".join(chars)
        if text.isascii() and self._foreign.search(text) is None:
            return chars, idx
        out_c: list[str] = []
        out_i: list[int] = []
        last = 0
        for m in self._foreign.finditer(text):
            out_c.extend(chars[last : m.start()])
            out_i.extend(idx[last : m.start()])
            english = self._english[m.group()]
            span = idx[m.start() : m.end()]
            out_c.extend(english)
            last_k = max(1, len(english) - 1)
            out_i.extend(span[round(k * (len(span) - 1) / last_k)] for k in range(len(english)))
            last = m.end()
        if last == 0:
            return chars, idx
        out_c.extend(chars[last:])
        out_i.extend(idx[last:])
        return out_c, out_i

    @staticmethod
    def _fold(text: str) -> tuple[list[str], list[int]]:
        lowered = text.lower()
        if lowered.isascii():
            return list(lowered.replace("`", "'")), list(range(len(text)))
        chars: list[str] = []
        idx: list[int] = []
        for i, ch in enumerate(text):
            for part in unicodedata.normalize("NFKD", ch.lower().translate(_CONFUSABLES)):
                cat = unicodedata.category(part)
                if cat == "Mn" or cat == "Cf":
                    continue
                chars.append(part)
                idx.append(i)
        return chars, idx

    def _join_spaced(self, chars: list[str], idx: list[int]) -> tuple[list[str], list[int]]:
        text = "".join(chars)
        drop: set[int] = set()
        for m in self._spaced.finditer(text):
            run = m.group()
            chars_ = run[::2]
            letters = sum(c.isalpha() for c in chars_)
            # three single letters only when none is a word on its own ("d n p", not "i a m")
            if (len(chars_) >= 4 and letters >= 3) or (
                letters == len(chars_) == 3 and not set(chars_) & {"a", "i"}
            ):
                drop.update(range(m.start() + 1, m.end(), 2))
        if not drop:
            return chars, idx
        keep = [i for i in range(len(chars)) if i not in drop]
        return [chars[i] for i in keep], [idx[i] for i in keep]

    def _read_leet(self, chars: list[str]) -> None:
        text = "".join(chars)
        for m in self._token.finditer(text):
            tok = m.group()
            if tok.isalpha() or not any(c.isalpha() for c in tok):
                continue
            if self._numeric.fullmatch(tok):
                continue
            n = len(tok)
            for j, c in enumerate(tok):
                if c not in _LEET:
                    continue
                before = j > 0 and (tok[j - 1].isalpha() or tok[j - 1] in _LEET)
                after = j + 1 < n and (tok[j + 1].isalpha() or tok[j + 1] in _LEET)
                # "!" and "|" end sentences and separate words: only read them between letters
                # ("th!nspo"), never in a run of marks ("jeans!!").
                if c in "!|" and not (
                    before and j + 1 < n and tok[j + 1].isalpha() and tok[j - 1] not in "!|"
                ):
                    continue
                if before or after:
                    chars[m.start() + j] = _LEET[c]

    @staticmethod
    def _delete(
        chars: list[str], idx: list[int], pattern: re.Pattern[str]
    ) -> tuple[list[str], list[int]]:
        text = "".join(chars)
        drop = {
            i for m in pattern.finditer(text) for i in range(m.start(), max(m.end(), m.start() + 1))
        }
        if not drop:
            return chars, idx
        keep = [i for i in range(len(chars)) if i not in drop]
        return [chars[i] for i in keep], [idx[i] for i in keep]

    def _shorten_runs(self, chars: list[str], idx: list[int]) -> tuple[list[str], list[int]]:
        text = "".join(chars)
        drop: set[int] = set()
        for m in self._runs.finditer(text):
            drop.update(range(m.start() + 1, m.end()))
        if not drop:
            return chars, idx
        keep = [i for i in range(len(chars)) if i not in drop]
        return [chars[i] for i in keep], [idx[i] for i in keep]

    def _squash_space(self, chars: list[str], idx: list[int]) -> tuple[list[str], list[int]]:
        text = "".join(chars)
        if not self._space.search(text):
            return chars, idx
        out_c: list[str] = []
        out_i: list[int] = []
        prev_space = False
        for c, i in zip(chars, idx, strict=True):
            is_space = c.isspace()
            if is_space and prev_space:
                if c == "\n":
                    out_c[-1] = "\n"  # a line break is a sentence boundary: keep it
                continue
            out_c.append(("\n" if c == "\n" else " ") if is_space else c)
            out_i.append(i)
            prev_space = is_space
        return out_c, out_i
