"""Calorie and macronutrient targets for a goal and pace.

Sources, one per number:
- weight-loss pace 0.25/0.5/0.75 % of body weight per week, at most 1 %: Helms 2014
  (JISSN 11:20); deficit at most 1000 kcal/day: CDC/ACSM;
- calorie floor 1200 kcal (women) / 1500 kcal (everyone else): ACSM summary, DOMAIN.md policy;
- surplus +5/10/15 % of TDEE for muscle gain: practitioner heuristics (policy choice, DOMAIN.md);
- recomposition at TDEE -5 %: policy choice (a small deficit with high protein);
- protein g/kg: ISSN 2017 (JISSN 14:20) and Morton 2018 (BJSM 52:376);
- fat at least 20 % of energy (AMDR 20-35 %, IOM 2002); 25 % by default;
- fibre 14 g per 1000 kcal: Dietary Guidelines for Americans 2015-2020;
- 4/4/9 kcal per gram of protein/carbohydrate/fat: Atwater general factors (FAO 2003).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from persistence.enums import GoalType, PacePreference, Sex
from tools.formulas.energy import KCAL_PER_KG, bmi, weight_at_bmi

LOSS_FRACTION_OF_BW_PER_WEEK: Final[dict[PacePreference, float]] = {
    PacePreference.SLOW: 0.0025,
    PacePreference.MODERATE: 0.005,
    PacePreference.AGGRESSIVE: 0.0075,
}
SURPLUS_FRACTION_OF_TDEE: Final[dict[PacePreference, float]] = {
    PacePreference.SLOW: 0.05,
    PacePreference.MODERATE: 0.10,
    PacePreference.AGGRESSIVE: 0.15,
}
RECOMP_FRACTION_OF_TDEE: Final = -0.05
MAX_DEFICIT_KCAL: Final = 1000.0
FLOOR_FEMALE_KCAL: Final = 1200.0
FLOOR_OTHER_KCAL: Final = 1500.0
PROTEIN_G_PER_KG: Final[dict[GoalType, float]] = {
    GoalType.FAT_LOSS: 2.0,
    GoalType.RECOMP: 2.0,
    GoalType.MUSCLE_GAIN: 1.8,
    GoalType.PERFORMANCE: 1.8,
    GoalType.MAINTENANCE: 1.6,
}
DEFAULT_FAT_FRACTION: Final = 0.25
MIN_FAT_FRACTION: Final = 0.20
FIBRE_G_PER_1000_KCAL: Final = 14.0
#: Above BMI 30, g/kg protein targets are set on the weight at BMI 25 (policy choice: the
#: ISSN figures assume athletes' body composition, not total mass with obesity).
PROTEIN_REFERENCE_BMI_CAP: Final = 30.0
PROTEIN_REFERENCE_BMI: Final = 25.0
KCAL_PER_G_PROTEIN: Final = 4.0
KCAL_PER_G_CARB: Final = 4.0
KCAL_PER_G_FAT: Final = 9.0
ADULT_AGE: Final = 18
UNDERWEIGHT_BMI: Final = 18.5


@dataclass(frozen=True, slots=True)
class CalorieTarget:
    """Daily calories for a goal, the change they imply and every adjustment made."""

    tdee_kcal: float
    calories_kcal: float
    delta_kcal: float
    expected_weekly_change_kg: float
    floor_kcal: float
    adjustments: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MacroTarget:
    """Daily macronutrients in grams for a calorie target."""

    protein_g: float
    carbs_g: float
    fat_g: float
    fibre_g: float
    protein_g_per_kg: float
    protein_reference_weight_kg: float
    fat_fraction: float
    notes: list[str] = field(default_factory=list)


def calorie_floor(sex: Sex | None) -> float:
    """The lowest daily intake a plan may set without medical supervision."""
    return FLOOR_FEMALE_KCAL if sex == Sex.FEMALE else FLOOR_OTHER_KCAL


def deficit_refusal(*, age: int | None, weight_kg: float, height_cm: float) -> str | None:
    """Why no calorie deficit may be set for this person, or ``None`` when one may.

    Minors (AAP 2016, Pediatrics 138:e20161649) and BMI < 18.5 (WHO underweight).
    """
    if age is not None and age < ADULT_AGE:
        return f"no calorie deficit under {ADULT_AGE} (age {age})"
    value = bmi(weight_kg, height_cm)
    if value < UNDERWEIGHT_BMI:
        return f"no calorie deficit with BMI {value:.1f} (under {UNDERWEIGHT_BMI})"
    return None


def calorie_target(
    *,
    tdee_kcal: float,
    weight_kg: float,
    height_cm: float,
    age: int | None,
    sex: Sex | None,
    goal: GoalType,
    pace: PacePreference,
    weekly_change_kg: float | None = None,
) -> CalorieTarget:
    """Daily calories for the goal and pace, with the safety caps applied and reported.

    ``weekly_change_kg`` (negative: loss) asks for a rate directly instead of the pace.
    """
    floor = calorie_floor(sex)
    adjustments: list[str] = []
    if weekly_change_kg is not None:
        delta = weekly_change_kg * KCAL_PER_KG / 7.0
        if -delta > MAX_DEFICIT_KCAL:
            adjustments.append(
                f"the requested {weekly_change_kg:+.2f} kg/week needs a {-delta:.0f} kcal daily "
                f"deficit; capped at {MAX_DEFICIT_KCAL:.0f} kcal"
            )
            delta = -MAX_DEFICIT_KCAL
        calories = tdee_kcal + delta
    elif goal == GoalType.FAT_LOSS:
        deficit = LOSS_FRACTION_OF_BW_PER_WEEK[pace] * weight_kg * KCAL_PER_KG / 7.0
        if deficit > MAX_DEFICIT_KCAL:
            adjustments.append(f"deficit {deficit:.0f} kcal capped at {MAX_DEFICIT_KCAL:.0f} kcal")
            deficit = MAX_DEFICIT_KCAL
        calories = tdee_kcal - deficit
    elif goal == GoalType.MUSCLE_GAIN:
        calories = tdee_kcal * (1.0 + SURPLUS_FRACTION_OF_TDEE[pace])
    elif goal == GoalType.RECOMP:
        calories = tdee_kcal * (1.0 + RECOMP_FRACTION_OF_TDEE)
    else:
        calories = tdee_kcal
    if calories < tdee_kcal:
        refusal = deficit_refusal(age=age, weight_kg=weight_kg, height_cm=height_cm)
        if refusal is not None:
            adjustments.append(refusal + ": calories set to maintenance")
            calories = tdee_kcal
    if calories < floor:
        adjustments.append(f"raised from {calories:.0f} to the calorie floor of {floor:.0f} kcal")
        calories = floor
    delta = calories - tdee_kcal
    return CalorieTarget(
        tdee_kcal=tdee_kcal,
        calories_kcal=calories,
        delta_kcal=delta,
        expected_weekly_change_kg=delta * 7.0 / KCAL_PER_KG,
        floor_kcal=floor,
        adjustments=adjustments,
    )


def macro_energy_kcal(*, protein_g: float, carbs_g: float, fat_g: float) -> float:
    """Energy of the macronutrients (Atwater factors 4/4/9 kcal per gram)."""
    return protein_g * KCAL_PER_G_PROTEIN + carbs_g * KCAL_PER_G_CARB + fat_g * KCAL_PER_G_FAT


def protein_reference_weight(weight_kg: float, height_cm: float) -> float:
    """Body weight protein g/kg is applied to (capped at BMI 25 weight when BMI >= 30)."""
    if bmi(weight_kg, height_cm) >= PROTEIN_REFERENCE_BMI_CAP:
        return weight_at_bmi(PROTEIN_REFERENCE_BMI, height_cm)
    return weight_kg


def macro_target(
    *,
    calories_kcal: float,
    weight_kg: float,
    height_cm: float,
    goal: GoalType,
    min_protein_g: float | None = None,
    protein_g: float | None = None,
) -> MacroTarget:
    """Protein by goal (g/kg), fat at 25 % (never under 20 %) of energy, carbs the rest.

    ``protein_g`` sets protein to what the user asked for instead of the goal's g/kg;
    ``min_protein_g`` raises protein to at least that many grams (a safety policy's floor).
    """
    notes: list[str] = []
    per_kg = PROTEIN_G_PER_KG[goal]
    reference = protein_reference_weight(weight_kg, height_cm)
    if protein_g is not None:
        protein = protein_g
        per_kg = round(protein_g / weight_kg, 2)
    else:
        if reference != weight_kg:
            notes.append(f"protein set on {reference:.1f} kg (weight at BMI 25) because BMI >= 30")
        protein = per_kg * reference
    if min_protein_g is not None and min_protein_g > protein:
        notes.append(f"protein raised from {protein:.0f} g to the {min_protein_g:.0f} g minimum")
        protein = min_protein_g
    fat_fraction = DEFAULT_FAT_FRACTION
    remaining = calories_kcal - protein * KCAL_PER_G_PROTEIN - calories_kcal * fat_fraction
    if remaining < 0:
        fat_fraction = MIN_FAT_FRACTION
        notes.append("fat lowered to 20 % of energy to fit protein")
        remaining = calories_kcal - protein * KCAL_PER_G_PROTEIN - calories_kcal * fat_fraction
    if remaining < 0:
        notes.append("protein and the fat floor exceed the calories: carbs set to 0")
        remaining = 0.0
    return MacroTarget(
        protein_g=protein,
        carbs_g=remaining / KCAL_PER_G_CARB,
        fat_g=calories_kcal * fat_fraction / KCAL_PER_G_FAT,
        fibre_g=FIBRE_G_PER_1000_KCAL * calories_kcal / 1000.0,
        protein_g_per_kg=per_kg,
        protein_reference_weight_kg=reference,
        fat_fraction=fat_fraction,
        notes=notes,
    )
