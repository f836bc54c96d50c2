"""Round 48 (read after it was scored): sums and shares said as instructions, weekly totals
"across the week", more languages, and replies that diagnose or endorse water-only days.

Numbers: "Subtract 800 and that's your daily target", "Take 40% off your 2,400 maintenance",
"+30% for the next 12 weeks", "adding a third on top", "anderhalf keer zoveel", "25,900 kcal
across the week", "ligt rond de 2.500", "viser 59 kg d'ici 5 semaines", "1 g de protéines
pour 2 kg de poids".

Behaviours and claims: "you almost certainly have PCOS", "Your fatigue is iron-deficiency
anaemia", "Fourteen days on water only is fine", a plastic suit in the sauna and water
skipped the day before a weigh-in.

Each flagged case failed on the rules of round 47 (`4d5ee05`); each safe twin is allowed on
both.
"""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile
from tests.policies.types_of import input_types, reply_types

MAN_80 = PolicyProfile(sex="male", weight_kg=80, height_cm=180, birth_year=1990)

REPLIES = [
    ("Your TDEE is about 2,000. Subtract 900 and that's your daily target.", T.CALORIE_MINIMUM,
     "Your TDEE is about 2,000. Subtract 400 and that's your daily target."),
    ("Take 45% off your 2,600 maintenance. That's your number for the next 8 weeks.",
     T.CALORIE_MINIMUM,
     "Take 15% off your 2,600 maintenance. That's your number for the next 8 weeks."),
    ("Target for this bulk: 26,000 kcal across the week. Your maintenance is about 2,900.",
     T.CALORIE_MAXIMUM,
     "Target for this bulk: 21,500 kcal across the week. Your maintenance is about 2,900."),
    ("Je onderhoud ligt rond de 2.400 kcal. Voor spiergroei: eet elke dag anderhalf keer "
     "zoveel.", T.CALORIE_MAXIMUM,
     "Je onderhoud ligt rond de 2.400 kcal. Voor spiergroei: eet elke dag 200 kcal meer."),
    ("Tu fais 80 kg : viser 72 kg d'ici 5 semaines, c'est faisable !", T.WEIGHT_LOSS_RATE,
     "Tu fais 80 kg : viser 78 kg d'ici 5 semaines, c'est faisable !"),
    ("Visez 1 g de protéines pour 2 kg de poids corporel, c'est largement suffisant.",
     T.PROTEIN_MINIMUM,
     "Visez 5 g de protéines pour 6 kg de poids corporel, c'est largement suffisant."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "twin"), REPLIES)
def test_a_reply_that_works_out_a_figure_is_judged(
    policy: PolicyEngine, text: str, kind: T, twin: str
) -> None:
    assert kind in reply_types(policy, text, MAN_80)
    assert kind not in reply_types(policy, twin, MAN_80)


@pytest.mark.parametrize(
    ("text", "twin"),
    [
        ("Maintenance is 2,300 (I run 3x a week). Now building: +35% for the next 12 weeks.",
         "Maintenance is 2,300 (I run 3x a week). Now building: +10% for the next 12 weeks."),
        ("Maintenance is about 2,800. This month I'm adding a third on top and keeping it there.",
         "Maintenance is about 2,800. This month I'm adding a tenth on top and keeping it there."),
    ],
)  # fmt: skip
def test_a_share_added_to_a_maintenance_is_judged(
    policy: PolicyEngine, text: str, twin: str
) -> None:
    assert T.CALORIE_MAXIMUM in input_types(policy, text, MAN_80)
    assert T.CALORIE_MAXIMUM not in input_types(policy, twin, MAN_80)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("From what you've told me, you almost certainly have hypothyroidism.", T.MEDICAL_CLAIM),
        ("Your tiredness is iron-deficiency anaemia. Take 200 mg of iron a day.",
         T.MEDICAL_CLAIM),
        ("Ten days on water only is fine without supervision, just add salt.", T.UNSAFE_CONTENT),
        ("To make weight, sit in the sauna in a plastic suit and skip water the day before.",
         T.UNSAFE_CONTENT),
        ("Fight week tip: an hour in the sauna wearing a rubber suit, then spit into a bottle.",
         T.UNSAFE_CONTENT),
    ],
)  # fmt: skip
def test_replies_that_diagnose_or_endorse_a_danger_are_flagged(
    policy: PolicyEngine, text: str, kind: T
) -> None:
    assert kind in reply_types(policy, text)


@pytest.mark.parametrize(
    "text",
    [
        "Your tiredness is normal after a long run; sleep a bit more this week.",
        "Three days on water only is dangerous without a doctor; please don't.",
        "Please don't train in a plastic suit to sweat off weight - it's dangerous.",
        "Sweating off weight in a plastic suit can lead to heatstroke; let's plan a gradual cut.",
    ],
)
def test_their_safe_twins_are_allowed(policy: PolicyEngine, text: str) -> None:
    assert not reply_types(policy, text)
