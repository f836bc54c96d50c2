"""A day given as items (foods with their energy, in prose, lists or a table): what they add
up to is the day's intake."""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile
from policies.models import Action, Stage
from policies.quantities.days import DayItems
from policies.quantities.foods import FoodEnergy
from policies.quantities.reader import NumberReader
from policies.stream import OutputGuard

WOMAN = PolicyProfile(sex="female", weight_kg=64, height_cm=166, birth_year=1988)
MAN = PolicyProfile(sex="male", weight_kg=90, height_cm=181, birth_year=1979)


def _types(policy: PolicyEngine, stage: Stage, text: str, profile: PolicyProfile) -> set[T]:
    check = policy.check_output if stage is Stage.OUTPUT else policy.check_input
    return {v.type for v in check(text, profile).violations}


UNDER_THE_FLOOR = [
    # bracketed figures after foods, a message that keeps the day
    (
        Stage.INPUT,
        WOMAN,
        "Today: rye toast (120), pear (90), lentil soup (260), cottage cheese (180). That's "
        "all I'm going to eat each day from now on.",
    ),
    # a list of items with kcal and no meal names, in a reply
    (
        Stage.OUTPUT,
        MAN,
        "Here's a lighter day for you:\n- porridge with berries: 260 kcal\n- tuna on rye: "
        "310 kcal\n- an orange: 60 kcal\n- chicken stir-fry: 420 kcal",
    ),
    # times of day, counts and bracketed figures
    (
        Stage.INPUT,
        WOMAN,
        "8am - 1 banana (100)\n1pm - 2 rice cakes with hummus (150)\n6pm - grilled fish and "
        "greens (280)\nI want to make this my normal day",
    ),
    # a table with an energy column and meal names
    (
        Stage.OUTPUT,
        MAN,
        "| Meal | Food | kcal |\n|---|---|---|\n| Breakfast | Eggs on toast | 320 |\n| Lunch "
        "| Soup | 240 |\n| Dinner | Salmon and veg | 450 |",
    ),
    # an app export, one day, kept as a plan
    (
        Stage.INPUT,
        WOMAN,
        "date,meal,item,calories\n2027-01-04,breakfast,yogurt,150\n2027-01-04,lunch,wrap,"
        "300\n2027-01-04,dinner,stir fry,380\ngoing to repeat this plan every day",
    ),
    # kilojoules in a table
    (
        Stage.OUTPUT,
        WOMAN,
        "| Meal | kJ |\n|---|---|\n| Breakfast | 1200 |\n| Lunch | 1500 |\n| Dinner | 1700 |",
    ),
]


@pytest.mark.parametrize(("stage", "profile", "text"), UNDER_THE_FLOOR)
def test_items_adding_up_under_the_floor_are_flagged(
    policy: PolicyEngine, stage: Stage, profile: PolicyProfile, text: str
) -> None:
    # No figure alone is a day's intake: only their sum is.
    assert T.CALORIE_MINIMUM in _types(policy, stage, text, profile)


@pytest.mark.parametrize(
    ("stage", "profile", "text"),
    [
        # the same shapes adding up to enough
        (
            Stage.INPUT,
            WOMAN,
            "Today: rye toast with egg (300), pear (90), lentil soup with bread (520), "
            "cottage cheese (180), pasta (450). I'll keep eating like this each day.",
        ),
        (
            Stage.OUTPUT,
            MAN,
            "| Meal | Food | kcal |\n|---|---|---|\n| Breakfast | Eggs on toast | 520 |\n| Lunch "
            "| Soup and a sandwich | 640 |\n| Dinner | Salmon, rice, veg | 750 |",
        ),
        # a stated total above the floor wins over partial rows
        (
            Stage.OUTPUT,
            MAN,
            "| Meal | kcal |\n|---|---|\n| Breakfast | 450 |\n| Lunch | 600 |\n| Dinner | 700 |"
            "\n| Snacks | 300 |\n| Total | 2050 |",
        ),
        # one meal, not a day
        (
            Stage.OUTPUT,
            WOMAN,
            "For lunch today: chicken (250), rice (200), salad (60). Enjoy!",
        ),
        # part of a day, or choices
        (
            Stage.INPUT,
            WOMAN,
            "so far today: toast (120), apple (80), soup (200). I'll have dinner later, what "
            "should it be?",
        ),
        (
            Stage.OUTPUT,
            WOMAN,
            "Some snack ideas for your day: apple (80), almonds (160), yogurt (120).",
        ),
        # a logged day with no intent to keep it
        (
            Stage.INPUT,
            WOMAN,
            "Today: toast (120), pear (90), soup (260), cottage cheese (180). Long day at work.",
        ),
        # counts, times and grams are not energy
        (
            Stage.INPUT,
            MAN,
            "my plan for each day: 7am 3 eggs, 12pm 200 g chicken with 150 g rice, 7pm 250 g "
            "beef with potatoes",
        ),
    ],
)
def test_safe_item_days_are_allowed(
    policy: PolicyEngine, stage: Stage, profile: PolicyProfile, text: str
) -> None:
    assert T.CALORIE_MINIMUM not in _types(policy, stage, text, profile)


