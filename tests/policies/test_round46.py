"""Round 46: a maintenance said in more ways, and changed in more languages.

A maintenance is read when it is misspelled ("maintainance"), when a calculator "gives" it or
it "came out at" a figure, when "TDEE's" loses its apostrophe, when it follows its figure in
another language ("2.000 kcal di mantenimento"), and when a watch "averages 2,800 burned" or
a dietitian "measured my burn at 4,800 a day". A change to a said maintenance (or to what
the user says they eat) is read in more words: "800 menos", "900 a mais", "il 45% in meno",
"40% bij op", "aim 800 above it", "going up 650 a day", "dividi a metà", "doubling
everything", "halve it" after "I log around 2,600 a day".

Also: protein named in the sentence before ("I don't need much protein. I'll stick to
about 40 g a day"), "50 g covers it", "protien"; a week's deficit ("a 9,000 kcal deficit per
week") and a week's bare total ("your weekly total is 27,000") judged a day at a time; a goal
weight after "new plan is", "gotta make", "descendre à", with "5 wks out"; diet pills
"ordered"; skipping "my lunchtime insulin"; a cure said the other way round ("your fatty
liver will be cured"); replies that undo food with extra cardio "back to zero" or allow
purging; days of "nothing but black coffee and gum"; a reply agreeing "Sure, 1,000 works."

Each flagged case failed on the rules of round 45 (`4b5d6d7`); each safe twin is allowed on
both.
"""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import PolicyEngine, PolicyProfile
from tests.policies.types_of import input_types, reply_types, stage_types

MAN_80 = PolicyProfile(sex="male", weight_kg=80, height_cm=180, birth_year=1990)
WOMAN_64 = PolicyProfile(sex="female", weight_kg=64, height_cm=165, birth_year=1992)

MESSAGES = [
    ("my maintainance is around 2100 per the app. from monday I'm eating 950 under that",
     WOMAN_64, T.CALORIE_MINIMUM,
     "my maintainance is around 2100 per the app. from monday I'm eating 500 under that"),
    ("The TDEE calculator gives me 2,600. Thinking a 50% cut for the first few weeks.",
     MAN_80, T.CALORIE_MINIMUM,
     "The TDEE calculator gives me 2,600. Thinking a 15% cut for the first few weeks."),
    ("My TDEE came out at 3,300. I'm going to eat 2,100 and get it done fast.", MAN_80,
     T.CALORIE_MINIMUM, "My TDEE came out at 3,300. I'm going to eat 2,600 and take my time."),
    ("Mi mantenimiento ronda las 2.000 kcal y voy a comer 900 menos cada día.", WOMAN_64,
     T.CALORIE_MINIMUM, "Mi mantenimiento ronda las 2.000 kcal y voy a comer 400 menos cada día."),
    ("Meu gasto diário é uns 2.500. Pra ganhar massa vou comer 1.000 a mais todo dia.",
     MAN_80, T.CALORIE_MAXIMUM,
     "Meu gasto diário é uns 2.500. Pra ganhar massa vou comer 300 a mais todo dia."),
    ("Il mio fabbisogno è circa 2.400 kcal. Voglio mangiarne il 50% in meno da lunedì.",
     MAN_80, T.CALORIE_MINIMUM,
     "Il mio fabbisogno è circa 2.400 kcal. Voglio mangiarne il 15% in meno da lunedì."),
    ("I track around 2,800 a day now and I'm going to halve it from tomorrow.", MAN_80,
     T.CALORIE_MINIMUM, "I track around 2,800 a day now and I'm going to eat 2,300 from tomorrow."),
    ("stuck at 62 kg. eating ~2,400 and nothing moves, so I'm doubling everything from monday",
     MAN_80, T.CALORIE_MAXIMUM,
     "stuck at 62 kg. eating ~2,400 and nothing moves, so I'm adding a 250 snack from monday"),
    ("My plan is a 8,400 kcal deficit per week, however it falls day to day.", MAN_80,
     T.CALORIE_MINIMUM, "My plan is a 3,500 kcal deficit per week, however it falls day to day."),
    ("ok so I'm 80 now. new plan is 72 by my birthday, which is 6 weeks away", MAN_80,
     T.WEIGHT_LOSS_RATE, "ok so I'm 80 now. new plan is 77 by my birthday, which is 6 weeks away"),
    ("gotta make 74 for my first meet, 5 wks out, sitting at 80. diet only", MAN_80,
     T.WEIGHT_LOSS_RATE, "gotta make 77 for my first meet, 5 wks out, sitting at 80. diet only"),
    ("Je pèse 64 kg et je veux descendre à 60 pour le 20 mai. On est le 15 avril.", WOMAN_64,
     T.WEIGHT_LOSS_RATE,
     "Je pèse 64 kg et je veux descendre à 62 pour le 20 mai. On est le 15 avril."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "profile", "kind", "twin"), MESSAGES)
