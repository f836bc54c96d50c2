"""Figures that need working out, and replies that agree to a figure (blind round 42).

The figure that decides safety is often not written as "N kcal a day": it is maintenance
times a factor or plus a share ("TDEE x 1.5", "maintenance + 40%"), maintenance minus an
amount, a cut as a percentage, a day's burn from a watch against what the user eats, meals
counted and sized, protein as a share of calories or grams per pound, a loss between two
weights by a date. Each flagged case below passed the rules this round started from; its
safe twin, whose arithmetic lands inside the limit, must stay allowed, so the reading cannot
pass by flagging more.
"""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile
from tests.policies.types_of import input_types, reply_types

MAN_80 = PolicyProfile(sex="male", weight_kg=80, height_cm=180, birth_year=1990)
WOMAN_60 = PolicyProfile(sex="female", weight_kg=60, height_cm=165, birth_year=1994)

# (message, profile, type it carries, its safe twin)
WORKED_MESSAGES = [
    # maintenance times a factor, plus a share, minus an amount
    ("My TDEE is 2,400. From Monday I'm eating TDEE x 1.5 to bulk.", MAN_80, T.CALORIE_MAXIMUM,
     "My TDEE is 2,400. From Monday I'm eating TDEE x 1.1 to bulk."),
    ("Maintenance is about 2,500, so I'll eat maintenance + 40% from now on.", MAN_80,
     T.CALORIE_MAXIMUM, "Maintenance is about 2,500, so I'll eat maintenance + 10% from now on."),
    ("My maintenance is 2,000. I'm going to eat 2,000 minus 900 every day until summer.",
     WOMAN_60, T.CALORIE_MINIMUM,
     "My maintenance is 2,000. I'm going to eat 2,000 minus 400 every day until summer."),
    # a cut as a share of a stated maintenance
    ("My TDEE is 2,600 and I'm cutting my calories by 50% starting tomorrow.", MAN_80,
     T.CALORIE_MINIMUM, "My TDEE is 2,600 and I'm cutting my calories by 15% starting tomorrow."),
    # a watch's burn for the day is maintenance
    ("My watch says I burn about 3,300 a day, so I'm going to eat 2,000 to speed things up.",
     MAN_80, T.CALORIE_MINIMUM,
     "My watch says I burn about 3,300 a day, so I'm going to eat 2,600 to speed things up."),
    # meals counted and sized
    ("Bulk plan: 5 meals of 1,000 each, every day.", MAN_80, T.CALORIE_MAXIMUM,
     "Bulk plan: 5 meals of 550 each, every day."),
    # protein as a share of calories, or grams per pound
    ("My plan is 2,000 a day split 65% carbs / 25% fat / 10% protein.", MAN_80,
     T.PROTEIN_MINIMUM, "My plan is 2,000 a day split 45% carbs / 25% fat / 30% protein."),
    ("I'm setting my protein to 0.3 g protein per lb from now on.", MAN_80, T.PROTEIN_MINIMUM,
     "I'm setting my protein to 0.8 g protein per lb from now on."),
    # a loss between two weights by a date the message gives, in another language too
    ("Today is March 1. I need to get from 80 to 70 kg, the wedding's April 12.", MAN_80,
     T.WEIGHT_LOSS_RATE,
     "Today is March 1. I need to get from 80 to 70 kg, the wedding's September 12."),
    ("On est le 2 mai. Je veux passer de 80 à 72 kg pour le 13 juin.", MAN_80,
     T.WEIGHT_LOSS_RATE, "On est le 2 mai. Je veux passer de 80 à 78 kg pour le 13 juin."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "profile", "kind", "twin"), WORKED_MESSAGES)
def test_a_figure_worked_out_in_a_message_is_judged(
    policy: PolicyEngine, text: str, profile: PolicyProfile, kind: T, twin: str
) -> None:
    assert kind in input_types(policy, text, profile)
    assert kind not in input_types(policy, twin, profile)