def test_a_day_over_the_ceiling_is_flagged(policy: PolicyEngine) -> None:
    text = (
        "Your bulking day:\n- 6 eggs and toast: 900 kcal\n- mass gainer shake: 1250 kcal\n"
        "- burrito bowl: 1100 kcal\n- pasta bake: 1400 kcal\n- shake again: 1250 kcal"
    )
    assert T.CALORIE_MAXIMUM in _types(policy, Stage.OUTPUT, text, WOMAN)


def test_a_tables_protein_column_is_summed(policy: PolicyEngine) -> None:
    # 2,050 kcal but 41 g of protein for 90 kg (floor 72 g)
    text = (
        "| Meal | kcal | protein |\n|---|---|---|\n| Breakfast | 600 | 10 |\n| Lunch | 700 | "
        "16 |\n| Dinner | 750 | 15 |"
    )
    assert _types(policy, Stage.OUTPUT, text, MAN) == {T.PROTEIN_MINIMUM}


def test_each_day_of_a_plan_is_judged_on_its_own() -> None:
    text = (
        "mon: oats (300 kcal), soup (350 kcal), fish (400 kcal)\n"
        "tue: eggs (300 kcal), wrap (500 kcal), pasta (700 kcal), yogurt (150 kcal)"
    )
    reader = NumberReader()
    days = DayItems().days(text, reader.quantities(text))
    assert [day.kcal for day in days] == [1050, 1650]


def test_a_table_groups_rows_by_date() -> None:
    text = (
        "date,meal,kcal\n2027-02-01,breakfast,300\n2027-02-01,dinner,500\n"
        "2027-02-02,breakfast,400\n2027-02-02,lunch,600\n2027-02-02,dinner,700"
    )
    days = DayItems().days(text, NumberReader().quantities(text))
    assert [day.kcal for day in days] == [800, 1700]


def test_the_stream_guard_reads_an_item_day_at_the_end(policy: PolicyEngine) -> None:
    # one item per line: no sentence holds the day, the whole reply does
    guard = OutputGuard(policy, MAN)
    reply = [
        "Here's your day:\n",
        "- porridge with berries: 260 kcal\n",
        "- tuna on rye: 310 kcal\n",
        "- an orange: 60 kcal\n",
        "- chicken stir-fry: 420 kcal\n",
    ]
    for chunk in reply:
        guard.feed(chunk)
    guard.flush()
    decision = policy.check_reply_day("".join(reply), MAN)
    assert decision.action is Action.ADJUST
    assert {v.type for v in decision.violations} == {T.CALORIE_MINIMUM}
    assert "1,500 kcal" in (decision.message or "")


def test_meal_named_after_its_figure_is_read(policy: PolicyEngine) -> None:
    # "300 kcal for breakfast": the meal is named after the figure
    text = "Your day: 300 kcal for breakfast; 350 kcal for lunch; 400 kcal for dinner."
    assert _types(policy, Stage.OUTPUT, text, WOMAN) == {T.CALORIE_MINIMUM}


