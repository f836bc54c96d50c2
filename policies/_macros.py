"""Rebuilding a plan's macros around adjusted calories.

When the plan checks move the calories (or raise protein), the macros the request gave no
longer add up. Scaling carbs and fat by one factor breaks as soon as one of them is 0: a
zero-carb request raised from 800 to 2,362 kcal put 71% of its energy in fat. Instead the
macros are rebuilt from the rules they must meet:

- protein: the requested grams (already raised to the 0.8 g/kg floor), or the floor when the
  request gave none; lowered towards the floor only when it leaves no room for 20% fat;
- fat: the requested share of energy clamped into the AMDR band of 20-35% (IOM 2002), or 25%
  when the request gave no fat; lowered towards 20% first when protein and fat exceed the
  calories;
- carbs: the rest of the calories (never negative);
- fibre: at least 14 g per 1000 kcal (Dietary Guidelines 2015-2020) when the request gave it.

Energy uses the Atwater factors, 4/4/9 kcal per gram of protein, carbohydrate and fat.
"""

from __future__ import annotations

import math

from .models import PlanChange, PlanProposal
from .settings import PolicySettings

PROTEIN_KCAL, CARBS_KCAL, FAT_KCAL = 4.0, 4.0, 9.0  # Atwater factors


def _f(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _ceil1(x: float) -> float:
    return math.ceil(round(x * 10, 6)) / 10


def _floor1(x: float) -> float:
    return math.floor(round(x * 10, 6)) / 10


def requested_fat_share(plan: PlanProposal) -> float | None:
    """Fat's share of the requested energy, or None when the request gave no fat.

    With protein, carbs and fat all given, the share is of their own energy (the split the
    user asked for, even when it does not add up to their calories); otherwise of the
    requested calories.
    """
    if plan.fat_g is None:
        return None
    fat_kcal = FAT_KCAL * plan.fat_g
    if plan.protein_g is not None and plan.carbs_g is not None:
        total = PROTEIN_KCAL * plan.protein_g + CARBS_KCAL * plan.carbs_g + fat_kcal
        if total > 0:
            return fat_kcal / total
    if plan.calories_kcal:
        return fat_kcal / plan.calories_kcal
    return None


def rebuild_macros(
    plan: PlanProposal,
    new: dict[str, float | None],
    protein_floor: float,
    settings: PolicySettings,
) -> list[PlanChange]:
    """Set protein, carbs, fat and fibre in ``new`` around its calories; return the changes.

    Nothing happens without calories, or when neither the calories nor protein moved.
    Macros the request did not mention are left out unless carbs or fat were given (then the
    protein/carbs/fat split is completed so it adds up).
    """
    cal = new.get("calories_kcal")
    if cal is None or cal <= 0:
        return []
    cal_changed = cal != plan.calories_kcal
    if not cal_changed and new.get("protein_g") == plan.protein_g:
        return []
    changes: list[PlanChange] = []
    if plan.carbs_g is not None or plan.fat_g is not None:
        changes.extend(_split(plan, new, cal, protein_floor, settings))
    if cal_changed and plan.fiber_g is not None:
        target = settings.fibre_g_per_1000_kcal * cal / 1000
        if plan.fiber_g < target:
            fibre = _ceil1(target)
            new["fiber_g"] = fibre
            changes.append(PlanChange(
                field="fiber_g", original=plan.fiber_g, adjusted=fibre,
                reason=f"raised to {_f(settings.fibre_g_per_1000_kcal)} g per 1000 kcal of the "
                f"adjusted {_f(cal)} kcal, Dietary Guidelines 2015-2020",
            ))  # fmt: skip
    return changes


def _split(
    plan: PlanProposal,
    new: dict[str, float | None],
    cal: float,
    protein_floor: float,
    s: PolicySettings,
) -> list[PlanChange]:
    lo, hi = s.fat_min_fraction, s.fat_max_fraction
    floor_g = float(math.ceil(protein_floor))
    requested_protein = new.get("protein_g")
    protein = floor_g if requested_protein is None else requested_protein
    protein_reason = (
        f"set to the {_f(floor_g)} g minimum (0.8 g/kg, IOM RDA) to complete the macros"
        if requested_protein is None
        else ""
    )
    share = requested_fat_share(plan)
    if share is None:
        share, fat_why = s.fat_default_fraction, "the middle of the"
    else:
        fat_why = "within the" if lo <= share <= hi else "clamped into the"
        share = min(max(share, lo), hi)
    fat_kcal = share * cal
    if PROTEIN_KCAL * protein + fat_kcal > cal:
        # Protein and fat exceed the calories: lower fat towards 20% first ...
        fat_kcal = max(lo * cal, cal - PROTEIN_KCAL * protein)
        fat_why = "lowered towards the bottom of the"
        if PROTEIN_KCAL * protein + fat_kcal > cal and protein > floor_g:
            # ... then a requested protein above the floor, which leaves no room for fat.
            protein = max(floor_g, float(math.floor((cal - fat_kcal) / PROTEIN_KCAL)))
            protein_reason = (
                f"lowered to {_f(protein)} g so that fat keeps 20% of the adjusted "
                f"{_f(cal)} kcal, the bottom of the AMDR band (IOM 2002)"
            )
        fat_kcal = max(0.0, min(fat_kcal, cal - PROTEIN_KCAL * protein))
    fat = min(
        max(round(fat_kcal / FAT_KCAL, 1), _ceil1(lo * cal / FAT_KCAL)),
        _floor1(hi * cal / FAT_KCAL),
    )
    fat = min(fat, _floor1(max(0.0, cal - PROTEIN_KCAL * protein) / FAT_KCAL))
    carbs = max(0.0, round((cal - PROTEIN_KCAL * protein - FAT_KCAL * fat) / CARBS_KCAL, 1))
    fat_share = FAT_KCAL * fat / cal
    reasons = {
        "protein_g": protein_reason,
        "carbs_g": f"the rest of the adjusted {_f(cal)} kcal after protein and fat, at 4/4/9 "
        "kcal per gram",
        "fat_g": f"{fat_share:.0%} of the adjusted {_f(cal)} kcal, {fat_why} AMDR band of "
        "20-35% of energy, IOM 2002",
    }
    changes: list[PlanChange] = []
    for name, value in (("protein_g", protein), ("carbs_g", carbs), ("fat_g", fat)):
        if value == new.get(name):
            continue
        new[name] = value
        changes.append(
            PlanChange(
                field=name, original=getattr(plan, name), adjusted=value, reason=reasons[name]
            )
        )
    return changes