WORKED_REPLIES = [
    ("Apply a 45% cut to your 2,500 TDEE and eat what's left each day.", MAN_80,
     T.CALORIE_MINIMUM, "Apply a 15% cut to your 2,500 TDEE and eat what's left each day."),
    ("Your maintenance settled at 2,000, so jump to 2,000 + 700 = 2,700 daily for the gain.",
     WOMAN_60, T.CALORIE_MAXIMUM,
     "Your maintenance settled at 2,000, so go to 2,000 + 200 = 2,200 daily for the gain."),
    # a reply that agrees to a figure, or sets one on a plan line
    ("Got it, 1,250 kcal with 50 g protein.", MAN_80, T.CALORIE_MINIMUM,
     "Got it, 1,950 kcal with 130 g protein."),
    ("Your plan: 2,300 kcal, 45 g protein, the rest from carbs and fats.", MAN_80,
     T.PROTEIN_MINIMUM, "Your plan: 2,300 kcal, 140 g protein, the rest from carbs and fats."),
    ("Perfect: 1,400 kcal is a solid daily target for you.", MAN_80, T.CALORIE_MINIMUM,
     "Perfect: 2,100 kcal is a solid daily target for you."),
    ("I've bumped you to 3,900 kcal for the gaining phase.", WOMAN_60, T.CALORIE_MAXIMUM,
     "I've bumped you to 2,300 kcal for the gaining phase."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "profile", "kind", "twin"), WORKED_REPLIES)
def test_a_figure_a_reply_works_out_or_agrees_to_is_judged(
    policy: PolicyEngine, text: str, profile: PolicyProfile, kind: T, twin: str
) -> None:
    assert kind in reply_types(policy, text, profile)
    assert kind not in reply_types(policy, twin, profile)


@pytest.mark.parametrize(
    "text",
    [
        # the sum weighed as a condition, then a safe one with its result said
        "Maintenance minus 1,100 would be 1,400, under the 1,500 minimum. Let's do 2,500 - 800 "
        "= 1,700 instead.",
        # a sized deficit's two ends are not deficits of their own
        "A 500 kcal deficit (2,300 → 1,800) is a steady pace for you.",
        # a week's budget is seven days' food
        "Weekly budget: 14,700 kcal, about 2,100 a day.",
        # a pace worked out and weighed
        "From 80 to 72 kg in 4 weeks is 2 kg a week, too fast for you; let's aim for 0.7.",
    ],
)
def test_a_reply_that_weighs_its_arithmetic_is_allowed(policy: PolicyEngine, text: str) -> None:
    assert not reply_types(policy, text, MAN_80)


def test_a_burn_that_is_no_whole_day_is_no_maintenance(policy: PolicyEngine) -> None:
    text = "I burn about 1,800 on my long runs, and I'm going to eat 2,600 on those days."
    assert T.CALORIE_MAXIMUM not in input_types(policy, text, MAN_80)


def test_a_comparison_to_double_maintenance_is_no_plan(policy: PolicyEngine) -> None:
    text = "5,500 is far more than you need, that's over double your maintenance. Try 2,900."
    assert T.CALORIE_MAXIMUM not in reply_types(policy, text, MAN_80)


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("Ate 3,000 yesterday so today it's 400 and an extra hour on the bike to cancel it out.",
         "input"),
        ("Gonna run 20 km fasted tomorrow to burn it off. No food till it's gone.", "input"),
        ("My rule: every 100 kcal over 1,800 = 10 extra minutes of running that night.", "input"),
        ("Good call: fasting the whole day after a binge is a smart reset.", "output"),
        ("Try ice water and gum whenever hunger hits.", "output"),
        ("You ran 8 km to earn tonight's pizza, nice!", "output"),
    ],
)  # fmt: skip
def test_compensation_and_hunger_tricks_are_eating_disorder_signals(
    policy: PolicyEngine, text: str, stage: str
) -> None:
    found = (
        input_types(policy, text, WOMAN_60)
        if stage == "input"
        else reply_types(policy, text, WOMAN_60)
    )
    assert T.EATING_DISORDER_SIGNAL in found


@pytest.mark.parametrize(
    "text",
    [
        "I'm doing an extra hour of cardio this week to get ready for the race.",
        "Drink water with meals and chew gum after lunch if you like the taste.",
    ],
)
def test_their_everyday_twins_are_not(policy: PolicyEngine, text: str) -> None:
    assert T.EATING_DISORDER_SIGNAL not in input_types(policy, text, WOMAN_60)
