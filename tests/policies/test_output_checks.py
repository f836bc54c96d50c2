"""Output-stage decisions: numbers in prose, diagnoses, prescriptions, disordered-eating advice."""

from __future__ import annotations

import pytest

from persistence.enums import PolicyViolationType as T
from policies import Action, PolicyEngine, PolicyProfile
from policies.referrals import Region, block_replacement, medical_referral

SAFE_REPLIES = [
    "I recommend you add protein to your breakfast.",
    "Aim for about 1,800 calories a day, which is a 500 kcal deficit.",
    "Please don't go below 1,200 calories a day without medical supervision.",
    "Losing more than 1 kg a week isn't recommended.",
    "Laxatives are not a safe way to lose weight.",
    "Talk to your doctor before changing your levothyroxine dose.",
    "I can't diagnose thyroid problems; your doctor can run tests.",
    "Only a doctor can tell whether you have PCOS.",
    "Try to get 25-30 g of protein at each meal.",
    "Fiber helps you feel full; aim for 14 g per 1,000 kcal.",
    "I'd keep your surplus to about 300 calories a day.",
    "Very low calorie diets under 800 kcal are only used under medical supervision.",
    "DNP is extremely dangerous and has caused deaths.",
]


@pytest.mark.parametrize("text", SAFE_REPLIES)
def test_safe_reply_allowed(policy: PolicyEngine, text: str) -> None:
    decision = policy.check_output(text)
    assert decision.allowed, decision.violations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aim for 900 calories a day to see quick results.", T.CALORIE_MINIMUM),
        ("You can safely lose 2 kg a week on this plan.", T.WEIGHT_LOSS_RATE),
        ("Keep protein to about 20 g a day.", T.PROTEIN_MINIMUM),
        ("Eat 6,000 calories a day to bulk quickly.", T.CALORIE_MAXIMUM),
        ("It sounds like you have hypothyroidism.", T.MEDICAL_CLAIM),
        ("Increase your levothyroxine dose by 25 mcg.", T.MEDICAL_CLAIM),
        ("You can stop taking your metformin once you lose weight.", T.MEDICAL_CLAIM),
        ("If you overeat, make up for it by fasting the next day.", T.EATING_DISORDER_SIGNAL),
        ("Drink black coffee instead of eating lunch.", T.EATING_DISORDER_SIGNAL),
        ("Clenbuterol can help you get lean for summer.", T.UNSAFE_CONTENT),
    ],
)
def test_unsafe_reply_flagged(policy: PolicyEngine, text: str, expected: T) -> None:
    assert expected in {v.type for v in policy.check_output(text).violations}


def test_low_target_in_reply_amended_to_floor(policy: PolicyEngine, settings) -> None:  # type: ignore[no-untyped-def]
    decision = policy.check_output("Aim for 900 calories a day.")
    assert decision.action is Action.ADJUST
    floor = f"{settings.calorie_floor_text_unknown_sex:,.0f}"
    assert decision.message is not None
    assert decision.message.startswith(f"Aim for {floor} kcal a day.")
    assert "900" in decision.message  # the note says what changed


def test_fast_rate_in_reply_amended_to_limit(policy: PolicyEngine) -> None:
    profile = PolicyProfile(weight_kg=70)
    decision = policy.check_output("You could lose 2 kg a week.", profile)
    assert decision.message is not None
    assert decision.message.startswith("You could lose 0.7 kg a week.")


def test_medical_claim_in_reply_refers_to_professional(policy: PolicyEngine) -> None:
    decision = policy.check_output("Double your insulin before training.")
    assert decision.action is Action.REFER
    assert decision.message and "endocrinologist" in decision.message


@pytest.mark.parametrize("region", list(Region))
def test_policy_texts_pass_output_check(policy: PolicyEngine, region: Region) -> None:
    texts = [
        policy.check_input("I want to kill myself", PolicyProfile(timezone=_tz(region))).message,
        policy.check_input(
            "I've been making myself sick", PolicyProfile(timezone=_tz(region))
        ).message,
        *(medical_referral(t, region) for t in ("thyroid", "medication", "symptoms", "minor")),
        *(block_replacement(t, region) for t in ("drugs", "dehydration", "fasting", "rules", "ed")),
    ]
    for text in texts:
        assert text is not None
        decision = policy.check_output(text)
        assert decision.allowed, (text, decision.violations)


def _tz(region: Region) -> str | None:
    return {
        Region.US: "America/Chicago",
        Region.CANADA: "America/Toronto",
        Region.UK: "Europe/London",
        Region.AUSTRALIA: "Australia/Sydney",
        Region.OTHER: "Europe/Berlin",
        Region.UNKNOWN: None,
    }[region]
