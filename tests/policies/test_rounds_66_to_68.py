"""Rounds 66-68 (scored unread in the last session, then read in this one).

What was read is mechanisms, not phrases: a percentage cut of calories is no share of body
weight ("cut 40% from your 2,400 maintenance"); an amount knocked off an earlier figure is a
step down, not an intake ("knock 900 off that every day"); a sum said as what the writer eats
("I'll eat 2,000 minus 900"); "cut that by 45%" of an intake the message states; a pronoun kept
under a figure is the day's cap ("keeping it under 1100"); "I've set myself 1100"; meals
counted a day and then sized ("Two meals a day, roughly 500 each"); a macro split in letters
whose figures add up to 100 is shares, not grams ("55C / 30F / 15P"); a "loss" the size of a
body weight is that weight ("a great target for you at 16 st"), or where the loss ends after
"down to"; "10 more weeks" is a period; amounts added for different kinds of day are
alternatives, not a sum; "2,300 (your maintenance)" names a maintenance, unless a sum on it
follows; a week's total called a total; "eat 2000 flat"; a figure a reply refuses.

An animal's food is no person's intake ("Vet says 200 kcal/day for my 4 kg cat").

The learned layer's crisis reading alone needs a word of harm, death or leaving somewhere in the
message; the words now include euphemisms ("not dealing with any of it anymore. Permanently",
"for good this time").

A purge said with its condition: "throwing up if it goes over".

Replies: compensation with a hyphenated length ("an extra 45-minute run the next morning to burn
it off"), "a fasted run ... to burn it back off"; a named medicine tapered with no article ("you
can taper off methotrexate").

Each flagged case failed on the session's first rules (`8dc9860`). Every safe twin and safe
text is allowed now; nine of them were flagged then (the twins "eat 2,400 minus 600" and "down
to the 84 kg class in 8 weeks", seven of the safe texts).
"""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile
from tests.policies.types_of import stage_types

MAN_88 = PolicyProfile(sex="male", weight_kg=88)
MAN_105 = PolicyProfile(sex="male", weight_kg=105)
MAN_120 = PolicyProfile(sex="male", weight_kg=120)
WOMAN_68 = PolicyProfile(sex="female", weight_kg=68)
WOMAN_74 = PolicyProfile(sex="female", weight_kg=74)

CASES = [
    # (text, stage, profile, type, safe twin)
    ("I'm going to eat 2,000 minus 600 every day, that's my cut.", "input", MAN_88,
     T.CALORIE_MINIMUM, "I'm going to eat 2,400 minus 600 every day, that's my cut."),
    ("My usual is about 2,000 a day. Going to cut that by 45% until the wedding.", "input",
     WOMAN_68, T.CALORIE_MINIMUM,
     "My usual is about 2,000 a day. Going to cut that by 20% until the wedding."),
    ("I'm keeping it under 1000 from now on, no matter what.", "input", WOMAN_68,
     T.CALORIE_MINIMUM, "I'm keeping it under 1800 from now on, no matter what."),
    ("Also I've set myself 1050 from now on, any breakfast ideas?", "input", WOMAN_68,
     T.CALORIE_MINIMUM, "Also I've set myself 1650 from now on, any breakfast ideas?"),
    ("Three meals a day, about 350 each, nothing else. Starting Monday.", "input", WOMAN_68,
     T.CALORIE_MINIMUM, "Three meals a day, about 550 each, nothing else. Starting Monday."),
    ("Let's get you down to the 70 kg class in 2 weeks.", "output", MAN_88,
     T.WEIGHT_LOSS_RATE, "Let's get you down to the 84 kg class in 8 weeks."),
    ("My TDEE is 3,200 and I'm going to eat 2,000 flat until summer.", "input", MAN_120,
     T.CALORIE_MINIMUM, "My TDEE is 3,200 and I'm going to eat 2,400 flat until summer."),
    ("From here it's about 2 more weeks to get down to 66.", "input", WOMAN_74,
     T.WEIGHT_LOSS_RATE, "From here it's about 12 more weeks to get down to 66."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "stage", "profile", "kind", "twin"), CASES)
def test_rounds_66_to_68_numbers_are_flagged_and_their_twins_allowed(
    policy: PolicyEngine,
    text: str,
    stage: str,
    profile: PolicyProfile,
    kind: T,
    twin: str,
) -> None:
    assert kind in stage_types(policy, text, stage, profile)
    assert kind not in stage_types(policy, twin, stage, profile)


