"""Bodies of ``/v1/nutrition``: a day's totals, lists and aggregates, the MFP import report."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.data_common import to_float
from persistence.models import NutritionDay

NOTES_MAX_LENGTH = 2000
MAX_CALORIES = 99_999

Grams = Annotated[Decimal, Field(ge=0, le=Decimal("9999.99"), max_digits=6, decimal_places=2)]
FiberGrams = Annotated[Decimal, Field(ge=0, le=Decimal("999.99"), max_digits=5, decimal_places=2)]


class NutritionWrite(BaseModel):
    """A day's totals as the client writes them (PUT replaces the whole day)."""

    model_config = ConfigDict(extra="forbid")

    calories: int | None = Field(default=None, ge=0, le=MAX_CALORIES)
    protein_g: Grams | None = Field(default=None, description="0-9999.99 g")
    carbs_g: Grams | None = Field(default=None, description="0-9999.99 g")
    fat_g: Grams | None = Field(default=None, description="0-9999.99 g")
    fiber_g: FiberGrams | None = Field(default=None, description="0-999.99 g")
    notes: str | None = Field(default=None, max_length=NOTES_MAX_LENGTH)


class NutritionOut(BaseModel):
    """A stored nutrition day."""

    id: uuid.UUID
    date: dt.date
    calories: int | None
    protein_g: float | None
    carbs_g: float | None
    fat_g: float | None
    fiber_g: float | None
    source: str = Field(description="manual | mfp_import")
    notes: str | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, row: NutritionDay) -> NutritionOut:
        """The response view of a row."""
        return cls(
            id=row.id,
            date=row.date,
            calories=row.calories,
            protein_g=to_float(row.protein_g),
            carbs_g=to_float(row.carbs_g),
            fat_g=to_float(row.fat_g),
            fiber_g=to_float(row.fiber_g),
            source=row.source,
            notes=row.notes,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


Aggregate = Literal["none", "avg", "sum"]


class NutritionAggregate(BaseModel):
    """Totals or means over the logged days of a range.

    Means are over the days that logged that nutrient (unlogged days are excluded, never
    counted as zero).
    """

    kind: Literal["avg", "sum"]
    start: dt.date | None = Field(serialization_alias="from")
    end: dt.date | None = Field(serialization_alias="to")
    days_logged: int
    calories: float | None
    protein_g: float | None
    carbs_g: float | None
    fat_g: float | None
    fiber_g: float | None


class NutritionList(BaseModel):
    """Days newest first (``aggregate=none``) or one aggregate (``avg``/``sum``)."""

    items: list[NutritionOut]
    next_cursor: str | None
    aggregate: NutritionAggregate | None


class SkippedDay(BaseModel):
    """A date of the import that was not written, and why."""

    date: dt.date
    kind: Literal["nutrition", "check_in"]
    reason: str


class ImportedCounts(BaseModel):
    """How many rows the import wrote."""

    nutrition_days: int
    check_ins: int


class DateRange(BaseModel):
    """First and last date with data in the upload."""

    model_config = ConfigDict(populate_by_name=True)

    start: dt.date = Field(serialization_alias="from")
    end: dt.date = Field(serialization_alias="to")


class ImportedFile(BaseModel):
    """One file of the upload."""

    name: str
    kind: Literal["nutrition", "measurement", "exercise", "other"]
    rows: int
    imported: bool


class MfpImportReport(BaseModel):
    """What ``POST /v1/nutrition/import/mfp`` did."""

    imported: ImportedCounts
    skipped: list[SkippedDay]
    date_range: DateRange | None
    rows_read: int
    files: list[ImportedFile]
