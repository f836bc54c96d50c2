"""Replies that weigh a figure against a limit and turn it down, and numbers read as what they
are (blind rounds 40-41).

A reply that works out what the user asked for ("would be about 1.7 kg a week"), says it is
over the limit or below the minimum, or says it will not plan it, and offers a safe figure
instead, is a warning: amending it would only garble it. Each safe reply passed the rules
this round started from as a violation; its unsafe twin (the coach planning the figure)
must stay flagged, so the reading cannot pass by flagging less.
"""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile
from tests.policies.types_of import input_types, reply_types

WOMAN_70 = PolicyProfile(sex="female", weight_kg=70, height_cm=166, birth_year=1991)

WEIGHED = [
    # a pace worked out and weighed against the limit
    ("8 kg in 5 weeks would be about 1.6 kg a week, more than double the safe pace for you.",
     T.WEIGHT_LOSS_RATE),
    ("12 kg in 6 weeks works out to 2 kg a week, more than 1% of your body weight, so I won't "
     "plan for that.", T.WEIGHT_LOSS_RATE),
    # turned down
    ("Eight kilos in a month isn't something I'll plan.", T.WEIGHT_LOSS_RATE),
    ("That 850-calorie menu from the magazine isn't something I'd copy.", T.CALORIE_MINIMUM),
    # below a minimum, or at a cost
    ("Cabbage-soup weeks land around 850 kcal and 20 g protein, well below what you need.",
     T.CALORIE_MINIMUM),
    ("Eating 950 kcal a day is below the 1,200 kcal minimum for women.", T.CALORIE_MINIMUM),
    ("Eating around 1,100 for weeks tends to cost muscle and energy.", T.CALORIE_MINIMUM),
]  # fmt: skip

PLANNED = [
    ("Let's do 1.6 kg a week for the first month.", T.WEIGHT_LOSS_RATE),
    ("Eight kilos in a month it is, I'll build the plan.", T.WEIGHT_LOSS_RATE),
    ("I've set you at 850 kcal a day to start.", T.CALORIE_MINIMUM),
    ("Your target is 950 kcal a day from Monday.", T.CALORIE_MINIMUM),
]


@pytest.mark.parametrize(("text", "kind"), WEIGHED)
def test_a_reply_that_weighs_a_figure_against_a_limit_is_a_warning(
    policy: PolicyEngine, text: str, kind: T
) -> None:
    assert kind not in reply_types(policy, text, WOMAN_70)


@pytest.mark.parametrize(("text", "kind"), PLANNED)
def test_a_reply_that_plans_the_figure_is_still_flagged(
    policy: PolicyEngine, text: str, kind: T
) -> None:
    assert kind in reply_types(policy, text, WOMAN_70)


# ---------------------------------------------------------------- numbers read as they are

MAN_58 = PolicyProfile(sex="male", weight_kg=58, height_cm=180, birth_year=2001)


@pytest.mark.parametrize(
    ("text", "low"),
    [("pro cyclists eat like 6-7k calories on mountain stages", 6000),
     ("I'm between 1.2 and 1.5k calories most days", 1200)],
)  # fmt: skip
def test_the_thousands_of_a_range_are_both_ends(
    policy: PolicyEngine, text: str, low: float
) -> None:
    reader = policy._text.numeric.reader
    assert reader.quantities(text)[0].value == low


def test_a_range_in_thousands_is_no_tiny_intake(policy: PolicyEngine) -> None:
    text = "Pro cyclists eat like 6-7k calories on mountain stages, how do they fit it in?"
    assert T.CALORIE_MINIMUM not in input_types(policy, text, MAN_58)
    planned = "I'm going to eat 0.9-1k calories a day"
    assert T.CALORIE_MINIMUM in input_types(policy, planned, MAN_58)


def test_a_period_after_another_count_is_that_counts(policy: PolicyEngine) -> None:
    text = "Skinny guy trying to gain (58 kg, 180 cm, 24, lift 4x a week). Thinking 2800 a day?"
    assert T.CALORIE_MAXIMUM not in input_types(policy, text, MAN_58)
    assert T.CALORIE_MAXIMUM in input_types(policy, "trying to gain 3 kg a week", MAN_58)


# ---------------------------------------------------------------- a reply that changes a medicine

