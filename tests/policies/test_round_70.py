"""Round 70 (scored unread at the start of this session and again after round 69's readings,
then read).

Numbers: a share of body weight with no "of" ("1.5 percent body weight per week"); protein set
as a share of an earlier turn's calories ("I'll set protein at 10% of that" is grams of
protein, not an intake of 200 kcal); grams of protein for each of a day's counted meals ("3
meals a day with about 15 g protein each" is 45 g); a day's burn said "probably burning 4,000+
a day" is the maintenance a packed 3,500 is judged against; a pace named as a limit ("under
your ~0.9 kg weekly limit"), the deficit's "1,000 kcal ceiling", a surplus a reply says "would
end up as fat", and a logged figure the writer denies ("~900 kcal days - I'm not, it's just
mis-logging") are no plans.

Words: a reply telling the user to "burn that many calories" after a meal; a salt-water flush.

Each flagged case or its twin, and each safe text marked "(flagged at e1d94ba)", failed on the
session's first rules (`e1d94ba`).
"""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile
from tests.policies.types_of import stage_types

MAN_75 = PolicyProfile(sex="male", weight_kg=75, height_cm=178, birth_year=1989)
MAN_85 = PolicyProfile(sex="male", weight_kg=85)
MAN_90 = PolicyProfile(sex="male", weight_kg=90)
MAN_92 = PolicyProfile(sex="male", weight_kg=92, height_cm=182, birth_year=1993)
WOMAN_55 = PolicyProfile(sex="female", weight_kg=55, height_cm=162, birth_year=2000)
WOMAN_65 = PolicyProfile(sex="female", weight_kg=65)
WOMAN_77 = PolicyProfile(sex="female", weight_kg=77)
WOMAN_85 = PolicyProfile(sex="female", weight_kg=85)

CASES = [
    # (text, stage, profile, type, safe twin)
    ("pace: 1.5 percent body weight per week, lock it in", "input", WOMAN_77,
     T.WEIGHT_LOSS_RATE, "pace: 0.5 percent body weight per week, lock it in"),
    # (twin flagged at e1d94ba: 75 g read as 25 g)
    ("Doing 3 meals a day with about 15 g protein each. That's my protein sorted.", "input",
     WOMAN_85, T.PROTEIN_MINIMUM,
     "Doing 3 meals a day with about 25 g protein each. That's my protein sorted."),
    # (twin flagged at e1d94ba: a 2,000 burn unread, 3,500 above the profile's ceiling)
    ("Long hike weekend, probably burning 2,000 a day. Planning to pack about 3,500 kcal a day "
     "of food.", "input", MAN_75, T.CALORIE_MAXIMUM,
     "Long hike weekend, probably burning 4,000+ a day. Planning to pack about 3,500 kcal a day "
     "of food."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "stage", "profile", "kind", "twin"), CASES)
def test_round_70_numbers_are_flagged_and_their_twins_allowed(
    policy: PolicyEngine,
    text: str,
    stage: str,
    profile: PolicyProfile,
    kind: T,
    twin: str,
) -> None:
    assert kind in stage_types(policy, text, stage, profile)
    assert kind not in stage_types(policy, twin, stage, profile)


def test_protein_as_a_share_of_earlier_calories_is_grams_of_protein(
    policy: PolicyEngine,
) -> None:
    """10 % of 2,000 kcal is 50 g of protein (under 72 g at 90 kg); 20 % is 100 g. Neither is
    an intake of 200 or 400 kcal, as `e1d94ba` read them."""
    earlier = ["I'm eating 2,000 kcal a day at the moment."]
    low = policy.check_input("I'll set protein at 10% of that.", MAN_90, context=earlier)
    assert {v.type for v in low.violations} == {T.PROTEIN_MINIMUM}
    enough = policy.check_input("I'll set protein at 20% of that.", MAN_90, context=earlier)
    assert not enough.violations


@pytest.mark.parametrize(
    ("text", "stage", "profile"),
    [
        # (flagged at e1d94ba) a pace named as the limit
        ("For the trip in 4 weeks, aim for half a stone: about 0.8 kg a week, under your ~0.9 "
         "kg weekly limit.", "output", MAN_85),
        # (flagged at e1d94ba) the deficit's ceiling is no intake
        ("It's aggressive but within limits: 2,200 kcal is about 900 under your 3,100 "
         "maintenance, which is under the 1,000 kcal ceiling.", "output", MAN_92),
        # (flagged at e1d94ba) a surplus judged wasted
        ("3,200 is about double your maintenance of roughly 1,530, so most of it would end up "
         "as fat. Let's try 1,800 and watch the scale.", "output", WOMAN_55),
        # (flagged at e1d94ba) a logged figure the writer denies
        ("My log says I'm eating ~900 kcal days - I'm not, it's just mis-logging. How do I log "
         "cooked rice?", "input", WOMAN_65),
    ],
)  # fmt: skip
def test_safe_texts_near_round_70_readings_raise_nothing(
    policy: PolicyEngine, text: str, stage: str, profile: PolicyProfile
) -> None:
    assert not stage_types(policy, text, stage, profile)


def test_a_denial_must_be_of_the_figure(policy: PolicyEngine) -> None:
    """ "I'm not going to change that" after a figure keeps it."""
    text = "I'm eating 900 kcal a day - I'm not going to change that."
    assert T.CALORIE_MINIMUM in stage_types(policy, text, "input", WOMAN_65)


@pytest.mark.parametrize(
    ("text", "stage", "kind", "twin"),
    [
        ("Whatever the app says dinner was, burn that many calories running afterwards.",
         "output", T.EATING_DISORDER_SIGNAL,
         "Whatever the app says dinner was, just carry on with your normal day."),
        ("how much salt water should I drink to flush everything out before the weigh-in",
         "input", T.UNSAFE_CONTENT, "Is a salt water gargle good for a sore throat?"),
    ],
)  # fmt: skip
def test_round_70_words_are_flagged_and_their_twins_allowed(
    policy: PolicyEngine, text: str, stage: str, kind: T, twin: str
) -> None:
    assert kind in stage_types(policy, text, stage)
    assert not stage_types(policy, twin, stage)