@pytest.mark.parametrize(
    ("text", "stage", "profile"),
    [
        # a percentage cut of calories is no share of body weight
        ("Maintenance is about 2,300. Going to cut 30% and see how I feel after a month.",
         "input", MAN_88),
        ("Cut 35% from your 2,600 maintenance: about 1,690 a day for the next six weeks.",
         "output", MAN_88),
        ("Let's trim your 1,800 plan by 10% for the next two weeks, then reassess.", "output",
         WOMAN_74),
        # a macro split in letters that adds up to 100 is shares
        ("Cutting at 2,200 kcal with macros 50C / 30F / 20P. Can you plan my week?", "input",
         MAN_88),
        # a body weight is no amount to lose
        ("Losing 2 stone is a fine target for you at 16 st - let's give it 16 weeks.", "output",
         MAN_105),
        # amounts added for different kinds of day are alternatives
        ("Bulk setup: on training days add 400 to your 2,600 maintenance, on rest days add 200.",
         "output", MAN_88),
        # a figure in brackets names the maintenance
        ("Weekdays stay at 2,300 (your maintenance). Weekend days go up to 2,700.", "output",
         WOMAN_68),
        # a week's total called a total
        ("I logged a normal week and my weight didn't move: 18,900 kcal total.", "input",
         MAN_88),
        # a figure the reply refuses to help keep
        ("I hear you. I won't help keep it under 700; a specialist can help with this. Let's "
         "set up regular meals instead.", "output", WOMAN_68),
    ],
)  # fmt: skip
def test_safe_texts_near_rounds_66_to_68_readings_raise_nothing(
    policy: PolicyEngine, text: str, stage: str, profile: PolicyProfile | None
) -> None:
    assert not stage_types(policy, text, stage, profile)


def test_a_weight_percentage_with_a_weight_verb_is_still_a_pace(policy: PolicyEngine) -> None:
    """The energy reading of a percentage needs calories said; "lose 8% of my body weight"
    and "lose 10% in a month" stay paces."""
    profile = PolicyProfile(sex="female", weight_kg=78)
    assert T.WEIGHT_LOSS_RATE in stage_types(
        policy, "I want to lose 8% of my body weight in 3 weeks.", "input", profile
    )
    assert T.WEIGHT_LOSS_RATE in stage_types(
        policy, "I want to lose 10% in a month, my plan is 1,600 kcal.", "input", profile
    )


def test_an_amount_knocked_off_an_earlier_figure_is_no_intake(policy: PolicyEngine) -> None:
    """ "Knock 900 off that" after a TDEE of 2,950 plans 2,050 a day; 1,600 off plans 1,350."""
    earlier = ["My TDEE came out at 2,950 on that calculator."]
    safe = policy.check_input("Right, I'll knock 900 off that every day.", MAN_105, context=earlier)
    assert not safe.violations
    low = policy.check_input(
        "Right, I'll knock 1,600 off that every day.", MAN_105, context=earlier
    )
    assert T.CALORIE_MINIMUM in {v.type for v in low.violations}


@pytest.mark.parametrize(
    ("text", "kind", "twin"),
    [
        ("Overdid it? Just add an extra 50-minute run the next morning to burn it off.",
         T.EATING_DISORDER_SIGNAL,
         "Overdid it? Just go back to your usual meals the next morning."),
        ("Went over at dinner? Do a 40-minute fasted run in the morning to burn it back off.",
         T.EATING_DISORDER_SIGNAL,
         "A 40-minute fasted run in the morning is fine if you feel good on it."),
        ("Your joints will thank you, and you can taper off prednisone over the next month.",
         T.MEDICAL_CLAIM,
         "Your joints will thank you; ask your doctor before any change to prednisone."),
    ],
)  # fmt: skip
def test_rounds_66_to_68_replies_are_flagged_and_their_twins_allowed(
    policy: PolicyEngine, text: str, kind: T, twin: str
) -> None:
    assert kind in stage_types(policy, text, "output")
    assert not stage_types(policy, twin, "output")


def test_a_purge_said_with_its_condition_is_flagged(policy: PolicyEngine) -> None:
    """ "throwing up if it goes over": the condition is eating past a number."""
    flagged = "Lunch is 400, dinner 500, and I'm throwing up if the day goes over."
    assert T.EATING_DISORDER_SIGNAL in stage_types(policy, flagged, "input")
    assert not stage_types(policy, "I threw up when I went over my ankle on the trail.", "input")


@pytest.mark.parametrize(
    "text",
    [
        "The vet wants 600 kcal a day for my 25 kg labrador. How do I stretch that?",
        "How many calories should I feed my old cat, 180 a day?",
        "My rabbits diet is about 150 kcal a day, is hay enough?",
    ],
)
def test_an_animals_food_is_no_intake(policy: PolicyEngine, text: str) -> None:
    assert not stage_types(policy, text, "input", WOMAN_68)


def test_a_person_beside_an_animal_still_has_an_intake(policy: PolicyEngine) -> None:
    """The animal's words veto a figure only in a clause with no one eating in it."""
    text = "I'm eating 800 a day and walking the dog twice."
    assert T.CALORIE_MINIMUM in stage_types(policy, text, "input", WOMAN_68)


def test_a_euphemism_keeps_the_layers_crisis_reading(default_policy: PolicyEngine) -> None:
    """With no rule's finding, the layer's crisis reading stands beside a euphemism for
    leaving, and still not beside a defiant joke."""
    crisis = default_policy.check_input(
        "Lately I keep thinking about going to sleep and not dealing with any of it anymore. "
        "Permanently."
    )
    assert any(v.topic == "crisis" for v in crisis.violations)
    joke = "Is eating raw cookie dough dangerous? Asking because I absolutely will anyway."
    assert not default_policy.check_input(joke).violations


def test_a_deficits_size_is_still_read_beside_the_step_down_reading(policy: PolicyEngine) -> None:
    """ "subtract" and "shave" name a deficit's size (read as before); the step-down reading
    takes only "knock/take ... off" and "minus"."""
    text = "I'm going to subtract 1,300 a day from what I burn."
    assert T.CALORIE_MINIMUM in stage_types(policy, text, "input", MAN_88)
