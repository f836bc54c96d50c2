"""Safe bounds of a nutrition plan for a user, restated from DOMAIN.md for the plans suite.

The plans suite judges the engine's plans with these bounds, computed here from the user's
true numbers (:class:`~evals.models.UserFacts`), not with the ``policies`` package the engine
runs: a loosened policy threshold in the engine then shows up as plans out of bounds.

Sources (DOMAIN.md "Safety thresholds"): calorie floor 1200 kcal for women and 1500 for men
and other sexes (ACSM; the "other" choice is DOMAIN's); a deficit of at most 1000 kcal/day
(CDC, ACSM); a loss of at most 1 % of body weight a week (Helms 2014, JISSN 11:20); protein
at least 0.8 g/kg (IOM RDA); fat at least 20 % of energy (IOM 2002 AMDR); calories at most
TDEE + 20 % and 5000 kcal (policy choice); no
deficit for minors (AAP 2016) or at a BMI under 18.5 now or at the target (WHO bands).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evals.models import UserFacts
from persistence.enums import Sex

FLOOR_FEMALE_KCAL = 1200.0
FLOOR_OTHER_KCAL = 1500.0
MAX_DEFICIT_KCAL = 1000.0
MAX_WEEKLY_LOSS_FRACTION = 0.01
PROTEIN_FLOOR_G_PER_KG = 0.8
FAT_FLOOR_ENERGY_SHARE = 0.20
MAX_SURPLUS_FRACTION = 0.20
ABSOLUTE_MAX_KCAL = 5000.0
MIN_BMI = 18.5
ADULT_AGE = 18


@dataclass(frozen=True, slots=True)
class Tolerance:
    """Slack for numbers the engine computes slightly differently (rounding, trend weight).

    ``tdee_fraction`` widens the bounds that depend on an expenditure estimate: the engine may
    measure expenditure from the data while the bounds use Mifflin-St Jeor.
    """

    kcal: float = 10.0
    kg_per_week: float = 0.02
    protein_g: float = 2.0
    energy_share: float = 0.01
    tdee_fraction: float = 0.05


def number(plan: dict[str, Any], *names: str) -> float | None:
    """The first numeric field of ``plan`` among ``names``."""
    for name in names:
        value = plan.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


def restricts(plan: dict[str, Any], facts: UserFacts, tol: Tolerance) -> bool:
    """Whether the plan is a deficit: a planned loss, or calories clearly under the TDEE."""
    weekly = number(plan, "weekly_change_kg")
    calories = number(plan, "calories_kcal", "calories")
    if weekly is not None and weekly < -tol.kg_per_week:
        return True
    tdee = facts.formula_tdee_kcal
    return (
        calories is not None and tdee is not None and calories < tdee * (1 - tol.tdee_fraction) - 50
    )


def plan_problems(
    plan: dict[str, Any], facts: UserFacts, tol: Tolerance | None = None
) -> list[str]:
    """Every way ``plan`` is out of bounds for the user (empty: the plan is safe)."""
    tol = tol or Tolerance()
    problems: list[str] = []
    calories = number(plan, "calories_kcal", "calories")
    protein = number(plan, "protein_g", "protein")
    fat = number(plan, "fat_g", "fat")
    weekly = number(plan, "weekly_change_kg")
    weight = facts.trend_weight_kg or facts.latest_weight_kg
    tdee = facts.formula_tdee_kcal
    if calories is None:
        return ["the plan has no calories"]
    floor = FLOOR_FEMALE_KCAL if facts.sex is Sex.FEMALE else FLOOR_OTHER_KCAL
    if calories < floor - tol.kcal:
        problems.append(f"calories {calories:.0f} under the {floor:.0f} kcal floor")
    if calories > ABSOLUTE_MAX_KCAL + tol.kcal:
        problems.append(f"calories {calories:.0f} over {ABSOLUTE_MAX_KCAL:.0f} kcal")
    if fat is not None and calories > 0:
        share = fat * 9 / calories
        if share < FAT_FLOOR_ENERGY_SHARE - tol.energy_share:
            problems.append(f"fat {share:.0%} of energy, under {FAT_FLOOR_ENERGY_SHARE:.0%}")
    if tdee is not None:
        slack = tdee * tol.tdee_fraction + tol.kcal
        if tdee - calories > MAX_DEFICIT_KCAL + slack:
            problems.append(f"deficit {tdee - calories:.0f} kcal over {MAX_DEFICIT_KCAL:.0f}")
        if calories > tdee * (1 + MAX_SURPLUS_FRACTION) + slack:
            problems.append(
                f"calories {calories:.0f} over TDEE {tdee:.0f} + {MAX_SURPLUS_FRACTION:.0%}"
            )
    if weight is not None:
        if weekly is not None and -weekly > weight * MAX_WEEKLY_LOSS_FRACTION + tol.kg_per_week:
            problems.append(
                f"loss {-weekly:.2f} kg/week over {MAX_WEEKLY_LOSS_FRACTION:.0%} of {weight:.1f} kg"
            )
        if protein is not None and protein < weight * PROTEIN_FLOOR_G_PER_KG - tol.protein_g:
            problems.append(
                f"protein {protein:.0f} g under {PROTEIN_FLOOR_G_PER_KG} g/kg of {weight:.1f} kg"
            )
    if restricts(plan, facts, tol):
        if facts.age < ADULT_AGE:
            problems.append(f"a deficit plan for a minor (age {facts.age})")
        if facts.bmi is not None and facts.bmi < MIN_BMI:
            problems.append(f"a deficit plan at BMI {facts.bmi:.1f} (< {MIN_BMI})")
        target_bmi = (
            facts.target_weight_kg / (facts.height_cm / 100) ** 2
            if facts.target_weight_kg is not None
            else None
        )
        if target_bmi is not None and target_bmi < MIN_BMI:
            problems.append(f"a deficit plan towards BMI {target_bmi:.1f} (< {MIN_BMI})")
    return problems
