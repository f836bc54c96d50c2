"""Body measures and energy requirements: age, BMI, BMR (Mifflin-St Jeor) and TDEE."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from persistence.enums import ActivityLevel, Sex

#: Activity multipliers for TDEE = BMR x factor (common clinical use; see DOMAIN.md).
ACTIVITY_MULTIPLIERS: Final[dict[ActivityLevel, float]] = {
    ActivityLevel.SEDENTARY: 1.2,
    ActivityLevel.LIGHT: 1.375,
    ActivityLevel.MODERATE: 1.55,
    ActivityLevel.ACTIVE: 1.725,
    ActivityLevel.VERY_ACTIVE: 1.9,
}

#: Energy density of body-weight change, kcal per kg (the 3500 kcal/lb rule; Hall 2008,
#: Int J Obes 32:573, shows it overstates the deficit per kg over long windows).
KCAL_PER_KG: Final = 7700.0

_MALE_OFFSET: Final = 5.0
_FEMALE_OFFSET: Final = -161.0


@dataclass(frozen=True, slots=True)
class BmrEstimate:
    """A basal metabolic rate and how it was obtained."""

    kcal: float
    sex_averaged: bool
    note: str | None = None


def age_from_birth_year(birth_year: int, today: dt.date) -> int:
    """Age in whole years, assuming the birthday has passed (only the year is stored)."""
    if birth_year > today.year:
        raise ValueError(f"birth_year: {birth_year} is after {today.year}")
    return today.year - birth_year


def bmi(weight_kg: float, height_cm: float) -> float:
    """Body-mass index, kg/m² (WHO definition)."""
    if weight_kg <= 0:
        raise ValueError(f"weight_kg: must be positive, got {weight_kg}")
    if height_cm <= 0:
        raise ValueError(f"height_cm: must be positive, got {height_cm}")
    metres = height_cm / 100.0
    return weight_kg / (metres * metres)


def bmi_category(value: float) -> str:
    """WHO adult BMI band: underweight < 18.5 <= normal < 25 <= overweight < 30 <= obese."""
    if value < 18.5:
        return "underweight"
    if value < 25.0:
        return "normal"
    if value < 30.0:
        return "overweight"
    return "obese"


def weight_at_bmi(target_bmi: float, height_cm: float) -> float:
    """The body weight (kg) at which a person of ``height_cm`` has ``target_bmi``."""
    metres = height_cm / 100.0
    return target_bmi * metres * metres


def mifflin_st_jeor(
    *, weight_kg: float, height_cm: float, age: int, sex: Sex | None
) -> BmrEstimate:
    """Resting energy expenditure in kcal/day.

    Mifflin-St Jeor, Am J Clin Nutr 1990;51:241: ``10 kg + 6.25 cm - 5 age + 5`` (men),
    ``- 161`` (women). For ``other``/``prefer_not_to_say``/unknown the mean of the two is used
    and flagged.
    """
    if weight_kg <= 0:
        raise ValueError(f"weight_kg: must be positive, got {weight_kg}")
    if height_cm <= 0:
        raise ValueError(f"height_cm: must be positive, got {height_cm}")
    if age < 0:
        raise ValueError(f"age: must not be negative, got {age}")
    base = 10.0 * weight_kg + 6.25 * height_cm - 5.0 * age
    if sex == Sex.MALE:
        return BmrEstimate(kcal=base + _MALE_OFFSET, sex_averaged=False)
    if sex == Sex.FEMALE:
        return BmrEstimate(kcal=base + _FEMALE_OFFSET, sex_averaged=False)
    return BmrEstimate(
        kcal=base + (_MALE_OFFSET + _FEMALE_OFFSET) / 2.0,
        sex_averaged=True,
        note="sex not given as male or female: BMR is the mean of the male and female equations",
    )


def tdee_from_activity(bmr_kcal: float, activity: ActivityLevel | None) -> float:
    """Total daily energy expenditure = BMR x activity multiplier (sedentary when unknown)."""
    return bmr_kcal * ACTIVITY_MULTIPLIERS[activity or ActivityLevel.SEDENTARY]
