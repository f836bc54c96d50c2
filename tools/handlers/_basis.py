"""The one expenditure figure targets, plans and nutrition comparisons are built on.

A user asking for targets, then a plan, then how their intake compares must hear one
expenditure (TDEE), named for what it is: the **adaptive** estimate (logged intake and
weight change over the last :data:`BASIS_DAYS` days, blended with the formula by
precision) when the data is enough to update it, else the **formula** estimate
(Mifflin-St Jeor x activity multiplier). Every tool that needs a TDEE takes it from
:func:`load_energy_basis`, so the same data on the same day gives the same figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from tools.data import ProfileData, load_nutrition, load_weights
from tools.deps import ToolDeps
from tools.errors import DataErrorCode, ToolDataMissing
from tools.formulas import (
    ExpenditureEstimate,
    age_from_birth_year,
    estimate_tdee,
    mifflin_st_jeor,
    tdee_from_activity,
)
from tools.handlers._common import WEIGHT_LOOKBACK_DAYS, current_weight, window

#: Window of the adaptive expenditure that targets and plans are built on.
BASIS_DAYS: Final = 28
FORMULA_SOURCE: Final = "Mifflin-St Jeor x activity multiplier"

BasisKind = Literal["adaptive", "formula"]


@dataclass(frozen=True, slots=True)
class EnergyBasis:
    """The session's expenditure: its value, which kind it is and the estimate behind it.

    ``tdee_kcal`` is ``None`` only when neither the data nor the profile can give one.
    """

    tdee_kcal: float | None
    kind: BasisKind
    source: str
    weight_kg: float | None
    formula_kcal: float | None
    estimate: ExpenditureEstimate
    start: dt.date
    end: dt.date


def formula_tdee(profile: ProfileData, weight_kg: float | None, today: dt.date) -> float | None:
    """Mifflin-St Jeor x activity, or ``None`` when height, birth year or weight is missing."""
    if weight_kg is None or profile.height_cm is None or profile.birth_year is None:
        return None
    bmr = mifflin_st_jeor(
        weight_kg=weight_kg,
        height_cm=profile.height_cm,
        age=age_from_birth_year(profile.birth_year, today),
        sex=profile.sex,
    )
    return tdee_from_activity(bmr.kcal, profile.activity_level)


def missing_inputs(profile: ProfileData, weight_kg: float | None) -> ToolDataMissing:
    """The typed error naming what the formula estimate lacks (profile fields first)."""
    fields = tuple(
        name
        for name, value in (
            ("height_cm", profile.height_cm),
            ("birth_year", profile.birth_year),
            ("weight_kg", weight_kg),
        )
        if value is None
    )
    profile_gap = any(f != "weight_kg" for f in fields)
    return ToolDataMissing(
        DataErrorCode.MISSING_PROFILE_FIELDS if profile_gap else DataErrorCode.NOT_ENOUGH_DATA,
        "no expenditure estimate without " + ", ".join(fields) + "; ask the user for them",
        fields=fields,
    )


def energy_basis(
    profile: ProfileData,
    *,
    weights: dict[dt.date, float],
    intake_kcal: dict[dt.date, float],
    today: dt.date,
    days: int = BASIS_DAYS,
) -> EnergyBasis:
    """The basis from loaded rows: ``weights`` must reach :data:`WEIGHT_LOOKBACK_DAYS` back
    (for the current trend weight), ``intake_kcal`` cover the last ``days`` days."""
    start, end = window(today, days)
    lookback_start, _ = window(today, WEIGHT_LOOKBACK_DAYS)
    weight = current_weight({d: w for d, w in weights.items() if d >= lookback_start}, today)
    prior = formula_tdee(profile, weight, today)
    recent = {d: w for d, w in weights.items() if d >= start}
    est = estimate_tdee(
        weigh_ins=recent, intake_kcal=intake_kcal, start=start, end=end, prior_kcal=prior
    )
    if est.updated_from_data and est.tdee_kcal is not None:
        return EnergyBasis(
            tdee_kcal=est.tdee_kcal,
            kind="adaptive",
            source=f"adaptive estimate from the last {days} days ({est.confidence} confidence)",
            weight_kg=weight,
            formula_kcal=prior,
            estimate=est,
            start=start,
            end=end,
        )
    return EnergyBasis(
        tdee_kcal=prior,
        kind="formula",
        source=FORMULA_SOURCE,
        weight_kg=weight,
        formula_kcal=prior,
        estimate=est,
        start=start,
        end=end,
    )


async def load_energy_basis(
    session: AsyncSession, deps: ToolDeps, profile: ProfileData, *, days: int = BASIS_DAYS
) -> tuple[EnergyBasis, dict[dt.date, float]]:
    """The basis for ``deps.user_id`` today, and the weigh-ins it read (the last
    ``max(days, WEIGHT_LOOKBACK_DAYS)`` days), in the caller's session."""
    today = deps.today()
    lookback = max(days, WEIGHT_LOOKBACK_DAYS)
    weights = await load_weights(
        session, deps.user_id, today - dt.timedelta(days=lookback - 1), today
    )
    start, end = window(today, days)
    rows = await load_nutrition(session, deps.user_id, start, end)
    intake = {r.date: float(r.calories) for r in rows if r.calories is not None}
    basis = energy_basis(profile, weights=weights, intake_kcal=intake, today=today, days=days)
    return basis, weights