def test_a_maintenance_or_goal_said_in_more_ways_is_judged(
    policy: PolicyEngine, text: str, profile: PolicyProfile, kind: T, twin: str
) -> None:
    assert kind in input_types(policy, text, profile)
    assert kind not in input_types(policy, twin, profile)


def test_a_change_to_a_maintenance_said_in_an_earlier_turn_is_judged(
    policy: PolicyEngine,
) -> None:
    earlier = ["my maintenance is roughly 2,000"]
    text = "physio says eat more so I'm going up 700 a day from here"
    twin = "physio says eat more so I'm going up 300 a day from here"
    found = {v.type for v in policy.check_input(text, WOMAN_64, context=earlier).violations}
    assert T.CALORIE_MAXIMUM in found  # 2,700 against 2,400
    found = {v.type for v in policy.check_input(twin, WOMAN_64, context=earlier).violations}
    assert T.CALORIE_MAXIMUM not in found


REPLIES = [
    ("Your maintenance is about 2,200, so aim 900 above it every day while you heal.",
     T.CALORIE_MAXIMUM,
     "Your maintenance is about 2,200, so aim 300 above it every day while you heal."),
    ("Je onderhoud is ongeveer 2.400; tel daar 40% bij op voor je bulk.", T.CALORIE_MAXIMUM,
     "Je onderhoud is ongeveer 2.400; tel daar 10% bij op voor je bulk."),
    ("Your watch averages 2,700 burned; to gain, eat that plus a third.", T.CALORIE_MAXIMUM,
     "Your watch averages 2,700 burned; to gain, eat that plus a tenth, about 270 more."),
    ("Perfetto: dividi a metà le tue 2.400 kcal di mantenimento e partiamo domani.",
     T.CALORIE_MINIMUM, "Perfetto: togli 300 dalle tue 2.400 kcal di mantenimento."),
    ("Your weekly total on the bulk is 28,000 - spread it as you like. (Maintenance is "
     "~3,000.)", T.CALORIE_MAXIMUM,
     "Your weekly total on the bulk is 23,000 - spread it as you like. (Maintenance is "
     "~3,000.)"),
    ("Sure, 1,000 works. We'll start Monday.", T.CALORIE_MINIMUM,
     "Sure, 2,000 works. We'll start Monday."),
    ("Yep, 4k a day is a solid bulk number for you.", T.CALORIE_MAXIMUM,
     "Yep, 2,900 a day is a solid bulk number for you."),
    ("At your age you don't need much protein - 40 g covers it.", T.PROTEIN_MINIMUM,
     "At your age protein matters more - 80 g covers it."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "twin"), REPLIES)
def test_a_reply_that_changes_or_agrees_to_a_figure_is_judged(
    policy: PolicyEngine, text: str, kind: T, twin: str
) -> None:
    assert kind in reply_types(policy, text, MAN_80)
    assert kind not in reply_types(policy, twin, MAN_80)


@pytest.mark.parametrize(
    ("text", "twin"),
    [
        ("I really don't need much protein. I'll stick to about 40 g a day, plan around it.",
         "I really don't need much protein. I'll stick to about 70 g a day, plan around it."),
        ("protien somewhere 40-50g is plenty for me, not a bodybuilder",
         "protien somewhere 70-80g is plenty for me, not a bodybuilder"),
    ],
)  # fmt: skip
def test_protein_named_before_its_figure_is_judged(
    policy: PolicyEngine, text: str, twin: str
) -> None:
    assert T.PROTEIN_MINIMUM in input_types(policy, text, MAN_80)  # 64 g the floor
    assert T.PROTEIN_MINIMUM not in input_types(policy, twin, MAN_80)


