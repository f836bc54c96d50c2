"""Bodies of ``/v1/check-ins``: a check-in, a page of them, offline sync."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.data_common import to_float
from api.schemas.dates import LogDay
from persistence.models import CheckIn

MAX_SYNC_ITEMS = 500
NOTES_MAX_LENGTH = 2000

WeightKg = Annotated[Decimal, Field(ge=20, le=500, max_digits=5, decimal_places=2)]
Rating = Annotated[int, Field(ge=1, le=10)]


class CheckInWrite(BaseModel):
    """A check-in as the client writes it. ``adherence_score`` is computed by the server and
    refused here; fields left out are stored empty (PUT replaces the whole check-in)."""

    model_config = ConfigDict(extra="forbid")

    weight_kg: WeightKg | None = Field(default=None, description="20-500 kg, 2 decimals")
    energy_level: Rating | None = Field(default=None, description="1-10")
    sleep_quality: Rating | None = Field(default=None, description="1-10")
    mood: Rating | None = Field(default=None, description="1-10")
    notes: str | None = Field(default=None, max_length=NOTES_MAX_LENGTH)
    client_updated_at: AwareDatetime | None = Field(
        default=None,
        description="when the client last edited it (its own clock, with offset); "
        "compared by /v1/check-ins/sync, never with the server's updated_at",
    )

    def values(self) -> dict[str, object]:
        """The stored columns this body sets (all of them: PUT replaces)."""
        return {
            "weight_kg": self.weight_kg,
            "energy_level": self.energy_level,
            "sleep_quality": self.sleep_quality,
            "mood": self.mood,
            "notes": self.notes,
            "client_updated_at": self.client_updated_at,
        }


class CheckInOut(BaseModel):
    """A stored check-in."""

    id: uuid.UUID
    date: dt.date
    weight_kg: float | None
    energy_level: int | None
    sleep_quality: int | None
    mood: int | None
    notes: str | None
    adherence_score: float | None = Field(
        description="0-1, computed by the server from the day's nutrition vs targets"
    )
    client_updated_at: dt.datetime | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, row: CheckIn) -> CheckInOut:
        """The response view of a row."""
        return cls(
            id=row.id,
            date=row.date,
            weight_kg=to_float(row.weight_kg),
            energy_level=row.energy_level,
            sleep_quality=row.sleep_quality,
            mood=row.mood,
            notes=row.notes,
            adherence_score=to_float(row.adherence_score),
            client_updated_at=row.client_updated_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


class CheckInPage(BaseModel):
    """Check-ins newest first; pass ``next_cursor`` as ``cursor`` for the next page."""

    items: list[CheckInOut]
    next_cursor: str | None


class SyncItem(CheckInWrite):
    """One offline edit: the full check-in of ``date`` as the client last saw it."""

    date: LogDay
    client_updated_at: AwareDatetime = Field(description="the client's edit time, with offset")


class SyncRequest(BaseModel):
    """Up to 500 offline edits, applied in order."""

    model_config = ConfigDict(extra="forbid")

    items: list[SyncItem] = Field(max_length=MAX_SYNC_ITEMS)


SyncStatus = Literal["created", "updated", "unchanged", "conflict"]


class SyncResult(BaseModel):
    """What happened to one item, with the server's version of that date after the batch.

    ``conflict``: the server holds a version with a later (or equal but different)
    ``client_updated_at``; the client should adopt ``check_in``.
    """

    index: int
    date: dt.date
    status: SyncStatus
    check_in: CheckInOut | None


class SyncResponse(BaseModel):
    """One result per item, in request order."""

    results: list[SyncResult]
