"""Written numbers rewritten as digits for the offline coach's parsers."""

from __future__ import annotations

import pytest

from coach.text_numbers import normalise_numbers, words_to_number


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("eighteen hundred", 18 * 100),
        ("one thousand eight hundred", 1000 + 8 * 100),
        ("two thousand five hundred and fifty", 2 * 1000 + 5 * 100 + 50),
        ("twenty-eight", 20 + 8),
        ("a hundred", 100),
        ("twelve", 12),
        ("a", None),
        ("lots", None),
    ],
)
def test_words_to_number_adds_units_tens_and_scales(words: str, value: int | None) -> None:
    assert words_to_number(words) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a 1,800 calorie plan", "a 1800 calorie plan"),
        ("1 800 kcal", "1800 kcal"),
        ("1.800 kcal", "1800 kcal"),
        ("1.8k cals", "1800 cals"),
        ("2 k calories", "2000 calories"),
        ("eighteen hundred calories", "1800 calories"),
        ("12,000 steps", "12000 steps"),
    ],
)
def test_normalise_numbers_rewrites_written_numbers_as_digits(text: str, expected: str) -> None:
    assert normalise_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "lost 1.5 kg",  # a decimal, not a thousands separator
        "walked 5 000 steps",  # a space group only counts before an energy unit
        "a week",  # a lone "a" stays a word
        "2.5 kcal",  # a decimal before a unit stays a decimal (three digits would not)
        "1800kcal",  # already digits
    ],
)
def test_normalise_numbers_leaves_other_text_alone(text: str) -> None:
    assert normalise_numbers(text) == text