FOOD_DAYS_UNDER = [
    (
        Stage.INPUT,
        WOMAN,
        "Every day this month I'm eating: 2 rice cakes, 100 g turkey, a cup of spinach, an "
        "orange, green tea.",
    ),
    (
        Stage.OUTPUT,
        MAN,
        "Your day for the cut: 120 g cod, 150 g broccoli, 2 boiled eggs, 1 slice of toast. "
        "That's it.",
    ),
]


@pytest.mark.parametrize(("stage", "profile", "text"), FOOD_DAYS_UNDER)
def test_a_day_of_foods_without_figures_is_estimated(
    policy: PolicyEngine, stage: Stage, profile: PolicyProfile, text: str
) -> None:
    # no energy figure anywhere: typical energies (rules/data/foods.yaml) put it far under
    violations = (
        policy.check_output(text, profile)
        if stage is Stage.OUTPUT
        else policy.check_input(text, profile)
    ).violations
    # (so small a day is short of protein too)
    assert "text.food_day_floor" in {v.policy_id for v in violations}


@pytest.mark.parametrize(
    ("stage", "profile", "text"),
    [
        # a full day of food
        (
            Stage.INPUT,
            WOMAN,
            "Every day this month I'm eating: a bowl of porridge with a banana, 2 slices of "
            "toast with peanut butter, 200 g chicken with a cup of rice, salmon with potatoes, "
            "a yogurt, an apple.",
        ),
        # foods to choose from, and coaching prose that names foods
        (
            Stage.OUTPUT,
            WOMAN,
            "Good protein for your day: eggs, tuna, lentils or Greek yogurt, whichever you like.",
        ),
        (
            Stage.OUTPUT,
            MAN,
            "At 90 kg aim for about 130 g of protein a day: eggs at breakfast, chicken at lunch, "
            "yogurt as a snack and fish at dinner.",
        ),
        # a shopping list is not a day
        (Stage.INPUT, WOMAN, "shopping list: eggs, spinach, 2 apples, rice cakes, tea"),
    ],
)
def test_safe_food_days_and_food_prose_are_allowed(
    policy: PolicyEngine, stage: Stage, profile: PolicyProfile, text: str
) -> None:
    assert T.CALORIE_MINIMUM not in _types(policy, stage, text, profile)


def test_food_estimates_read_amounts() -> None:
    foods = FoodEnergy()
    day = foods.day("100 g chicken breast, a cup of rice, 2 apples, half an avocado, black coffee")
    # 165 + 205 + 2 x 95 + 120 + 3
    assert day.known == 5
    assert day.kcal == pytest.approx(683, abs=1)
    # an amount of a food the table does not know is counted apart, never as nothing
    assert foods.day("2 bagels, an apple").unknown == 1


def test_a_ceiling_counts_an_unknown_activity_level_as_moderate(policy: PolicyEngine) -> None:
    # 38-year-old man, 80 kg, 180 cm, activity not given: BMR 1,740; sedentary x1.2 = 2,088
    # (ceiling 2,506), moderately active x1.55 = 2,697 (ceiling 3,236)
    bulk = PolicyProfile(sex="male", weight_kg=80, height_cm=180, birth_year=1988)
    assert not policy.check_output("Let's set your bulk at 3,000 kcal a day.", bulk).violations
    flagged = policy.check_output("Let's set your bulk at 3,600 kcal a day.", bulk).violations
    assert [v.type for v in flagged] == [T.CALORIE_MAXIMUM]
    # a stated maintenance is used as it is
    said = "Your maintenance is 2,200, so let's set your bulk at 3,000 kcal a day."
    assert [v.type for v in policy.check_output(said, bulk).violations] == [T.CALORIE_MAXIMUM]


def test_a_day_of_foods_is_read_for_its_protein(policy: PolicyEngine) -> None:
    # enough energy, hardly any protein for 90 kg (floor 72 g; about 20 g here)
    text = (
        "My plan every day from now on: a bowl of pasta with tomato sauce, 2 slices of toast "
        "with jam, 2 bananas, 2 apples, a bag of fries"
    )
    violations = policy.check_input(text, MAN).violations
    assert [v.policy_id for v in violations] == ["text.food_day_protein_floor"]
    day = FoodEnergy().day("200 g chicken breast, 2 eggs, a cup of rice")
    assert day.protein_g == pytest.approx(62 + 12.6 + 4.3, abs=1)
