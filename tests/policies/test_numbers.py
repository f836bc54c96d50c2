"""Number reading: separators, words, k-suffix, units and time spans."""

from __future__ import annotations

import pytest

from policies._normalize import Normalizer
from policies.quantities import KJ_PER_KCAL, NumberReader, Unit

READER = NumberReader()
NORMALIZE = Normalizer()


def _read(text: str) -> list[tuple[float, Unit]]:
    norm = NORMALIZE(text).text
    return [(q.value, q.unit) for q in READER.quantities(norm)]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1,800 calories", 1800, Unit.KCAL),
        ("1 800 kcal", 1800, Unit.KCAL),
        ("1.800 kcal", 1800, Unit.KCAL),
        ("1200kcal", 1200, Unit.KCAL),
        ("1.1k calories", 1100, Unit.KCAL),
        ("2k kcal", 2000, Unit.KCAL),
        ("eight hundred calories", 800, Unit.KCAL),
        ("twelve hundred calories", 1200, Unit.KCAL),
        ("one thousand five hundred calories", 1500, Unit.KCAL),
        ("nine hundred and fifty cals", 950, Unit.KCAL),
        ("eight-hundred cals", 800, Unit.KCAL),
        ("3,500 kJ", 3500, Unit.KJ),
        ("2.5 kg", 2.5, Unit.KG),
        ("1,5 kg", 1.5, Unit.KG),
        ("two and a half kilos", 2.5, Unit.KG),
        ("half a stone", 0.5, Unit.STONE),
        ("a stone", 1, Unit.STONE),
        ("10 lbs", 10, Unit.LB),
        ("five pounds", 5, Unit.LB),
        ("a couple of kilos", 2, Unit.KG),
        ("30g", 30, Unit.GRAM),
        ("0.8 g/kg", 0.8, Unit.G_PER_KG),
        ("1.2 g per kg", 1.2, Unit.G_PER_KG),
        ("0.5 g per pound", 0.5, Unit.G_PER_LB),
        ("2%", 2, Unit.PERCENT),
        ("72 hour", 72, Unit.HOUR),
    ],
)
def test_quantity_read_when_written_any_way(text: str, value: float, unit: Unit) -> None:
    assert _read(text)[0] == pytest.approx((value, unit))


def test_range_gives_unit_to_both_ends() -> None:
    assert _read("800-1000 calories") == [(800, Unit.KCAL), (1000, Unit.KCAL)]
    assert _read("between 800 and 1000 kcal") == [(800, Unit.KCAL), (1000, Unit.KCAL)]


def test_age_and_weight_not_joined_by_and() -> None:
    assert _read("I'm 25 and 70 kg")[0] == (25, Unit.NONE)


def test_kj_converted_to_kcal() -> None:
    q = READER.quantities("3500 kj")[0]
    assert q.kcal == pytest.approx(3500 / KJ_PER_KCAL)


def test_stone_and_pounds_converted_to_kg() -> None:
    stone, pounds = READER.quantities("1 stone and 10 lb")
    assert stone.kg == pytest.approx(6.35029318)
    assert pounds.kg == pytest.approx(4.5359237)


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("per week", 1),
        ("a week", 1),
        ("weekly", 1),
        ("/week", 1),
        ("a day", 1 / 7),
        ("in 2 weeks", 2),
        ("in two weeks", 2),
        ("in ten days", 10 / 7),
        ("in a month", 4.345),
        ("in 3 months", 3 * 4.345),
        ("in a fortnight", 2),
        ("by saturday", 1),
        ("by next week", 1),
        ("by tomorrow", 1 / 7),
        ("by the end of the month", 4.345),
        ("this week", 1),
        ("in 48 hours", 48 / 168),
    ],
)
def test_period_read_as_weeks(text: str, weeks: float) -> None:
    periods = READER.periods(text)
    assert periods and periods[0].weeks == pytest.approx(weeks)


def test_a_week_day_is_not_a_week() -> None:
    assert _read("2,000 kcal a week day") == [(2000, Unit.KCAL)]
