"""Obfuscations are undone before matching, and spans map back to the original text."""

from __future__ import annotations

import pytest

from policies._normalize import Normalizer

NORMALIZE = Normalizer()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("l4xatives", "laxatives"),
        ("pr0-ana", "pro ana"),
        ("th!nspo", "thinspo"),
        ("s t a r v e myself", "starve myself"),
        ("laaaxatives", "laxatives"),
        ("d.n.p", "dnp"),
        ("d n p", "dnp"),
        ("Ａｎａ", "ana"),
        ("k 1 l l  m y s e l f", "kill myself"),
        ("thinsp-o", "thinspo"),
        ("don't", "dont"),
        ("calorie-a-day", "calorie a day"),
    ],
)
def test_obfuscation_normalised_when_disguised(raw: str, expected: str) -> None:
    assert NORMALIZE(raw).text == expected


@pytest.mark.parametrize("raw", ["1200kcal", "b12", "t3", "mk677", "1,800", "16:8", "5htp"])
def test_numbers_and_codes_kept_when_not_leetspeak(raw: str) -> None:
    assert NORMALIZE(raw).text == raw


def test_span_maps_back_to_original_when_text_changed() -> None:
    norm = NORMALIZE("Hey, I use  L4XATIVES daily")
    start = norm.text.index("laxatives")
    assert norm.excerpt(start, start + len("laxatives")) == "L4XATIVES"


def test_sentence_breaks_kept_when_whitespace_squashed() -> None:
    assert NORMALIZE("one.\n\n  two   three").text == "one.\ntwo three"


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("quiero bajar 1,5 kg por semana", "want lose 1,5 kg per week"),
        ("stop the insulina", "stop the insulin"),
        ("minus 9 kilo in 3 Wochen", "minus 9 kilos in 3 weeks"),
        ("a pro tip: sin and solo are English", "a pro tip: sin and solo are english"),
    ],
)
def test_words_of_other_languages_are_read_in_english(text: str, read: str) -> None:
    normalized = Normalizer()(text)
    assert normalized.text == read
    for english, own in (("week", "semana"), ("weeks", "Wochen")):
        start = normalized.text.find(f" {english}") + 1
        if start and normalized.text[start:].split()[0] == english:
            # evidence still quotes the user's own word
            assert normalized.excerpt(start, start + len(english)) == own


def test_a_text_read_again_gives_the_same_reading_from_a_bounded_map() -> None:
    from policies import _normalize

    n = Normalizer()
    first = n("I  w4nt to ea7 1000 cals")
    assert n("I  w4nt to ea7 1000 cals") is first  # an earlier turn, read on a later turn
    for i in range(_normalize._SEEN_MAX + 5):
        n(f"turn {i}")
    assert len(n._seen) <= _normalize._SEEN_MAX
    assert n("I  w4nt to ea7 1000 cals") == first  # read again after the map was emptied
