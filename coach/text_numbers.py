"""Numbers as people write them, rewritten as plain digits for the offline coach's parsers.

Users write "1,800 calories", "1 800 kcal", "1.8k cals", "eighteen hundred calories" or
"a 12-week plan"; the offline coach's window and length readers (:mod:`coach.offline_args`)
and its router's features (:mod:`coach.offline_router`) only need to look for digits.
:func:`normalise_numbers` rewrites:

- thousands separators: ``1,800`` -> ``1800`` always; ``1 800`` and ``1.800`` (a space or a
  dot before exactly three digits) only before an energy unit, where a decimal reading
  ("1.8 kcal") would make no sense;
- a ``k`` multiplier before an energy unit: ``1.8k kcal`` -> ``1800 kcal``;
- number words: ``eighteen hundred`` -> ``1800``, ``two thousand five hundred`` -> ``2500``,
  ``twenty-eight`` -> ``28``, ``a hundred`` -> ``100`` (a lone "a" stays a word).

Everything else is left as it is, so the rewrite is safe to apply to a whole message.
"""

from __future__ import annotations

import re
from typing import Final

_UNITS: Final = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS: Final = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES: Final = {"hundred": 100, "thousand": 1000}

#: An energy unit after a number ("kcal", "calories", "cals", "kilocalories", "kJ").
ENERGY_UNIT: Final = r"(?:kcal|kilo-?calories?|calories?|cals?|kj|kilojoules?)\b"

_WORD: Final = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_GAP: Final = r"(?:[\s-]+(?:and[\s-]+)?)"
#: A run of number words; "a" counts only right before "hundred"/"thousand".
_WORD_RUN: Final = re.compile(
    rf"\b(?:an?[\s-]+(?=(?:hundred|thousand)\b))?(?:{_WORD})\b(?:{_GAP}(?:{_WORD})\b)*"
)
_COMMA_GROUPS: Final = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,]|\.\d)")
_UNIT_GROUPS: Final = re.compile(
    rf"(?<![\d.,])(\d{{1,3}}(?:([ .\u00a0\u202f])\d{{3}})+)(?![\d.,])(?=[\s-]*{ENERGY_UNIT})"
)
_THOUSANDS: Final = re.compile(
    rf"(?<![\d.,])(\d+(?:[.,]\d+)?)\s?k\b(?=[\s-]*{ENERGY_UNIT})", re.IGNORECASE
)


def words_to_number(words: str) -> int | None:
    """The value of number words ("one thousand eight hundred" -> 1800), else ``None``."""
    tokens = [t for t in re.split(r"[\s-]+", words.lower().strip()) if t and t != "and"]
    if not tokens:
        return None
    total = current = 0
    seen = False
    for token in tokens:
        if token in ("a", "an"):
            current += 1
        elif token in _UNITS:
            current += _UNITS[token]
            seen = True
        elif token in _TENS:
            current += _TENS[token]
            seen = True
        elif token == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif token == "thousand":
            total += max(current, 1) * 1000
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def _words(match: re.Match[str]) -> str:
    value = words_to_number(match.group(0))
    return match.group(0) if value is None else str(value)


def _grouped(match: re.Match[str]) -> str:
    return re.sub(r"[ .,\u00a0\u202f]", "", match.group(1))


def _thousands(match: re.Match[str]) -> str:
    value = float(match.group(1).replace(",", "."))
    return str(round(value * 1000))


def normalise_numbers(text: str) -> str:
    """``text`` with written numbers as plain digits (see the module docstring)."""
    text = _WORD_RUN.sub(_words, text)
    text = _UNIT_GROUPS.sub(_grouped, text)
    text = _COMMA_GROUPS.sub(lambda m: m.group(0).replace(",", ""), text)
    return _THOUSANDS.sub(_thousands, text)
