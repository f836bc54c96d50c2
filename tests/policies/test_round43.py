"""Round 43: the arithmetic readings of round 42 on fresh text, and what that text showed.

Weights in stone and pounds are one weight; a week's total said as "for the whole 7 days" is
a week's; "800 under that" is a deficit; a cut as a share needs a maintenance the user
said; a day's burn can come after its label; counted meals beside other figures are no
whole day. Crisis signs and purging in other words are read too. Each case here failed on
the rules of round 42 (`c33fd01`), except the everyday twins, which guard the new
patterns, and the two cuts whose remainder is under the floor, which round 42 flagged by
reading the deficit itself as the intake: both pass on both.
"""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile
from policies.quantities.reader import NumberReader, Unit
from tests.policies.types_of import input_types, reply_types

WOMAN_75 = PolicyProfile(sex="female", weight_kg=75, height_cm=165, birth_year=1990)
MAN_70 = PolicyProfile(sex="male", weight_kg=70, height_cm=176, birth_year=1990)


@pytest.mark.parametrize(
    ("text", "stone"),
    [("12st 2lb", 12 + 2 / 14), ("11st 4", 11 + 4 / 14), ("9 stone 6", 9 + 6 / 14)],
)
def test_stone_and_pounds_are_one_weight(text: str, stone: float) -> None:
    (q,) = NumberReader().quantities(text)
    assert q.unit is Unit.STONE and q.value == pytest.approx(stone)


def test_a_stone_weight_then_a_count_stays_two_figures() -> None:
    found = NumberReader().quantities("i am 10 stone, 3 kids")
    assert [q.value for q in found] == [10, 3]


def test_a_goal_in_stone_and_pounds_is_judged_whole(policy: PolicyEngine) -> None:
    # 84 kg to 12st 8 (79.8 kg) in 7 weeks: 0.6 kg a week, 0.7 %; read as 12 stone, 1.1 %
    woman_84 = PolicyProfile(sex="female", weight_kg=84, height_cm=165, birth_year=1990)
    text = "Want to be 12st 8 for the golf trip in 7 weeks. Go."
    assert T.WEIGHT_LOSS_RATE not in input_types(policy, text, woman_84)
    fast = "Want to be 11st 8 for the golf trip in 7 weeks. Go."  # 10.5 kg: 1.8 %
    assert T.WEIGHT_LOSS_RATE in input_types(policy, fast, woman_84)


@pytest.mark.parametrize(
    "text",
    [
        # a week's total
        "This week's plan: 8,540 kcal total for the whole 7 days, spread however I like.",
        # 2,050 - 800 = 1,250
        "My maintenance is about 2,050. I'm going to eat 800 under that starting Monday.",
        # 40 % off an estimate of maintenance is not judged
        "I'm cutting my calories by 40% from tomorrow, smaller portions of everything.",
        # the counted snacks are part of a day of bare figures (2,200 in all)
        "Daily: breakfast 550, lunch 650, dinner 700, two snacks at 150. That's the plan.",
    ],
)
def test_figures_that_work_out_inside_the_limits_are_allowed(
    policy: PolicyEngine, text: str
) -> None:
    assert not input_types(policy, text, WOMAN_75)


def test_a_weekly_goal_said_in_another_language_is_a_week(policy: PolicyEngine) -> None:
    text = "Tu objetivo semanal es 8.750 kcal, o sea 1.250 al día de media."
    assert T.CALORIE_MAXIMUM not in reply_types(policy, text, WOMAN_75)


def test_a_burn_named_before_its_figure_is_maintenance(policy: PolicyEngine) -> None:
    text = "Your power meter puts total burn around 5,200 kcal, so eat about 5,600 on those days."
    assert T.CALORIE_MAXIMUM not in reply_types(policy, text, MAN_70)
    steep = "Your power meter puts total burn around 3,400 kcal, so eat about 2,000 on those days."
    assert T.CALORIE_MINIMUM in reply_types(policy, steep, MAN_70)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("For a faster bulk let's push you up to 4,000 kcal.", T.CALORIE_MAXIMUM),
        ("Add a 1,500-calorie shake on top of your 3,000 for more growth.", T.CALORIE_MAXIMUM),
        ("Don't stress about protein, 40 g is plenty even at your size.", T.PROTEIN_MINIMUM),
    ],
)
def test_replies_that_raise_add_or_wave_off_are_judged(
    policy: PolicyEngine, text: str, kind: T
) -> None:
    assert kind in reply_types(policy, text, MAN_70)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I'm done. The letters are written. Thanks for the meal plans.", T.UNSAFE_CONTENT),
        ("If a bus got me tomorrow at least I'd never count another calorie.", T.UNSAFE_CONTENT),
        ("Je me fais vomir après les repas depuis un mois.", T.EATING_DISORDER_SIGNAL),
        ("Main roz khaane ke baad ulti kar deta hoon.", T.EATING_DISORDER_SIGNAL),
        ("I get panicky if I see oil on my plate.", T.EATING_DISORDER_SIGNAL),
    ],
)
def test_crisis_signs_and_purging_in_other_words_are_read(
    policy: PolicyEngine, text: str, kind: T
) -> None:
    assert kind in input_types(policy, text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm done with the cover letters, they're written. Lunch ideas?",
        "Sorting out who takes my cat while I'm in Spain, then meal prep.",
        "Drink a glass of water whenever you feel hungry, sometimes it's thirst.",
    ],
)
def test_their_everyday_twins_are_allowed(policy: PolicyEngine, text: str) -> None:
    assert not input_types(policy, text)


@pytest.mark.parametrize(
    "text",
    [
        # 2,050 - 900 = 1,150: under the floor, though the deficit itself is within the limit
        "My maintenance is about 2,050. I'm going to eat 900 under that starting Monday.",
        # half of what is eaten now: 2,300 x 0.5
        "I'm eating about 2,300 now. Cutting it by 50% from tomorrow, half portions.",
    ],
)
def test_what_is_left_after_a_cut_is_judged(policy: PolicyEngine, text: str) -> None:
    assert T.CALORIE_MINIMUM in input_types(policy, text, WOMAN_75)


def test_a_day_of_named_and_counted_meals_is_summed(policy: PolicyEngine) -> None:
    woman_55 = PolicyProfile(sex="female", weight_kg=55, height_cm=160, birth_year=1995)
    over = "My TDEE is 1,850. Daily: breakfast 650, lunch 700, dinner 800, two snacks at 200."
    assert T.CALORIE_MAXIMUM in input_types(policy, over, woman_55)  # 2,550
    inside = "My TDEE is 1,850. Daily: breakfast 500, lunch 600, dinner 600, two snacks at 150."
    assert not input_types(policy, inside, woman_55)  # 2,000
