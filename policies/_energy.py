"""Energy arithmetic the plan checks need (policies must not import ``tools``)."""

from __future__ import annotations

from persistence.enums import ActivityLevel, Sex

from .models import PolicyProfile

# Activity multipliers in common clinical use (DOMAIN.md "Energy and body weight").
_ACTIVITY_FACTOR = {
    ActivityLevel.SEDENTARY: 1.2,
    ActivityLevel.LIGHT: 1.375,
    ActivityLevel.MODERATE: 1.55,
    ActivityLevel.ACTIVE: 1.725,
    ActivityLevel.VERY_ACTIVE: 1.9,
}


def age_in(profile: PolicyProfile, year: int) -> int | None:
    """Age reached in ``year`` (birth dates are not stored, only the year)."""
    if profile.birth_year is None:
        return None
    return year - profile.birth_year


def bmr_mifflin(*, sex: Sex | None, weight_kg: float, height_cm: float, age: int) -> float:
    """Mifflin-St Jeor BMR (Am J Clin Nutr 1990;51:241).

    ``other``/``prefer_not_to_say``/unknown use the mean of the male (+5) and female (-161)
    constants, as DOMAIN.md prescribes.
    """
    base = 10 * weight_kg + 6.25 * height_cm - 5 * age
    if sex is Sex.MALE:
        return base + 5
    if sex is Sex.FEMALE:
        return base - 161
    return base + (5 - 161) / 2


def tdee(
    profile: PolicyProfile, year: int, unknown: ActivityLevel = ActivityLevel.SEDENTARY
) -> float | None:
    """Mifflin-St Jeor x activity, or None without weight, height and birth year.

    A missing activity level counts as ``unknown``: sedentary by default, the lowest estimate,
    which never invents a deficit the user is not planning; a ceiling asks for moderately
    active instead, so that an ordinary surplus for an active person is not called excessive.
    """
    age = age_in(profile, year)
    if profile.weight_kg is None or profile.height_cm is None or age is None:
        return None
    bmr = bmr_mifflin(
        sex=profile.sex, weight_kg=profile.weight_kg, height_cm=profile.height_cm, age=age
    )
    factor = _ACTIVITY_FACTOR[profile.activity_level or unknown]
    return bmr * factor


def bmi(weight_kg: float | None, height_cm: float | None) -> float | None:
    """Body-mass index (WHO), or None without both numbers."""
    if weight_kg is None or height_cm is None or height_cm <= 0:
        return None
    metres = height_cm / 100
    return weight_kg / (metres * metres)
