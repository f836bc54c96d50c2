"""Round 52 (scored unread against this session's rules, then read): a watch's burn said in
more ways, days of meals with their other items, protein on a goal weight or lean mass, and
shares of calories that name protein first.

Numbers: "I burn about 3,200 a day. I'm thinking 1,900 in", "your average burn at 3,400",
"Take off the 1,050 we discussed", "1.300 minder eten dan dat" after "gemiddeld 3.100 kcal
per dag verbrand", "5 weekdays at 1,200", "Da domani: colazione 200, pranzo 350 ...", a bulk
day whose shakes and snacks count too, "set protein at 15%, fat at 35%", "11% coming from
protein", "1 g per kilo of your 60 kg goal", "1.1 g per kg of lean mass", "0,5 g de
protéines par kilo", "I'm sticking to 30 grams" after protein named.

Each flagged case failed on the rules this session's round 52 was scored against (`4e0c805`);
each safe twin is allowed on both.
"""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile
from tests.policies.types_of import stage_types

MAN_80 = PolicyProfile(sex="male", weight_kg=80, height_cm=180, birth_year=1990)
MAN_110 = PolicyProfile(sex="male", weight_kg=110, height_cm=185, birth_year=1985)
WOMAN_60 = PolicyProfile(sex="female", weight_kg=60, height_cm=165, birth_year=1994)
WOMAN_85 = PolicyProfile(sex="female", weight_kg=85, height_cm=168, birth_year=1988)

CASES = [
    # (text, stage, profile, type, safe twin)
    ("My watch says I burn about 3,300 a day. I'm thinking 2,000 in, so it comes off faster.",
     "input", MAN_110, T.CALORIE_MINIMUM,
     "My watch says I burn about 3,300 a day. I'm thinking 2,600 in, so it comes off faster."),
    ("Your watch puts your average burn at 3,500. Eating 2,300 a day gives you a big gap.",
     "output", MAN_110, T.CALORIE_MINIMUM,
     "Your watch puts your average burn at 3,500. Eating 2,700 a day gives you a steady gap."),
    ("Your watch says about 2,400 burned per day on average. Take off the 1,100 we discussed "
     "and that's your target.", "output", WOMAN_85, T.CALORIE_MINIMUM,
     "Your watch says about 2,400 burned per day on average. Take off the 600 we discussed and "
     "that's your target."),
    ("Let's do 5 weekdays at 1,100 and 2 weekend days at 2,000 - the average still works.",
     "output", MAN_80, T.CALORIE_MINIMUM,
     "Let's do 5 weekdays at 1,700 and 2 weekend days at 2,200 - the average still works."),
    ("Da domani: colazione 200, pranzo 300, merenda 100, cena 400. Basta così.", "input",
     WOMAN_60, T.CALORIE_MINIMUM,
     "Da domani: colazione 350, pranzo 450, merenda 150, cena 550. Basta così."),
    ("TDEE 2,600. New bulk day: oats 700, lunch 1,000, shake 800, dinner 1,000, pre-bed 300. "
     "Starting Monday.", "input", MAN_80, T.CALORIE_MAXIMUM,
     "TDEE 2,600. New bulk day: oats 400, lunch 800, shake 300, dinner 900, pre-bed 200. "
     "Starting Monday."),
    ("On 1,400 kcal, set protein at 12%, fat at 35% and carbs at 53%.", "output", WOMAN_85,
     T.PROTEIN_MINIMUM, "On 1,400 kcal, set protein at 25%, fat at 30% and carbs at 45%."),
    ("Vegan cut: 1,800 kcal with 10% coming from protein, the rest carbs and fats.", "input",
     MAN_80, T.PROTEIN_MINIMUM,
     "Vegan cut: 1,800 kcal with 20% coming from protein, the rest carbs and fats."),
    ("Base protein on your goal: 1 g per kilo of your 58 kg goal is all you need.", "output",
     WOMAN_85, T.PROTEIN_MINIMUM,
     "Base protein on your goal: 1.4 g per kilo of your 58 kg goal is plenty."),
    ("At 40% body fat your lean mass is about 51 kg, and 1.2 g per kg of lean mass is plenty.",
     "output", WOMAN_85, T.PROTEIN_MINIMUM,
     "At 40% body fat your lean mass is about 51 kg, and 1.6 g per kg of lean mass is plenty."),
    ("Je vise 0,5 g de protéines par kilo pendant ma sèche. C'est décidé.", "input", MAN_80,
     T.PROTEIN_MINIMUM, "Je vise 1,8 g de protéines par kilo pendant ma sèche. C'est décidé."),
    ("I don't need much protein at my age, so I'm sticking to 30 grams.", "input", WOMAN_60,
     T.PROTEIN_MINIMUM, "I don't need much protein at my age, so I'm sticking to 60 grams."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "stage", "profile", "kind", "twin"), CASES)
def test_round_52_cases_are_flagged_and_their_twins_allowed(
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
        ("Here's a cutting day (your maintenance is about 2,500):\n- Breakfast: 2 eggs with "
         "spinach (180 kcal)\n- Lunch: chicken salad (420 kcal)\n- Snack: yogurt (150 kcal)\n"
         "- Dinner: salmon and rice (650 kcal)\n- Evening: cottage cheese (200 kcal)",
         "output", MAN_80),
        ("bulk day plan: breakfast 700, lunch 900, shake 500, dinner 900, late snack 300. "
         "every day till I hit 85", "input", MAN_80),
        ("protein comes to ~35 g on my budget prep, too low right? cheapest way to double it?",
         "input", WOMAN_60),
    ],
)  # fmt: skip
def test_safe_days_and_questions_near_them_are_allowed(
    policy: PolicyEngine, text: str, stage: str, profile: PolicyProfile
) -> None:
    found = stage_types(policy, text, stage, profile)
    assert not found & {T.CALORIE_MINIMUM, T.CALORIE_MAXIMUM, T.PROTEIN_MINIMUM}
