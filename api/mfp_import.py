"""Writing a parsed MyFitnessPal export: nutrition days and weigh-ins, in bulk.

Each kind is written by one ``INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE``
statement (the arrays make it one statement with a fixed number of parameters whatever the
number of days). The ``WHERE`` of the conflict clause keeps manual data when
``overwrite`` is false, atomically, so a manual entry written concurrently is kept too:

- nutrition: a stored day is replaced only when it came from an earlier MFP import;
- check-ins: only the weight is written, and only when the stored check-in has none.

The caller commits once (a failure anywhere stores nothing) and bumps the cache.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from api import adherence
from api.mfp import ParsedExport

_UPSERT_NUTRITION = sa.text(
    "INSERT INTO nutrition_day"
    " (user_id, date, calories, protein_g, carbs_g, fat_g, fiber_g, notes, source)"
    " SELECT :user_id, t.day, t.calories, t.protein_g, t.carbs_g, t.fat_g, t.fiber_g, t.notes,"
    " 'mfp_import'"
    " FROM unnest(CAST(:days AS date[]), CAST(:calories AS integer[]),"
    " CAST(:protein_g AS numeric[]), CAST(:carbs_g AS numeric[]), CAST(:fat_g AS numeric[]),"
    " CAST(:fiber_g AS numeric[]), CAST(:notes AS text[]))"
    " AS t(day, calories, protein_g, carbs_g, fat_g, fiber_g, notes)"
    " ON CONFLICT (user_id, date) DO UPDATE SET calories = excluded.calories,"
    " protein_g = excluded.protein_g, carbs_g = excluded.carbs_g, fat_g = excluded.fat_g,"
    " fiber_g = excluded.fiber_g, notes = excluded.notes, source = excluded.source"
    " WHERE CAST(:overwrite AS boolean) OR nutrition_day.source = 'mfp_import'"
    " RETURNING date"
)
_UPSERT_WEIGHTS = sa.text(
    "INSERT INTO check_in (user_id, date, weight_kg)"
    " SELECT :user_id, t.day, t.weight_kg"
    " FROM unnest(CAST(:days AS date[]), CAST(:weights AS numeric[])) AS t(day, weight_kg)"
    " ON CONFLICT (user_id, date) DO UPDATE SET weight_kg = excluded.weight_kg"
    " WHERE CAST(:overwrite AS boolean) OR check_in.weight_kg IS NULL"
    " RETURNING date"
)


SkipKind = Literal["nutrition", "check_in"]


@dataclass(slots=True)
class ImportResult:
    """What was written and what was skipped (date, kind, reason)."""

    nutrition_days: int = 0
    check_ins: int = 0
    skipped: list[tuple[dt.date, SkipKind, str]] = field(default_factory=list)


async def store_export(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    parsed: ParsedExport,
    overwrite: bool,
    today: dt.date,
) -> ImportResult:
    """Write the export's days (dates after ``today`` are skipped) and rescore check-ins."""
    result = ImportResult()
    nutrition_days = sorted(parsed.nutrition)
    weight_days = sorted(parsed.weights_kg)
    for day in nutrition_days:
        if day > today:
            result.skipped.append((day, "nutrition", "date is in the future"))
    for day in weight_days:
        if day > today:
            result.skipped.append((day, "check_in", "date is in the future"))
    nutrition_days = [day for day in nutrition_days if day <= today]
    weight_days = [day for day in weight_days if day <= today]

    if nutrition_days:
        stored = [parsed.nutrition[day].stored() for day in nutrition_days]
        params = {
            "user_id": user_id,
            "overwrite": overwrite,
            "days": nutrition_days,
            **{
                name: [values[name] for values in stored]
                for name in ("calories", "protein_g", "carbs_g", "fat_g", "fiber_g", "notes")
            },
        }
        written = set((await db.execute(_UPSERT_NUTRITION, params)).scalars().all())
        result.nutrition_days = len(written)
        result.skipped.extend(
            (day, "nutrition", "a manual entry exists (pass overwrite=true to replace it)")
            for day in nutrition_days
            if day not in written
        )
    if weight_days:
        params = {
            "user_id": user_id,
            "overwrite": overwrite,
            "days": weight_days,
            "weights": [parsed.weights_kg[day] for day in weight_days],
        }
        written = set((await db.execute(_UPSERT_WEIGHTS, params)).scalars().all())
        result.check_ins = len(written)
        result.skipped.extend(
            (day, "check_in", "the check-in already has a weight (pass overwrite=true)")
            for day in weight_days
            if day not in written
        )
    await adherence.recompute_for_dates(db, user_id=user_id, days=[*nutrition_days, *weight_days])
    result.skipped.sort(key=lambda item: (item[0], item[1]))
    return result
