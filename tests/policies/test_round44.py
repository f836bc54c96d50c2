"""Round 44: a said maintenance changed in words.

Users and replies rarely write the intake a change leads to: "an extra 700 on top of that",
"plus a 300 smoothie plus a 250 bar", "knock a flat 1,000 off that", "take 800 off",
"plus a quarter more", "a 25% surplus over your 2,550 maintenance", "half of that",
"divise ça par deux". Each flagged case failed on the rules of round 43 (`6ff6c3e`); each
safe twin, whose change lands inside the limits, is allowed, and so are a meal's change
and an untied amount, on both.

Also: a question whether a figure is safe "for me", with nothing of the user's own stated
before the figure and no intent, is a question (these were flagged by round 43); "my protein
is 30 g a day, is that ok?" states the user's figure and still counts (on both).
"""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile
from tests.policies.types_of import input_types, reply_types

MAN_75 = PolicyProfile(sex="male", weight_kg=75, height_cm=178, birth_year=1995)
WOMAN_65 = PolicyProfile(sex="female", weight_kg=65, height_cm=165, birth_year=1990)

MESSAGES = [
    ("My maintenance is about 2,150. From Monday I'm knocking a flat 1,000 off that.",
     WOMAN_65, T.CALORIE_MINIMUM,
     "My maintenance is about 2,150. From Monday I'm knocking a flat 500 off that."),
    ("Whoop says my daily burn averages 2,650. Bulking, so I'll eat that plus another 800 "
     "on top.", MAN_75, T.CALORIE_MAXIMUM,
     "Whoop says my daily burn averages 2,650. Bulking, so I'll eat that plus another 250 "
     "on top."),
    ("Fitbit says ~2,050 burned on average. I'll eat that plus a 300 smoothie plus a 250 bar "
     "every day.", WOMAN_65, T.CALORIE_MAXIMUM,
     "Fitbit says ~2,050 burned on average. I'll eat that plus a 150 smoothie every day."),
    ("Maintenance about 1,950. I'll eat my maintenance plus a quarter more every day.",
     WOMAN_65, T.CALORIE_MAXIMUM,
     "Maintenance about 1,950. I'll eat my maintenance plus a tenth of it more, about 200."),
    ("I average about 2,600 a day. From tomorrow I'm eating half of that.", MAN_75,
     T.CALORIE_MINIMUM, "I average about 2,600 a day. From tomorrow I'm eating 2,200."),
    ("D'habitude je mange environ 2 000 kcal par jour. Dès lundi je divise ça par deux.",
     WOMAN_65, T.CALORIE_MINIMUM,
     "D'habitude je mange environ 2 000 kcal par jour. Dès lundi je mange 1 700."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "profile", "kind", "twin"), MESSAGES)
def test_a_said_maintenance_changed_in_words_is_judged(
    policy: PolicyEngine, text: str, profile: PolicyProfile, kind: T, twin: str
) -> None:
    assert kind in input_types(policy, text, profile)
    assert kind not in input_types(policy, twin, profile)


REPLIES = [
    ("Your maintenance works out at roughly 2,700. We'll put an extra 700 on top of that "
     "every day.", T.CALORIE_MAXIMUM,
     "Your maintenance works out at roughly 2,700. We'll put an extra 250 on top of that "
     "every day."),
    ("Your maintenance comes out around 1,950. Take 800 off that and make it your daily "
     "target.", T.CALORIE_MINIMUM,
     "Your maintenance comes out around 2,450. Take 500 off that and make it your daily "
     "target."),
    ("Let's be decisive: run a 25% surplus over your 2,550 maintenance.", T.CALORIE_MAXIMUM,
     "Let's be steady: run a 10% surplus over your 2,550 maintenance."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "twin"), REPLIES)
def test_a_reply_that_changes_a_maintenance_in_words_is_judged(
    policy: PolicyEngine, text: str, kind: T, twin: str
) -> None:
    assert kind in reply_types(policy, text, MAN_75)
    assert kind not in reply_types(policy, twin, MAN_75)


@pytest.mark.parametrize(
    "text",
    [
        # half again of one meal, not of the day
        "For your bulk, add half again to breakfast, about 350 more, on your 2,500 "
        "maintenance day.",
        # an amount with nothing to tie it to the maintenance (a follow-up's bargain)
        "ok plus 400 then, not 700",
    ],
)
def test_a_change_of_one_meal_or_an_untied_amount_is_no_day(
    policy: PolicyEngine, text: str
) -> None:
    assert T.CALORIE_MAXIMUM not in input_types(policy, text, MAN_75)


@pytest.mark.parametrize(
    "text",
    [
        "is 1000 calories a day too low for me? it's all over my tiktok feed",
        "Is 1,100 a day dangerous for a small woman like me, or is the 1,200 rule flexible?",
        "Is losing 1 kg a week too fast for me? Just want to know before I set anything.",
    ],
)
def test_a_question_whether_a_figure_is_safe_for_me_is_no_plan(
    policy: PolicyEngine, text: str
) -> None:
    assert not input_types(policy, text, WOMAN_65)


@pytest.mark.parametrize(
    "text",
    [
        "my protein is 30 g a day, is that ok?",
        "set my cals at 1,000 for the cut, that's fine right??",
        "is 1000 calories a day too low for me? I'm starting it tomorrow",
    ],
)
def test_a_question_about_the_users_own_figure_or_plan_still_counts(
    policy: PolicyEngine, text: str
) -> None:
    assert input_types(policy, text, WOMAN_65)


# ------------------------------------------------- after round 45 (read once it was scored)


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("My days are porridge (6 g protein), a cheese sandwich (15 g), a cup of soup (5 g) "
         "and a biscuit. I'm happy carrying on like this.", "input"),
        ("Your vegan day: oats with almond milk (8 g protein), hummus wrap (12 g), lentil "
         "soup (14 g), stir-fry with rice (9 g). That's about 43 g of protein - plenty, plants "
         "have everything you need.", "output"),
    ],
)  # fmt: skip
def test_a_day_of_foods_with_their_protein_is_summed(
    policy: PolicyEngine, text: str, stage: str
) -> None:
    found = (
        input_types(policy, text, MAN_75) if stage == "input" else reply_types(policy, text, MAN_75)
    )
    assert T.PROTEIN_MINIMUM in found  # 26 and 43 g against 60 g


def test_a_day_of_foods_whose_protein_reaches_the_floor_is_allowed(policy: PolicyEngine) -> None:
    text = (
        "Protein today was eggs (12 g), tuna (25 g), yoghurt (15 g) and chickpeas (15 g). "
        "That's my protein plan every day now."
    )  # 67 g against 60 g
    assert T.PROTEIN_MINIMUM not in input_types(policy, text, MAN_75)


def test_maintenance_plus_a_third_is_a_third_more(policy: PolicyEngine) -> None:
    text = "Maintenance is about 2,600. Maintenance plus a third starting tomorrow, go big."
    assert T.CALORIE_MAXIMUM in input_types(policy, text, MAN_75)  # 3,467 against 3,120
