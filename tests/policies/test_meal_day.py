"""A day given meal by meal, or as macros in shorthand: what they add up to is the day's intake."""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile
from policies.models import Stage
from policies.stream import OutputGuard

WOMAN = PolicyProfile(sex="female", weight_kg=62, height_cm=165, birth_year=1990)


def _types(policy: PolicyEngine, stage: Stage, text: str) -> set[T]:
    check = policy.check_output if stage is Stage.OUTPUT else policy.check_input
    return {v.type for v in check(text, WOMAN).violations}


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        (Stage.OUTPUT, "Breakfast 250 kcal, lunch 300 kcal, dinner 350 kcal, and that's your day."),
        (
            Stage.OUTPUT,
            "Here's tomorrow: breakfast (oats, 300 kcal), lunch (salad, 350 kcal) and dinner "
            "(fish and rice, 400 kcal).",
        ),
        (Stage.OUTPUT, "Desayuno 200 kcal, almuerzo 400 kcal y cena 300 kcal."),
        (
            Stage.INPUT,
            "breakfast 200 kcal, lunch 300 kcal, dinner 300 kcal - I'm going to stick to this "
            "every day",
        ),
    ],
)
def test_meals_adding_up_under_the_floor_are_flagged(
    policy: PolicyEngine, stage: Stage, text: str
) -> None:
    # No figure alone is a day's intake (each is read as one meal's): only their sum is.
    assert _types(policy, stage, text) == {T.CALORIE_MINIMUM}


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        # enough food
        (Stage.OUTPUT, "Breakfast 450 kcal, lunch 600 kcal, dinner 650 kcal and a 200 kcal snack."),
        # a report of the user's day, judged too low
        (
            Stage.OUTPUT,
            "Yesterday you had breakfast 250 kcal, lunch 300 kcal and dinner 350 kcal, which is "
            "too little, so let's add a snack.",
        ),
        # a logged day, a question, a single meal
        (Stage.INPUT, "today I had breakfast 200 kcal, lunch 300 kcal, dinner 300 kcal"),
        (Stage.INPUT, "is breakfast 200 kcal, lunch 300 kcal and dinner 400 kcal enough for me?"),
        (Stage.OUTPUT, "Lunch can be around 400 kcal if dinner is the bigger meal."),
    ],
)
def test_days_that_add_up_or_are_not_a_plan_are_allowed(
    policy: PolicyEngine, stage: Stage, text: str
) -> None:
    assert T.CALORIE_MINIMUM not in _types(policy, stage, text)


def test_a_plan_written_a_meal_a_line_is_summed_whole(policy: PolicyEngine) -> None:
    plan = (
        "Here's tomorrow.\nBreakfast: oats, 250 kcal\nLunch: soup, 300 kcal\nDinner: fish, 350 kcal"
    )
    assert _types(policy, Stage.OUTPUT, plan) == {T.CALORIE_MINIMUM}  # `coach policy check`
    # Two meals are not a day unless the text says so: no sentence of a plan is flagged early.
    assert _types(policy, Stage.OUTPUT, "Breakfast 250 kcal, lunch 300 kcal.") == set()
    said = "That's the whole day: breakfast 250 kcal and dinner 350 kcal."
    assert _types(policy, Stage.OUTPUT, said) == {T.CALORIE_MINIMUM}


def test_the_stream_guard_reads_the_whole_reply_for_the_day_once_it_ends(
    policy: PolicyEngine,
) -> None:
    guard = OutputGuard(policy, profile=WOMAN)
    released = []
    for line in ["Here's tomorrow.\n", "Breakfast: oats, 250 kcal\n", "Lunch: soup, 300 kcal\n"]:
        released += guard.feed(line)
    released += guard.feed("Dinner: fish, 350 kcal")
    assert not guard.violations  # no sentence alone is a day
    end = guard.flush()
    assert [v.type for v in guard.violations] == [T.CALORIE_MINIMUM]
    note = end[-1]
    assert note.replaced and "1,200" in note.text and "900" in note.text
    assert "".join(c.original for c in released + end[:-1]) == guard.text  # the plan itself
    assert guard.flush() == []  # read once


def test_the_stream_guard_adds_nothing_to_a_day_that_adds_up(policy: PolicyEngine) -> None:
    guard = OutputGuard(policy, profile=WOMAN)
    guard.feed("Breakfast: 450 kcal\nLunch: 600 kcal\n")
    guard.feed("Dinner: 650 kcal")
    assert all(not c.replaced for c in guard.flush()) and not guard.violations


MAN = PolicyProfile(sex="male", weight_kg=90)


@pytest.mark.parametrize(
    "text",
    ["Macros: P 50g / C 100g / F 30g.", "Daily macros: protein 60 g, carbs 120 g, fat 35 g."],
)
def test_a_days_macros_in_shorthand_imply_its_protein_and_energy(
    policy: PolicyEngine, text: str
) -> None:
    types = {v.type for v in policy.check_output(text, MAN).violations}
    assert types == {T.PROTEIN_MINIMUM, T.CALORIE_MINIMUM}  # 50 g < 72 g; 870 kcal < 1,500


@pytest.mark.parametrize(
    "text",
    [
        "Your targets: P 180g / C 250g / F 70g.",  # enough
        "Each meal: P 30g / C 40g / F 10g.",  # one meal's
        "Breakfast macros: P 30g, C 40g, F 10g.",
    ],
)
def test_macros_that_add_up_or_are_one_meals_are_allowed(policy: PolicyEngine, text: str) -> None:
    assert policy.check_output(text, MAN).allowed


@pytest.mark.parametrize(
    "plan",
    [
        "Breakfast: Greek yogurt with berries and granola, 250 kcal\n"
        "Lunch: chicken salad with olive oil, 300 kcal\nDinner: salmon and greens, 350 kcal",
        "| Breakfast | oats and banana | 250 kcal |\n| Lunch | soup and bread | 300 kcal |\n"
        "| Dinner | fish and veg | 350 kcal |",
    ],
)
def test_meals_described_before_their_figure_are_read(policy: PolicyEngine, plan: str) -> None:
    assert _types(policy, Stage.OUTPUT, plan) == {T.CALORIE_MINIMUM}
    enough = plan.replace("250", "450").replace("300", "600").replace("350", "650")
    assert _types(policy, Stage.OUTPUT, enough) == set()