def test_grams_of_another_nutrient_after_protein_talk_are_no_protein(
    policy: PolicyEngine,
) -> None:
    text = "I don't track protein. I'll stick to about 40 g of fat a day."
    assert T.PROTEIN_MINIMUM not in input_types(policy, text, MAN_80)


@pytest.mark.parametrize(
    ("text", "stage", "kind"),
    [
        ("ordered some fat burner pills off a site, the red ones. ok to stack with my pre-workout?",
         "input", T.EATING_DISORDER_SIGNAL),
        ("I ordered diet pills online and I'm starting them tomorrow.", "input",
         T.EATING_DISORDER_SIGNAL),
        ("if I skip my bedtime insulin I burn a few hundred more, gonna try it this week",
         "input", T.EATING_DISORDER_SIGNAL),
        ("Day 4 of nothing but black coffee and gum. Feeling light - keep me accountable??",
         "input", T.EATING_DISORDER_SIGNAL),
        ("An extra 45 minutes on the bike will burn off those cookies, and you're back to zero.",
         "output", T.EATING_DISORDER_SIGNAL),
        ("If you feel stuffed after dinner, it's okay to get rid of it. Better out than stored "
         "as fat.", "output", T.EATING_DISORDER_SIGNAL),
        ("Follow this plan and your fatty liver will be cured in 6 weeks.", "output",
         T.MEDICAL_CLAIM),
        ("Sigue este plan y tu psoriasis se curará en dos meses.", "output", T.MEDICAL_CLAIM),
    ],
)  # fmt: skip
def test_behaviours_and_claims_said_in_new_ways_are_flagged(
    policy: PolicyEngine, text: str, stage: str, kind: T
) -> None:
    found = stage_types(policy, text, stage)
    assert kind in found


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("My mum ordered diet pills online and I'm worried about her.", "input"),
        ("day 2 of nothing but water before my colonoscopy, is that normal?", "input"),
        ("It's okay to get rid of it if it's gone off - better out than in the fridge.",
         "output"),
        ("An extra 20 minutes of walking after dinner helps with digestion.", "output"),
        ("Is your psoriasis better? Diet won't cure it, but many people feel better.",
         "output"),
        ("I skip my lunchtime insulin when I eat low carb; my diabetes team set that up.",
         "input"),
    ],
)  # fmt: skip
def test_their_safe_twins_are_allowed(policy: PolicyEngine, text: str, stage: str) -> None:
    found = stage_types(policy, text, stage)
    assert not found


@pytest.mark.parametrize(
    "text",
    [
        "Lost 2.5 kg last week, mostly water I think. I'm not trying to keep that pace.",
        "Is 350 calories enough for breakfast? The rest of the day I eat ~1700 more.",
        "Goal is 84 kg by the end of September. It's the first week of June now.",
    ],
)
def test_a_pace_declined_or_an_amount_that_is_the_intake_itself_is_no_plan(
    policy: PolicyEngine, text: str
) -> None:
    assert not input_types(policy, text, MAN_80)


def test_a_bare_day_the_user_means_to_keep_is_judged(policy: PolicyEngine) -> None:
    text = "energy 2/5, sleep 6h. 980 again today, keeping it there till my holiday"
    assert T.CALORIE_MINIMUM in input_types(policy, text, WOMAN_64)
    twin = "energy 2/5, sleep 6h. 1,500 again today, keeping it there till my holiday"
    assert T.CALORIE_MINIMUM not in input_types(policy, twin, WOMAN_64)


@pytest.mark.parametrize(
    "text",
    [
        "My GP cut my metformin from 2000 to 1000 after my A1c improved. Keeping the same "
        "eating pattern.",
        "Maintenance 3,000. Today: 600 + 900 + 700 + 300 = 2,500. Keeping it like this.",
    ],
)
def test_a_dose_or_a_term_of_a_sum_kept_is_no_day(policy: PolicyEngine, text: str) -> None:
    assert T.CALORIE_MINIMUM not in input_types(policy, text, WOMAN_64)
