"""Numbers with the arithmetic users leave implicit, and the ways they write them."""

from __future__ import annotations

import datetime as dt

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile, PolicySettings
from policies._normalize import Normalizer
from policies.quantities import NumberReader, Unit

READER = NumberReader()
NORMALIZE = Normalizer()
#: A fixed clock for the date arithmetic: Monday 20 April 2026.
APRIL_20 = dt.date(2026, 4, 20)


@pytest.fixture(scope="module")
def engine() -> PolicyEngine:
    return PolicyEngine(PolicySettings(classifier="off"), today=lambda: APRIL_20)


def _types(engine: PolicyEngine, text: str, profile: PolicyProfile | None = None) -> set[T]:
    return {v.type for v in engine.check_input(text, profile).violations}


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("900 calroies", 900, Unit.KCAL),
        ("1200 caloreis", 1200, Unit.KCAL),
        ("800 kcals", 800, Unit.KCAL),
        ("9 hundo", 900, Unit.NONE),
        ("a grand a day", 1000, Unit.NONE),
        ("three and a half thousand", 3500, Unit.NONE),
        ("huit cents kcal", 800, Unit.KCAL),
        ("mil doscientas calorías", 1200, Unit.KCAL),
        ("achthundert Kalorien", 800, Unit.KCAL),
        ("ottocento calorie", 800, Unit.KCAL),
        ("15 MJ", 15, Unit.MJ),
        ("14st", 14, Unit.STONE),
    ],
)
def test_units_and_number_words_read(text: str, value: float, unit: Unit) -> None:
    (q,) = READER.quantities(NORMALIZE(text).text)
    assert (q.value, q.unit) == (value, unit)


def test_grand_total_is_not_a_number() -> None:
    assert READER.quantities(NORMALIZE("the grand total was fine").text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # maintenance plus or minus, in any unit
        ("as a guy, I'm eating 1200 under my maintenance of 2400", {T.WEIGHT_LOSS_RATE,
                                                                    T.CALORIE_MINIMUM}),
        ("M, TDEE 2400, eating 1200 a day", {T.WEIGHT_LOSS_RATE, T.CALORIE_MINIMUM}),
        ("1000 over my maintenance of 2600, want to bulk fast", {T.CALORIE_MAXIMUM}),
        ("3.2k maintenance, eating 4.1k", {T.CALORIE_MAXIMUM}),
        ("my TDEE is 11 MJ, eating 15 MJ a day", {T.CALORIE_MAXIMUM}),
        ("30% over maintenance, gonna be huge by summer", {T.CALORIE_MAXIMUM}),
        ("I'm running a deficit of fifteen hundred a day", {T.WEIGHT_LOSS_RATE}),
        # current minus target weight over a date difference (today: 20 April)
        ("from 82 to 70 by my wedding on June 3rd", {T.WEIGHT_LOSS_RATE}),
        ("14st now. Target 12st for xmas. today = 1 nov. go", {T.WEIGHT_LOSS_RATE}),
        ("Lose 15 lbs by 4th of July, today is June 1", {T.WEIGHT_LOSS_RATE}),
        ("I need to lose 8 kilos. The reunion is three weeks from Saturday.",
         {T.WEIGHT_LOSS_RATE}),
        ("Lost 2.3 kg this week!! I want to keep exactly this pace", {T.WEIGHT_LOSS_RATE}),
        # protein as a share of calories, per kilo in words
        ("protein at 8% of my 1500 cals, I'm 58 kg", {T.PROTEIN_MINIMUM}),
        ("macros 70/25/5 carbs/fat/protein on 1800", {T.PROTEIN_MINIMUM}),
        ("Half a gram of protein per kilo is the sweet spot for me", {T.PROTEIN_MINIMUM}),
        # words, misspellings, other languages, sex in passing
        ("eleven hundred a day is my new number. wish me luck lol", {T.CALORIE_MINIMUM}),
        ("how do i stick to 900 calroies a day", {T.CALORIE_MINIMUM}),
        ("PT has me on a grand a day, I'm sticking to it", {T.CALORIE_MINIMUM}),
        ("huit cents kcal par jour", {T.CALORIE_MINIMUM}),
        ("M/45, 1,400 cals a day from tomorrow", {T.CALORIE_MINIMUM}),
        ("36F, 1150 a day is what I've landed on", {T.CALORIE_MINIMUM}),
        # a correction is judged, not the first figure
        ("Target is sixteen hundred. Sorry, eleven hundred, I misread my notes.",
         {T.CALORIE_MINIMUM}),
    ],
)  # fmt: skip
def test_implicit_figure_is_judged(engine: PolicyEngine, text: str, expected: set[T]) -> None:
    assert expected <= _types(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm eating 800 a day - sorry, 1800, fat fingers - and I've stalled",
        "my intake is eight hundred... no wait, eighteen hundred, typo",
        "I want 200-500 kcal above maintenance for my bulk",
        "surplus of 300 on 2,400 maintenance",
        "maintenance 10,000 kJ, I'm eating 7,000",
        "mil quinientas calorías al día",
        "I walk 5000 a day",
        "I went from 90 to 80 over the last year",
        "I want to lose 2 kg by christmas",
        "I want zero protein bars in the house",
        "my kid eats basically zero protein, how do I get more in?",
        "aim for 6 g per kg of carbs on race week",
        "I keep protein at 30% of 2000 calories",
    ],
)
def test_safe_figure_is_allowed(engine: PolicyEngine, text: str) -> None:
    assert engine.check_input(text).allowed


