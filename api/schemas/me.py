"""Bodies of ``/v1/me``: the caller's profile, goal and diet preferences.

Updates are partial: only the fields present in the body are written. A nullable column is
cleared by sending ``null``; the others (timezone, goal_type, ...) refuse ``null``. Ranges
are the spec's CHECK constraints, enums are their lowercase values, and unknown fields are
refused, each as a 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from api.schemas.auth import UserOut
from api.schemas.dates import IsoDate
from persistence.enums import ActivityLevel, DietType, GoalType, PacePreference, Sex
from persistence.models import DietPreferences, UserGoal, UserProfile

MAX_LIST_ITEMS = 50
MAX_ITEM_LENGTH = 100

# Sanity bounds for user-set macro targets (not safety floors: the coach's policies judge
# plans). Well above any documented human intake, well below absurd.
MAX_CALORIES = 15_000
MAX_PROTEIN_G = 1_000
MAX_CARBS_G = 2_000
MAX_FAT_G = 1_000
MAX_FIBER_G = 300


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _iana_zone(value: str) -> str:
    if value not in _zones():
        raise ValueError("must be an IANA time zone such as Europe/Paris or UTC")
    return value


def _unique(items: list[str]) -> list[str]:
    """Items without case-insensitive duplicates, first spelling kept."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            kept.append(item)
    return kept


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may not be null")
    return value


def _drop_null(schema: dict[str, Any]) -> None:
    # The published schema of a NonNull field: its type without the null branch or default.
    schema.pop("default", None)
    options = schema.pop("anyOf", None)
    if options is not None:
        kept = [option for option in options if option.get("type") != "null"]
        if len(kept) == 1:
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept


T = TypeVar("T")

#: A NOT NULL column's field in a partial update: absent leaves it as is (the default None
#: is never validated), an explicit ``null`` is refused, and the published schema shows the
#: field as non-nullable.
NonNull = Annotated[T | None, BeforeValidator(_not_null), Field(json_schema_extra=_drop_null)]

ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ITEM_LENGTH)
]
ShortTextList = Annotated[
    list[ShortText], Field(max_length=MAX_LIST_ITEMS), AfterValidator(_unique)
]
TimeZone = Annotated[str, Field(max_length=50), AfterValidator(_iana_zone)]


def _number(low: float, high: float) -> Any:
    # strict: JSON true or "170" is refused rather than read as 1 or 170.
    return Field(ge=low, le=high, strict=True, allow_inf_nan=False)


class _Update(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def changes(self) -> dict[str, Any]:
        """Only the fields the client sent, ready for the repository."""
        return self.model_dump(exclude_unset=True)


class ProfileUpdate(_Update):
    """Fields of ``user_profile`` to change."""

    display_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
        | None
    ) = None
    height_cm: Annotated[float, _number(50, 300)] | None = None
    sex: Sex | None = None
    birth_year: Annotated[int, _number(1900, 2100)] | None = None
    activity_level: ActivityLevel | None = None
    timezone: NonNull[TimeZone] = None

    def changes(self) -> dict[str, Any]:
        """See :meth:`_Update.changes`; heights are stored as exact decimals."""
        values = super().changes()
        if values.get("height_cm") is not None:
            values["height_cm"] = Decimal(str(values["height_cm"]))
        return values


class GoalUpdate(_Update):
    """Fields of ``user_goal`` to change."""

    goal_type: NonNull[GoalType] = None
    target_weight_kg: Annotated[float, _number(20, 500)] | None = None
    pace_preference: NonNull[PacePreference] = None
    target_date: IsoDate | None = None

    def changes(self) -> dict[str, Any]:
        """See :meth:`_Update.changes`; weights are stored as exact decimals."""
        values = super().changes()
        if values.get("target_weight_kg") is not None:
            values["target_weight_kg"] = Decimal(str(values["target_weight_kg"]))
        return values