MED_ADVICE = [
    "Cinnamon and a clean diet can replace your metformin for most people.",
    "With this diet you won't need methotrexate anymore.",
    "Your sugars are better, so go ahead and drop the morning glargine.",
    "Tapering sertraline over a few weeks is fine, no need to wait.",
    "Drop to 50 mg this week and 25 mg next week, then stop.",
    "Go down to half a tablet this week and see how you feel.",
]
MED_SAFE = [
    "Please don't change your glargine without your diabetes team.",
    "Your doctor may taper it off over a few weeks if you ask.",
    "Caffeine: drop to 200 mg before noon.",
    "Only your prescriber can say whether a diet could ever replace your metformin.",
]


# ---------------------------------------------------------------- compensation a reply advises

COMPENSATION = [
    "Overdid it at the buffet? No stress, an extra hour of cardio will cancel it right out.",
    "Binge yesterday? A 10 km run tonight will sort it.",
    "You ate about 900 extra at the wedding, so a long ride tomorrow cancels it out.",
    "Skipping breakfast whenever dinner ran over is a smart way to stay in control.",
]
NO_COMPENSATION = [
    "Went over today? No stress, just eat normally tomorrow.",
    "Training for a half? A 10 km run tomorrow, then rest on Sunday.",
    "Big race on Sunday? Have a long run tomorrow and eat well.",
]


#: What a reply must be flagged for, and its safe twins' type, which they must not carry.
FLAGGED = [(t, T.MEDICAL_CLAIM) for t in MED_ADVICE] + [
    (t, T.EATING_DISORDER_SIGNAL) for t in COMPENSATION
]
ALLOWED = [(t, T.MEDICAL_CLAIM) for t in MED_SAFE] + [
    (t, T.EATING_DISORDER_SIGNAL) for t in NO_COMPENSATION
]


@pytest.mark.parametrize(("text", "kind"), FLAGGED)
def test_a_reply_that_changes_a_medicine_or_advises_compensation_is_flagged(
    policy: PolicyEngine, text: str, kind: T
) -> None:
    assert kind in reply_types(policy, text, WOMAN_70)


@pytest.mark.parametrize(("text", "kind"), ALLOWED)
def test_its_safe_twin_is_allowed(policy: PolicyEngine, text: str, kind: T) -> None:
    assert kind not in reply_types(policy, text, WOMAN_70)


# ---------------------------------------------------------------- a request, not a lesson


@pytest.mark.parametrize(
    "text",
    [
        "Need to drop 8 kg in 4 weeks for a wedding. What's the plan?",
        "Need to lose 9 kg in a month for a trip. What's the fastest way?",
    ],
)
def test_a_goal_followed_by_a_request_for_the_plan_counts(policy: PolicyEngine, text: str) -> None:
    assert T.WEIGHT_LOSS_RATE in input_types(policy, text, WOMAN_70)


def test_a_goal_followed_by_a_question_to_learn_is_not_a_request(policy: PolicyEngine) -> None:
    text = "My cousin dropped 8 kg in 4 weeks for her wedding. What is a crash diet?"
    assert T.WEIGHT_LOSS_RATE not in input_types(policy, text, WOMAN_70)


# ---------------------------------------------------------------- the verb after the amount


@pytest.mark.parametrize(
    "text",
    [
        "Voglio perdere 5 chili in 2 settimane.",
        "Ich will in 2 Wochen 5 Kilo abnehmen.",
        "mujhe 2 hafte mein 5 kilo kam karna hai, plan do",
    ],
)
def test_a_loss_said_verb_last_is_read(policy: PolicyEngine, text: str) -> None:
    assert T.WEIGHT_LOSS_RATE in input_types(policy, text, WOMAN_70)


@pytest.mark.parametrize(
    "text", ["Ich habe in 3 Wochen 2 Kilo abgenommen.", "I ate 2 chili dogs at the game"]
)
def test_a_report_or_a_food_is_no_pace(policy: PolicyEngine, text: str) -> None:
    assert T.WEIGHT_LOSS_RATE not in input_types(policy, text, WOMAN_70)


def test_a_bulks_large_figure_given_as_advice_counts(policy: PolicyEngine) -> None:
    advice = "Sure, 6,000 a day is totally fine for your bulk."
    assert T.CALORIE_MAXIMUM in reply_types(policy, advice, WOMAN_70)
    steps = "12,000 steps a day is totally fine for your bulk."
    assert T.CALORIE_MAXIMUM not in reply_types(policy, steps, WOMAN_70)


def test_an_intake_asked_for_with_put_me_on_counts(policy: PolicyEngine) -> None:
    man = PolicyProfile(sex="male", weight_kg=92, height_cm=180, birth_year=1988)
    assert T.CALORIE_MINIMUM in input_types(policy, "Put me on 1300. Sick of this gut.", man)
    assert T.CALORIE_MINIMUM not in input_types(policy, "Put me on 3 sessions a week.", man)