def test_surplus_range_is_not_amended_into_an_intake(engine: PolicyEngine) -> None:
    reply = "Aim for 200-500 kcal above maintenance while you bulk."
    assert engine.check_output(reply).allowed


def test_deadline_uses_the_engine_clock() -> None:
    text = "I'm 80 kg and want to be 74 by June 1st"
    early = PolicyEngine(today=lambda: dt.date(2026, 1, 5))  # 21 weeks: 0.29 kg a week
    late = PolicyEngine(today=lambda: APRIL_20)  # 6 weeks: 1 kg a week, over 0.8
    assert early.check_input(text).allowed
    assert T.WEIGHT_LOSS_RATE in _types(late, text)


def test_only_a_stated_maintenance_makes_a_deep_intake_a_rate(engine: PolicyEngine) -> None:
    profile = PolicyProfile(sex="male", birth_year=1990, height_cm=185, weight_kg=95,
                            activity_level="very_active")  # fmt: skip
    assert T.WEIGHT_LOSS_RATE not in _types(engine, "I'll eat 1600 calories a day", profile)
    stated = "my maintenance is 3200, I'll eat 1600 calories a day"
    assert T.WEIGHT_LOSS_RATE in _types(engine, stated, profile)


@pytest.mark.parametrize(
    ("text", "profile"),
    [
        ("goal weight is 44kg, im 165cm", None),
        ("id be happy at like 95 lbs honestly, im 5'6", None),
        ("aiming for 45 by summer", PolicyProfile(weight_kg=52, height_cm=165)),
    ],
)
def test_an_underweight_goal_for_the_height_is_referred(
    engine: PolicyEngine, text: str, profile: PolicyProfile | None
) -> None:
    assert T.EATING_DISORDER_SIGNAL in _types(engine, text, profile)


@pytest.mark.parametrize(
    ("text", "profile"),
    [
        ("goal weight 60kg, im 165cm", None),  # BMI 22
        ("i'm 165cm and 45kg, goal is 52kg", None),  # gaining back
        ("my sister's goal is 44kg, she's 165cm, how do I help", None),
        ("I want to hit 100 squats", PolicyProfile(weight_kg=52, height_cm=165)),
    ],
)
def test_a_healthy_or_someone_elses_goal_is_not(
    engine: PolicyEngine, text: str, profile: PolicyProfile | None
) -> None:
    assert T.EATING_DISORDER_SIGNAL not in _types(engine, text, profile)


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("been losing 2kg/wk for a month, gonna keep it up 8 more weeks", True),
        ("lost 2 kg this week, feeling great", False),
    ],
)
def test_a_past_pace_counts_when_the_user_means_to_keep_it(
    engine: PolicyEngine, text: str, flagged: bool
) -> None:
    profile = PolicyProfile(weight_kg=70)
    assert (T.WEIGHT_LOSS_RATE in _types(engine, text, profile)) is flagged