class MacroTargets(BaseModel):
    """Daily macro targets; every field optional, all non-negative."""

    model_config = ConfigDict(extra="forbid")

    calories: Annotated[int, _number(0, MAX_CALORIES)] | None = None
    protein_g: Annotated[float, _number(0, MAX_PROTEIN_G)] | None = None
    carbs_g: Annotated[float, _number(0, MAX_CARBS_G)] | None = None
    fat_g: Annotated[float, _number(0, MAX_FAT_G)] | None = None
    fiber_g: Annotated[float, _number(0, MAX_FIBER_G)] | None = None

    @classmethod
    def from_stored(cls, raw: Mapping[str, Any] | None) -> MacroTargets | None:
        """The known, numeric fields of a stored JSON value (older rows may hold others)."""
        if not raw:
            return None
        known: dict[str, Any] = {}
        for name in cls.model_fields:
            value = raw.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                known[name] = int(value) if name == "calories" else float(value)
        return cls.model_construct(**known) if known else None


class PreferencesUpdate(_Update):
    """Fields of ``diet_preferences`` to change. Lists and macro targets are replaced whole."""

    diet_type: NonNull[DietType] = None
    allergies: NonNull[ShortTextList] = None
    disliked_foods: NonNull[ShortTextList] = None
    meals_per_day: NonNull[Annotated[int, _number(1, 10)]] = None
    macro_targets: MacroTargets | None = None

    def changes(self) -> dict[str, Any]:
        """See :meth:`_Update.changes`; empty macro targets are stored as null."""
        values = super().changes()
        if values.get("macro_targets") is not None:
            targets = {k: v for k, v in values["macro_targets"].items() if v is not None}
            values["macro_targets"] = targets or None
        return values


class ProfileOut(BaseModel):
    """The caller's profile (defaults when never set)."""

    display_name: str | None
    height_cm: float | None
    sex: Sex | None
    birth_year: int | None
    activity_level: ActivityLevel | None
    timezone: str
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, row: UserProfile) -> ProfileOut:
        """From a stored (or default) row."""
        return cls(
            display_name=row.display_name,
            height_cm=float(row.height_cm) if row.height_cm is not None else None,
            sex=row.sex,
            birth_year=row.birth_year,
            activity_level=row.activity_level,
            timezone=row.timezone,
            updated_at=row.updated_at,
        )


class GoalOut(BaseModel):
    """The caller's goal (defaults when never set)."""

    goal_type: GoalType
    target_weight_kg: float | None
    pace_preference: PacePreference
    target_date: dt.date | None
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, row: UserGoal) -> GoalOut:
        """From a stored (or default) row."""
        return cls(
            goal_type=row.goal_type,
            target_weight_kg=float(row.target_weight_kg)
            if row.target_weight_kg is not None
            else None,
            pace_preference=row.pace_preference,
            target_date=row.target_date,
            updated_at=row.updated_at,
        )


class PreferencesOut(BaseModel):
    """The caller's diet preferences (defaults when never set)."""

    diet_type: DietType
    allergies: list[str]
    disliked_foods: list[str]
    meals_per_day: int
    macro_targets: MacroTargets | None
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, row: DietPreferences) -> PreferencesOut:
        """From a stored (or default) row."""
        return cls(
            diet_type=row.diet_type,
            allergies=[str(item) for item in row.allergies or []],
            disliked_foods=[str(item) for item in row.disliked_foods or []],
            meals_per_day=row.meals_per_day,
            macro_targets=MacroTargets.from_stored(row.macro_targets),
            updated_at=row.updated_at,
        )


class MeOut(BaseModel):
    """Everything ``GET /v1/me`` answers."""

    user: UserOut
    profile: ProfileOut
    goal: GoalOut
    preferences: PreferencesOut


__all__ = [
    "GoalOut",
    "GoalUpdate",
    "MacroTargets",
    "MeOut",
    "PreferencesOut",
    "PreferencesUpdate",
    "ProfileOut",
    "ProfileUpdate",
]
