"""Referral texts: region from the timezone, current resources, the right professional."""

from __future__ import annotations

import pytest

from policies import PolicyEngine, PolicyProfile, Region, region_for_timezone
from policies.referrals import crisis_referral, eating_disorder_referral, medical_referral


@pytest.mark.parametrize(
    ("tz", "region"),
    [
        ("America/New_York", Region.US),
        ("America/Los_Angeles", Region.US),
        ("America/Indiana/Indianapolis", Region.US),
        ("Pacific/Honolulu", Region.US),
        ("US/Eastern", Region.US),
        ("America/Toronto", Region.CANADA),
        ("America/Vancouver", Region.CANADA),
        ("America/Halifax", Region.CANADA),
        ("America/St_Johns", Region.CANADA),
        ("Canada/Pacific", Region.CANADA),
        ("Europe/London", Region.UK),
        ("Australia/Sydney", Region.AUSTRALIA),
        ("Australia/Perth", Region.AUSTRALIA),
        ("America/Mexico_City", Region.OTHER),
        ("Europe/Berlin", Region.OTHER),
        ("Asia/Tokyo", Region.OTHER),
        (None, Region.UNKNOWN),
        ("", Region.UNKNOWN),
        ("Mars/Olympus", Region.UNKNOWN),
    ],
)
def test_region_read_from_timezone(tz: str | None, region: Region) -> None:
    assert region_for_timezone(tz) is region


@pytest.mark.parametrize(
    ("region", "number"),
    [
        (Region.US, "1-888-375-7767"),
        (Region.CANADA, "1-866-633-4220"),
        (Region.UK, "0808 801 0677"),
        (Region.AUSTRALIA, "1800 33 4673"),
        (Region.OTHER, "findahelpline.com"),
        (Region.UNKNOWN, "findahelpline.com"),
    ],
)
def test_eating_disorder_referral_names_regional_helpline(region: Region, number: str) -> None:
    assert number in eating_disorder_referral(region)


@pytest.mark.parametrize("region", list(Region))
def test_neda_never_cited(region: Region) -> None:
    texts = [eating_disorder_referral(region), crisis_referral(region)]
    assert not any("NEDA" in t or "National Eating Disorders Association" in t for t in texts)


@pytest.mark.parametrize(
    ("region", "line"),
    [
        (Region.US, "988"),
        (Region.CANADA, "9-8-8"),
        (Region.UK, "116 123"),
        (Region.AUSTRALIA, "13 11 14"),
        (Region.OTHER, "findahelpline.com"),
        (Region.UNKNOWN, "988"),
    ],
)
def test_crisis_referral_has_regional_line(region: Region, line: str) -> None:
    assert line in crisis_referral(region)


def test_crisis_message_follows_user_timezone(policy: PolicyEngine) -> None:
    uk = policy.check_input("I want to die", PolicyProfile(timezone="Europe/London"))
    assert uk.message and "116 123" in uk.message and "988" not in uk.message
    us = policy.check_input("I want to die", PolicyProfile(timezone="America/Denver"))
    assert us.message and "988" in us.message


@pytest.mark.parametrize(
    ("text", "professional"),
    [
        ("Should I double my levothyroxine?", "endocrinologist"),
        ("can I take my sertraline with a fat burner?", "pharmacist"),
        ("How much insulin should I take before a workout?", "endocrinologist"),
        ("I'm pregnant, can I go on a calorie deficit?", "midwife"),
        ("I have kidney disease, should I eat a high protein diet?", "nephrologist"),
        ("Do I have PCOS?", "doctor"),
    ],
)
def test_medical_referral_names_right_professional(
    policy: PolicyEngine, text: str, professional: str
) -> None:
    decision = policy.check_input(text)
    assert decision.message and professional in decision.message


def test_uk_users_referred_to_gp() -> None:
    assert "GP" in medical_referral("diagnosis", Region.UK)
    assert "GP" not in medical_referral("diagnosis", Region.US)
